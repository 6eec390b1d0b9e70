#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Checks that every C source and header of the tree is formatted as
# .clang-format says; prints the offending lines and exits 1 otherwise.
# Fix with: scripts/check-format.sh --fix
# usage: check-format.sh [--fix] [SOURCE_ROOT]
set -euo pipefail
fix=0
if [ "${1:-}" = --fix ]; then
	fix=1
	shift
fi
root=${1:-$(dirname "$0")/..}
cd "$root"
command -v clang-format >/dev/null || { echo "check-format: clang-format not installed (scripts/deps.sh installs it)" >&2; exit 1; }
mapfile -t files < <(find analyze record format bpf tests bench samples \
	-name '*.[ch]' -not -path '*/corpus/*' 2>/dev/null | sort)
[ ${#files[@]} -gt 0 ] || { echo "check-format: no C files under $root" >&2; exit 1; }
if [ $fix = 1 ]; then
	clang-format -i "${files[@]}"
	exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}"; then
	echo "check-format: the files above differ from .clang-format; run scripts/check-format.sh --fix" >&2
	exit 1
fi
echo "check-format: ${#files[@]} files formatted"
