#!/usr/bin/env python3
"""Split a tcpdump capture of BGP sessions into individual BGP messages.

python3 stdlib only.  Usage:

  extract.py dump    PCAP                       list every BGP message (one line each)
  extract.py count   PCAP SRC DST TYPE [HEX]    count messages SRC->DST of TYPE (containing HEX)
  extract.py extract PCAP OUTDIR                write the fixtures selected in vectors.py

The pcap is parsed directly (classic libpcap format, Ethernet / Linux cooked / null
link types, IPv4 and IPv6).  Each TCP direction is reassembled by sequence number
(relative to the SYN), retransmitted bytes are dropped, and the byte stream is cut
into BGP messages using the 16-octet marker and the length field of the 19-octet header.
A truncated last packet (capture still being written) is tolerated.
"""
import ipaddress
import os
import struct
import subprocess
import sys
import tempfile

TYPES = {1: "open", 2: "update", 3: "notification", 4: "keepalive", 5: "route-refresh"}
TYPE_CODES = {v: k for k, v in TYPES.items()}
MARKER = b"\xff" * 16


def read_pcap(path):
    """Yield (frame_no, ts, src, sport, dst, dport, seq, flags, payload)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise SystemExit("%s: not a classic pcap file (pcapng is not supported)" % path)
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(end + "I", data[20:24])[0] & 0x0FFFFFFF
    off, frame = 24, 0
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        if off + incl > len(data):
            break  # truncated last record
        pkt = data[off:off + incl]
        off += incl
        frame += 1
        ts = sec + frac / (1e9 if nano else 1e6)
        if linktype == 1:  # Ethernet
            if len(pkt) < 14:
                continue
            etype = struct.unpack("!H", pkt[12:14])[0]
            l3 = pkt[14:]
        elif linktype == 113:  # Linux cooked v1
            etype = struct.unpack("!H", pkt[14:16])[0]
            l3 = pkt[16:]
        elif linktype == 276:  # Linux cooked v2
            etype = struct.unpack("!H", pkt[0:2])[0]
            l3 = pkt[20:]
        elif linktype == 0:  # BSD null
            fam = struct.unpack("<I", pkt[:4])[0]
            etype = 0x0800 if fam == 2 else 0x86DD
            l3 = pkt[4:]
        elif linktype == 101:  # raw IP
            etype = 0x0800 if pkt[0] >> 4 == 4 else 0x86DD
            l3 = pkt
        else:
            raise SystemExit("unsupported link type %d" % linktype)
        if etype == 0x0800:
            ihl = (l3[0] & 0x0F) * 4
            if l3[9] != 6:
                continue
            total = struct.unpack("!H", l3[2:4])[0]
            src = str(ipaddress.IPv4Address(l3[12:16]))
            dst = str(ipaddress.IPv4Address(l3[16:20]))
            l4 = l3[ihl:total]
        elif etype == 0x86DD:
            if l3[6] != 6:
                continue  # extension headers are not expected on loopback BGP
            plen = struct.unpack("!H", l3[4:6])[0]
            src = str(ipaddress.IPv6Address(l3[8:24]))
            dst = str(ipaddress.IPv6Address(l3[24:40]))
            l4 = l3[40:40 + plen]
        else:
            continue
        sport, dport, seq, _ack, offflags = struct.unpack("!HHIIH", l4[:14])
        doff = (offflags >> 12) * 4
        flags = offflags & 0x1FF
        yield frame, ts, src, sport, dst, dport, seq, flags, l4[doff:]


def messages(path):
    """Reassemble each TCP direction and return BGP messages in time order."""
    streams = {}  # (src,sport,dst,dport) -> list of stream dicts
    for frame, ts, src, sport, dst, dport, seq, flags, payload in read_pcap(path):
        key = (src, sport, dst, dport)
        if flags & 0x02:  # SYN starts a new stream instance
            streams.setdefault(key, []).append({"base": (seq + 1) & 0xFFFFFFFF, "segs": {}})
            continue
        if not payload:
            continue
        if key not in streams:  # capture started mid-connection
            streams[key] = [{"base": seq, "segs": {}}]
        st = streams[key][-1]
        rel = (seq - st["base"]) & 0xFFFFFFFF
        old = st["segs"].get(rel)
        if old is None or len(payload) > len(old[0]):
            st["segs"][rel] = (payload, ts, frame)
    out = []
    for key, insts in streams.items():
        for inst_no, st in enumerate(insts):
            buf = bytearray()
            starts = []  # (offset, ts, frame)
            for rel in sorted(st["segs"]):
                payload, ts, frame = st["segs"][rel]
                if rel > len(buf):
                    break  # gap: stop at what is contiguous
                new = payload[len(buf) - rel:]
                if new:
                    starts.append((len(buf), ts, frame))
                    buf += new
            pos, idx = 0, 0
            while pos + 19 <= len(buf):
                if bytes(buf[pos:pos + 16]) != MARKER:
                    sys.stderr.write("bad marker in %s at %d\n" % (key, pos))
                    break
                length = struct.unpack("!H", buf[pos + 16:pos + 18])[0]
                if length < 19 or pos + length > len(buf):
                    break
                while idx + 1 < len(starts) and starts[idx + 1][0] <= pos:
                    idx += 1
                _o, ts, frame = starts[idx]
                raw = bytes(buf[pos:pos + length])
                out.append({"src": key[0], "sport": key[1], "dst": key[2], "dport": key[3],
                            "conn": inst_no, "ts": ts, "frame": frame, "raw": raw,
                            "type": TYPES.get(raw[18], str(raw[18]))})
                pos += length
    out.sort(key=lambda m: (m["ts"], m["frame"]))
    return out


def summary(m):
    raw = m["raw"]
    s = "%s:%d > %s:%d %-13s len=%-5d" % (m["src"], m["sport"], m["dst"], m["dport"], m["type"], len(raw))
    if m["type"] == "update":
        wl = struct.unpack("!H", raw[19:21])[0]
        al = struct.unpack("!H", raw[21 + wl:23 + wl])[0]
        attrs, p = [], 23 + wl
        while p < 23 + wl + al:
            fl, code = raw[p], raw[p + 1]
            if fl & 0x10:
                ln = struct.unpack("!H", raw[p + 2:p + 4])[0]
                hdr = 4
            else:
                ln = raw[p + 2]
                hdr = 3
            extra = ""
            if code in (14, 15):
                afi, safi = struct.unpack("!HB", raw[p + hdr:p + hdr + 3])
                extra = "(%d/%d)" % (afi, safi)
            attrs.append("%d%s" % (code, extra))
            p += hdr + ln
        s += " wd=%d attrs=[%s] nlri=%d" % (wl, ",".join(attrs), len(raw) - p)
    return s + " " + raw[19:60].hex()


def select(msgs, sel):
    hits = []
    for m in msgs:
        if m["src"] != sel["src"] or m["dst"] != sel["dst"] or m["type"] != sel["type"]:
            continue
        h = m["raw"].hex()
        if "exact" in sel and h != sel["exact"]:
            continue
        if any(c not in h for c in sel.get("contains", [])):
            continue
        if any(c in h for c in sel.get("excludes", [])):
            continue
        if "len" in sel and len(m["raw"]) != sel["len"]:
            continue
        hits.append(m)
    n = sel.get("nth", 0)
    return hits[n] if len(hits) > n else None


def synthetic_pcap(path, msgs):
    """One Ethernet/IPv4/TCP packet per message, both ports 179, fixed timestamps."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for i, m in enumerate(msgs):
            tcp = struct.pack("!HHIIHHHH", 179, 179, 1, 1, (5 << 12) | 0x18, 65535, 0, 0) + m["raw"]
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0,
                             ipaddress.IPv4Address(m["src"]).packed,
                             ipaddress.IPv4Address(m["dst"]).packed) + tcp
            eth = b"\x00" * 12 + b"\x08\x00" + ip
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(eth), len(eth)) + eth)


