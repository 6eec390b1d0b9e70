#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The bash completion of both tools: long options come from each tool's
# --help, fixed values from the script, files elsewhere.
# usage: test-completion.sh COMPLETION_SCRIPT TCPREC TCPANA
set -eu
# shellcheck source=/dev/null
source "$1"
tcprec=$2 tcpana=$3
fail() { echo "FAIL: $*" >&2; exit 1; }

complete_words() { # tool word...: COMPREPLY for the last word
	local tool=$1
	shift
	COMP_WORDS=("$tool" "$@")
	COMP_CWORD=$#
	COMPREPLY=()
	_tcprec_complete "$tool"
}

complete_words "$tcpana" --ch
[ "${COMPREPLY[*]}" = "--check" ] || fail "tcpana --ch: ${COMPREPLY[*]}"
complete_words "$tcpana" --verdict v
[ "${COMPREPLY[*]}" = "violation" ] || fail "tcpana --verdict v: ${COMPREPLY[*]}"
complete_words "$tcprec" --fig
[ "${COMPREPLY[*]}" = "--figures" ] || fail "tcprec --fig: ${COMPREPLY[*]}"
complete_words "$tcprec" --figures a
[ "${COMPREPLY[*]}" = "all" ] || fail "tcprec --figures a: ${COMPREPLY[*]}"
cd "$(dirname "$1")"
complete_words "$tcprec" -w tcprec.b
[ "${COMPREPLY[*]}" = "tcprec.bash" ] || fail "tcprec -w: ${COMPREPLY[*]}"
echo "completion: options, values and files"
