# SPDX-License-Identifier: BSD-2-Clause
"""Minimal pcap reader for cross-checking traces against tcpdump captures.

Reads classic pcap files (micro- or nanosecond, either byte order) with
Ethernet (veth, lo), Linux cooked v1/v2 or raw IP link types and returns
the TCP segments as dicts:

    {"t": float seconds, "family": 4|6, "src": str, "dst": str,
     "sport": int, "dport": int, "tcp_flags": int, "flags": "S.",
     "seq": int, "ack": int, "window": int, "payload_len": int}

Only what the tests need; anything that is not TCP over IPv4/IPv6 without
extension headers is skipped.
"""

import ipaddress
import struct

_FLAG_LETTERS = "FSRP.UEW"  # bit order, as trc_tcp_flags_str() prints them
_LINK_ETHERNET, _LINK_RAW, _LINK_SLL, _LINK_SLL2, _LINK_RAW_IP = 1, 101, 113, 276, 12


def flags_str(bits):
    """tcpdump-style flag string, identical to trc_tcp_flags_str()."""
    s = "".join(c for i, c in enumerate(_FLAG_LETTERS) if bits & (1 << i))
    return s or "none"


def _l3_offset(link, frame):
    """(ethertype-ish family, offset of the IP header) or (None, 0)."""
    if link == _LINK_ETHERNET:
        if len(frame) < 14:
            return None, 0
        return struct.unpack_from("!H", frame, 12)[0], 14
    if link == _LINK_SLL and len(frame) >= 16:
        return struct.unpack_from("!H", frame, 14)[0], 16
    if link == _LINK_SLL2 and len(frame) >= 20:
        return struct.unpack_from("!H", frame, 0)[0], 20
    if link in (_LINK_RAW, _LINK_RAW_IP) and frame:
        return (0x0800 if frame[0] >> 4 == 4 else 0x86DD), 0
    return None, 0


def _parse_ip(ethertype, buf, off):
    """(family, src, dst, tcp offset, end of IP payload) or None."""
    if ethertype == 0x0800 and len(buf) >= off + 20:
        ihl = (buf[off] & 0x0F) * 4
        total = struct.unpack_from("!H", buf, off + 2)[0]
        if buf[off + 9] != 6:
            return None
        src = ipaddress.IPv4Address(buf[off + 12:off + 16])
        dst = ipaddress.IPv4Address(buf[off + 16:off + 20])
        return 4, str(src), str(dst), off + ihl, off + total
    if ethertype == 0x86DD and len(buf) >= off + 40:
        plen = struct.unpack_from("!H", buf, off + 4)[0]
        if buf[off + 6] != 6:
            return None
        src = ipaddress.IPv6Address(buf[off + 8:off + 24])
        dst = ipaddress.IPv6Address(buf[off + 24:off + 40])
        return 6, str(src), str(dst), off + 40, off + 40 + plen
    return None


def _parse_tcp(ip, buf, ts):
    fam, src, dst, toff, end = ip
    if len(buf) < toff + 20:
        return None
    sport, dport, seq, ack, offres, flags, win = struct.unpack_from("!HHIIBBH", buf, toff)
    hlen = (offres >> 4) * 4
    return {"t": ts, "family": fam, "src": src, "dst": dst, "sport": sport,
            "dport": dport, "tcp_flags": flags, "flags": flags_str(flags),
            "seq": seq, "ack": ack, "window": win,
            "payload_len": max(0, end - toff - hlen)}


def read_pcap(path):
    """All TCP segments of a pcap file, in capture order."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return []
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise ValueError("%s: not a classic pcap file" % path)
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    link = struct.unpack_from(end + "I", data, 20)[0] & 0x0FFFFFFF
    out, pos = [], 24
    while pos + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack_from(end + "IIII", data, pos)
        frame = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        ts = sec + frac / (1e9 if nano else 1e6)
        ethertype, off = _l3_offset(link, frame)
        ip = _parse_ip(ethertype, frame, off) if ethertype else None
        seg = _parse_tcp(ip, frame, ts) if ip else None
        if seg:
            out.append(seg)
    return out