def tshark_texts(msgs):
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "vectors.pcap")
        synthetic_pcap(p, msgs)
        res = subprocess.run(["tshark", "-r", p, "-V", "-O", "bgp", "-o", "tcp.analyze_sequence_numbers:FALSE",
                              "-o", "tcp.desegment_tcp_streams:FALSE"],
                             check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    frames, cur = [], None
    for line in res.stdout.splitlines():
        if line.startswith("Frame ") and ":" in line:
            cur = []
            frames.append(cur)
            continue
        if cur is not None:
            cur.append(line)
    texts = []
    for lines in frames:
        start = next((i for i, l in enumerate(lines) if l.startswith("Border Gateway Protocol")), 0)
        body = [l for l in lines[start:]]
        while body and not body[-1].strip():
            body.pop()
        texts.append("\n".join(body) + "\n")
    if len(texts) != len(msgs):
        raise SystemExit("tshark returned %d frames for %d messages" % (len(texts), len(msgs)))
    return texts


def extract(pcap, outdir):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import vectors
    msgs = messages(pcap)
    chosen, missing = [], []
    names = set()
    for v in vectors.VECTORS:
        assert v["name"] not in names, v["name"]
        names.add(v["name"])
        sel = dict(v["select"])
        sel.setdefault("type", v["msg_type"])
        sel.setdefault("src", vectors.ADDR[v["sender"]])
        sel.setdefault("dst", vectors.ADDR[v["receiver"]])
        m = select(msgs, sel)
        if m is None:
            missing.append(v["name"])
            continue
        if m["type"] != v["msg_type"]:
            raise SystemExit("%s: selected a %s" % (v["name"], m["type"]))
        chosen.append((v, m))
    os.makedirs(outdir, exist_ok=True)
    for fn in os.listdir(outdir):
        if fn.endswith(".hex") or fn.endswith(".tshark.txt"):
            os.unlink(os.path.join(outdir, fn))
    texts = tshark_texts([m for _v, m in chosen])
    rows = ["name\tsender\treceiver\tmsg_type\tcontext\twhat"]
    for (v, m), text in zip(chosen, texts):
        with open(os.path.join(outdir, v["name"] + ".hex"), "w") as f:
            f.write(m["raw"].hex() + "\n")
        with open(os.path.join(outdir, v["name"] + ".tshark.txt"), "w") as f:
            f.write(text)
        sender = v["sender"].rstrip("0123456789")      # exabgp1 -> exabgp, gobgp2 -> gobgp
        receiver = v["receiver"].rstrip("0123456789")
        what = " ".join(v["what"].split())
        rows.append("\t".join([v["name"], sender, receiver, v["msg_type"], v["context"], what]))
    with open(os.path.join(outdir, "vectors.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    print("wrote %d vectors to %s" % (len(chosen), outdir))
    if missing:
        print("MISSING (selector matched nothing): %s" % ", ".join(missing), file=sys.stderr)
        return 1
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "dump":
        for m in messages(argv[1]):
            print(summary(m))
        return 0
    if len(argv) >= 5 and argv[0] == "count":
        sel = {"src": argv[2], "dst": argv[3], "type": argv[4]}
        hexsub = argv[5].lower() if len(argv) > 5 else ""
        n = sum(1 for m in messages(argv[1])
                if m["src"] == sel["src"] and m["dst"] == sel["dst"] and m["type"] == sel["type"]
                and hexsub in m["raw"].hex())
        print(n)
        return 0
    if len(argv) == 3 and argv[0] == "extract":
        return extract(argv[1], argv[2])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
