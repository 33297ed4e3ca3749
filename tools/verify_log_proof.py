#!/usr/bin/env python3
"""An independent verifier of the reference database's log proofs, written from RFC 9162 alone
(section 2.1: leaf hash SHA-256(0x00 || entry), node hash SHA-256(0x01 || left || right);
section 2.1.3.2 inclusion and 2.1.4.2 consistency verification). It shares nothing with the C#
code but the RFC. Standard library only.

  verify_log_proof.py inclusion <proof.json>      # {"leafIndex","treeSize","leafHash","rootHash","path"}
  verify_log_proof.py consistency <proof.json>    # {"oldSize","newSize","oldRoot","newRoot","path"}

Exits 0 and prints "verified" when the proof holds, 1 when it does not, 2 on bad input.
"""
import base64
import hashlib
import json
import sys


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index, size, leaf_hash, path, root):
    # RFC 9162 section 2.1.3.2
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_hash, second_hash, path):
    # RFC 9162 section 2.1.4.2
    if first == second:
        return not path and first_hash == second_hash
    if not path or first == 0 or first > second:
        return False
    if first & (first - 1) == 0:
        path = [first_hash] + path
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node(c, fr)
            sr = node(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_hash and sr == second_hash


def main(argv):
    if len(argv) != 3 or argv[1] not in ("inclusion", "consistency"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[2], encoding="utf-8") as f:
            proof = json.load(f)
        b64 = base64.b64decode
        path = [b64(p) for p in proof["path"]]
        if argv[1] == "inclusion":
            ok = verify_inclusion(int(proof["leafIndex"]), int(proof["treeSize"]), b64(proof["leafHash"]), path, b64(proof["rootHash"]))
        else:
            ok = verify_consistency(int(proof["oldSize"]), int(proof["newSize"]), b64(proof["oldRoot"]), b64(proof["newRoot"]), path)
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"verify_log_proof: bad input: {e}", file=sys.stderr)
        return 2
    print("verified" if ok else "NOT verified")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
