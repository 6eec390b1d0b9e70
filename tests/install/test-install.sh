#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# `meson install` into a scratch root, then what a distribution package
# holds: both tools and their manual pages, the documents the pages name,
# bash completion, and libtrcformat with its header and pkg-config file, which
# a program outside the tree builds against to read a sample trace.
# usage: test-install.sh BUILD_DIR SAMPLE_TRACE TRCDUMP CC [CFLAGS]
set -eu
build=$1 sample=$2 trcdump=$3 cc=$4 cflags=${5:-}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

meson install -C "$build" --no-rebuild --destdir "$root" --quiet >"$root/install.log" 2>&1 ||
	{ cat "$root/install.log" >&2; fail "meson install"; }
prefix=$(meson introspect "$build" --buildoptions |
	python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
top=$root$prefix
for f in bin/tcpana sbin/tcprec share/man/man1/tcpana.1 share/man/man8/tcprec.8 \
	include/tcprec/trc.h include/tcprec/trc_sock.h \
	share/bash-completion/completions/tcprec share/bash-completion/completions/tcpana; do
	[ -e "$top/$f" ] || fail "$f not installed"
done
# Every document a manual page names is installed where it says.
for page in "$top/share/man/man1/tcpana.1" "$top/share/man/man8/tcprec.8"; do
	grep -q '@DOCDIR@' "$page" && fail "$page: @DOCDIR@ not filled in"
	for doc in $(grep -o "$prefix/share/doc/tcprec/[A-Za-z0-9_.-]*" "$page" | sort -u); do
		[ -e "$root$doc" ] || fail "$page names $doc, not installed"
	done
done
pc=$(find "$top" -name tcprec-format.pc | head -n 1)
[ -n "$pc" ] || fail "tcprec-format.pc not installed"
export PKG_CONFIG_PATH="${pc%/*}" PKG_CONFIG_SYSROOT_DIR="$root"
# shellcheck disable=SC2046,SC2086
"$cc" $cflags -o "$root/count-events" "$(dirname "$0")/count-events.c" \
	$(pkg-config --cflags --libs tcprec-format) || fail "building against tcprec-format"
got=$("$root/count-events" "$sample") || fail "count-events $sample"
want=$("$trcdump" "$sample" | python3 -c '
import json, sys
events = serials = 0
for line in sys.stdin:
    d = json.loads(line)
    if "type" in d:
        events += 1
        serials = max(serials, d["conn"]["serial"] if d.get("conn") else 0)
print(events, serials)')
[ "$got" = "$want" ] || fail "count-events read '$got', trcdump '$want'"
"$top/bin/tcpana" --version | grep -q '^tcpana ' || fail "installed tcpana --version"
echo "installed tree complete; a program built with pkg-config tcprec-format read $got"
