#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Write the seed corpora of tests/fuzz/corpus/ from tests/vectors, config/ and tests/config/cases.
# The MKPDU seeds come from fuzz_mka itself (FUZZ_MKA_DUMP, see scripts/fuzz.sh --help text).
# Usage: tests/fuzz/make_corpus.py   (rewrites tests/fuzz/corpus/{sectag,validate,protect,config,
#        ctl_request,mka}; keeps corpus/mkpdu)
import json
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, 'corpus')
SUITES = {'GCM-AES-128': 0, 'GCM-AES-256': 1, 'GCM-AES-XPN-128': 2, 'GCM-AES-XPN-256': 3}


def fresh(name):
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def write(d, name, data):
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def rec(frame, flags=0):
    return bytes([flags]) + struct.pack('>H', len(frame)) + frame


def vectors():
    out = []
    for fn in ('macsec_gcm_vectors.json', 'macsec_dpdk_extra_vectors.json'):
        with open(os.path.join(ROOT, 'tests', 'vectors', fn)) as f:
            out += json.load(f)
    return out


def main():
    vs = vectors()
    # sectag: [xpn octet][frame from the SecTAG EtherType]
    d = fresh('sectag')
    for v in vs:
        frame = bytes.fromhex(v['protected_frame'])
        et = frame.find(b'\x88\xe5')
        xpn = 1 if 'XPN' in v['cipher_suite'] else 0
        write(d, v['id'], bytes([xpn]) + frame[et:])

    # validate: [cfg0 cfg1 cfg2] then records; strict, replay protection on
    d = fresh('validate')
    for v in vs:
        if v['id'].startswith('DPDK-') and 'vlan' not in v['id'] and v['id'] not in (
                'DPDK-bad_tag-0', 'DPDK-anti_replay-4', 'DPDK-rekey-2'):
            continue
        frame = bytes.fromhex(v['protected_frame'])
        cs = SUITES[v['cipher_suite'].upper()]
        vlan = 2 if 'vlan' in v['id'] else 0
        cfg0 = cs | (2 << 2) | (1 << 4) | (vlan << 6)
        write(d, v['id'], bytes([cfg0, 0, 0]) + rec(frame))
    # every Annex C frame of one suite in one burst, one chained, under check and disabled
    for cs_name, cs in SUITES.items():
        frames = [bytes.fromhex(v['protected_frame']) for v in vs
                  if v['id'].startswith('802.1AE') and v['cipher_suite'].upper() == cs_name]
        for vf in (0, 1, 2):
            body = b''.join(rec(f, 2 if i == 1 else 0) for i, f in enumerate(frames))
            write(d, 'burst-%s-vf%d' % (cs_name.lower(), vf),
                  bytes([cs | (vf << 2) | (1 << 4), 0x01, 0]) + body + rec(b'', 0x80))
    # sealed by the harness (cfg2 bit 2): PNs out of order, replayed, across the XPN half
    for cs_name, cs in SUITES.items():
        base = [bytes.fromhex(v['protected_frame']) for v in vs
                if v['id'].startswith('802.1AE-AnnexC-C.2')
                and v['cipher_suite'].upper() == cs_name][0]
        body = b''
        for i, pn in enumerate((5, 3, 9, 9, 2, 0x80000001, 0x7fffffff, 1, 0)):
            f = bytearray(base)
            f[16:20] = struct.pack('>I', pn)
            body += rec(bytes(f), (i % 3) * 2)
        for window in (0, 1, 2):
            write(d, 'sealed-replay-%s-w%d' % (cs_name.lower(), window),
                  bytes([cs | (2 << 2) | (1 << 4), window, 4]) + body)
        name = 'sealed-replay-' + cs_name.lower()
        write(d, name + '-check-norp', bytes([cs | (1 << 2), 0, 4]) + body)
        write(d, name + '-high', bytes([cs | (2 << 2) | (1 << 4), 2, 6]) + body)

    # past the 16 KiB bounce buffer (chained: in-pkts-no-room), and a jumbo frame in one piece
    big = bytes.fromhex(vs[0]['protected_frame'])[:20] + bytes(17000)
    write(d, 'big-chained', bytes([2 << 2, 0, 0]) + rec(big, 7) + rec(big[:9000], 0))

    # untagged and short frames
    clear = bytes.fromhex(vs[0]['unprotected_frame'])
    write(d, 'untagged-check', bytes([1 << 2, 0, 0]) + rec(clear) + rec(clear[:13], 3))

    # protect: [cfg0 cfg1 cfg2] then clear frames
    d = fresh('protect')
    frames = []
    for v in vs:
        f = bytes.fromhex(v['unprotected_frame'])
        if f not in frames:
            frames.append(f)
    vlan_frame = (bytes.fromhex('cacbcd414243cacbcd212223' '81000002' '88a80004' '0800') +
                  bytes(range(64)))
    for cs in range(4):
        for enc in (0, 1):
            cfg0 = cs | (enc << 2) | (1 << 3)
            body = b''.join(rec(f, i % 8) for i, f in enumerate(frames[:8]))
            write(d, 'burst-cs%d-e%d' % (cs, enc), bytes([cfg0, 0, 0]) + body)
    write(d, 'vlan2-es',
          bytes([0x04 | 0x20, 0x02 | 0x10, 0]) + rec(vlan_frame) + rec(vlan_frame, 0x1A))
    write(d, 'vlan1-scb-off30', bytes([0x06 | 0x10, 0x01 | 0x04, 0]) + rec(vlan_frame, 3))
    write(d, 'pn-end', bytes([0x0e, 0x40, 0]) + b''.join(rec(f, 0) for f in frames[:4]) +
          rec(b'', 0x80) * 40)
    write(d, 'runt-toolong', bytes([0x0c, 0x10, 0]) + rec(b'\x01' * 13) + rec(b'\x02' * 200, 5))
    write(d, 'no-sa', bytes([0x0c, 0, 2]) + rec(frames[0]))
    jumbo = frames[0][:14] + bytes(8900)
    write(d, 'jumbo-9000', bytes([0x0c, 0x20, 0]) + rec(jumbo, 0x7f) + rec(jumbo, 7))

    # config: every example and test case
    d = fresh('config')
    for src in (os.path.join(ROOT, 'config'), os.path.join(ROOT, 'config', 'examples'),
                os.path.join(ROOT, 'tests', 'config', 'cases')):
        for fn in sorted(os.listdir(src)):
            if fn.endswith('.yaml'):
                shutil.copy(os.path.join(src, fn), os.path.join(d, fn))

    # ctl_request: one request line each
    d = fresh('ctl_request')
    for i, line in enumerate([
            '{"cmd": "status"}', '{"cmd": "stats"}', '{"cmd": "config"}', '{"cmd": "help"}',
            '{"cmd": "mka"}', '{"cmd": "rekey", "link": "dci0"}', '{"cmd": "rekey"}',
            '{"cmd": "nope"}', '{"cmd": 1}', '[1, 2]', '{"cmd": "status", "cmd": "stats"}',
            '{"cmd": "st\\u00e4tus", "link": "\\ud83d\\ude00"}', '{"cmd"']):
        write(d, 'req%02d' % i, line.encode())

    # mka: [cfg] then ops (fuzz_mka.c): hello from each side, both live, SAK, rekey, time
    d = fresh('mka')
    converge = bytes([3, 0, 4, 10, 3, 0, 4, 10, 3, 0, 3, 0, 4, 40, 3, 0, 3, 0])
    for cfg in (0x00, 0x01, 0x0c, 0x3c, 0xe8, 0x12):
        write(d, 'converge-%02x' % cfg, bytes([cfg]) + converge +
              bytes([6, 3, 0, 3, 0, 5, 3, 0]) + bytes([4, 200, 4, 200, 3, 0]))
    write(d, 'tamper', bytes([0]) + converge + bytes([7, 0x80, 30, 0x10, 7, 0, 20, 1]))
    write(d, 'peer-leaves', bytes([0]) + converge + bytes([4, 255, 4, 255, 4, 255, 0, 3]))


if __name__ == '__main__':
    main()
