"""Prints the 2^(k/128) table of NetCore's lane exp (Sources/NetCore/Models/LaneExp.swift).

For k = 0..127: H_k, the double nearest 2^(k/128), and T_k, the double nearest 2^(k/128) / H_k - 1,
both computed with 60 significant digits. Each entry is stored as two words: the bits of T_k, and
the bits of H_k minus k << 45 (so that adding the integer part of x * 128 / ln 2, shifted by 45,
gives the bits of 2^(x / ln 2) scaled into place).
"""
import struct
from decimal import Decimal, getcontext

getcontext().prec = 60
LN2 = Decimal(2).ln()


def bits(d):
    return struct.unpack("<Q", struct.pack("<d", d))[0]


words = []
for k in range(128):
    v = (Decimal(k) / 128 * LN2).exp()
    h = float(v)
    t = float(v / Decimal(h) - 1)
    words += [bits(t), (bits(h) - (k << 45)) % 2**64]
for i in range(0, len(words), 4):
    print("        " + ", ".join(f"0x{w:016x}" for w in words[i:i + 4]) + ",")
