#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""People come to tcprec and tcpana with tcpdump's options in their
fingers: every short option letter the tools accept that tcpdump also
has must mean what it means in tcpdump (tcpdump(8), 4.99).  Letters
tcpdump does not have are free.  The letters are read from each tool's
--help, so a new option cannot slip past.

usage: test-tcpdump-letters.py TCPREC TCPANA
"""
import re
import subprocess
import sys

# tcpdump's option letters, each with the long option names of ours that
# mean the same thing; an empty set: the letter means something else to
# tcpdump, so neither tool may take it.
TCPDUMP = {
    "A": set(), "b": set(), "B": {"buffer-size"}, "c": {"count"}, "C": {"file-size"}, "d": set(),
    "D": set(), "e": set(), "E": set(), "f": set(), "F": set(), "g": set(), "G": {"rotate-seconds"},
    "h": {"help"}, "H": set(), "i": {"interface"}, "I": set(), "j": set(), "J": set(),
    "K": set(), "l": set(), "L": set(), "m": set(), "M": set(), "n": set(), "N": set(),
    "O": set(), "p": set(), "P": set(), "q": {"quiet"}, "Q": set(), "r": {"read"},
    "S": set(), "s": set(), "t": set(), "T": set(), "u": set(), "U": set(),
    "v": {"verbose"}, "V": set(), "w": {"write"}, "W": {"file-count"}, "x": set(), "X": set(),
    "y": set(), "Y": set(), "z": set(), "Z": {"user"}, "#": set(),
}

# Letters one tool may take against tcpdump, and why.  tcpana's -j: tcpdump's
# -j picks the timestamp source of a live capture, which a trace reader has
# no use for, and -j N is what make, ninja and xargs -P users type for "this
# many jobs".
EXCEPTIONS = {("tcpana", "j"): "jobs"}

OPTION = re.compile(r"^\s+-(\S), --([\w-]+)")


def letters(exe):
    """{letter: long name} of exe's --help."""
    out = subprocess.run([exe, "--help"], capture_output=True, text=True, check=True).stdout
    return {m.group(1): m.group(2) for m in map(OPTION.match, out.splitlines()) if m}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    fails = []
    for exe in sys.argv[1:]:
        got = letters(exe)
        if not got:
            fails.append("%s --help lists no short option" % exe)
        for letter, name in sorted(got.items()):
            tool = exe.rsplit("/", 1)[-1]
            if EXCEPTIONS.get((tool, letter)) == name:
                continue
            if letter in TCPDUMP and name not in TCPDUMP[letter]:
                fails.append("%s: -%s is --%s, tcpdump's -%s is something else"
                             % (exe, letter, name, letter))
    for f in fails:
        print("FAIL", f)
    if fails:
        sys.exit(1)
    print("letters agree with tcpdump's")


main()
