"""Prints the layer table of NetCore's ziggurat normal draws (Sources/NetCore/NormalTable.swift).

The standard normal's right half under f(x) = exp(-x^2 / 2) is cut into 256 layers of equal area
v: the base layer is the rectangle [0, r] x [0, f(r)] together with the tail beyond r, and above
it 255 rectangles [0, x_i] x [f(x_i), f(x_(i+1))], the last ending at the top, x_256 = 0.
r is found by bisection so that the top layer closes; x_0 = v / f(r) is the base layer's width
as a rectangle. Computed with 50 significant digits; each x_i and f(x_i) rounded to the nearest
double and printed as bits (x_0 ... x_256, then f(x_0) ... f(x_256)).
"""
import struct
from decimal import Decimal, getcontext

getcontext().prec = 50
N = 256


def bits(d):
    return struct.unpack("<Q", struct.pack("<d", float(d)))[0]


def f(x):
    return (-x * x / 2).exp()


def erfc(x):
    # Continued fraction (Lentz) of the complementary error function, for x >= 3.
    tiny = Decimal("1e-300")
    b0 = x
    fr = b0 if b0 != 0 else tiny
    c, d = fr, Decimal(0)
    k = 1
    while True:
        a = Decimal(k) / 2
        d = x + a * d
        d = 1 / (d if d != 0 else tiny)
        c = x + a / c
        delta = c * d
        fr *= delta
        k += 1
        if abs(delta - 1) < Decimal("1e-45"):
            break
    pi = Decimal("3.1415926535897932384626433832795028841971693993751")
    return (-x * x).exp() / (fr * pi.sqrt())


def layers(r):
    """x_1 = r, ..., as far as the layers go; the area v; whether the top closed early."""
    tail = (Decimal("3.1415926535897932384626433832795028841971693993751") / 2).sqrt() * erfc(r / Decimal(2).sqrt())
    v = r * f(r) + tail
    xs = [v / f(r), r]
    for _ in range(2, N):
        y = f(xs[-1]) + v / xs[-1]
        if y >= 1:
            return xs, v, True
        xs.append((-2 * y.ln()).sqrt())
    return xs, v, False


lo, hi = Decimal(3), Decimal(4)
for _ in range(160):
    mid = (lo + hi) / 2
    xs, v, closed_early = layers(mid)
    if closed_early:
        lo = mid  # layers too tall: a larger r makes them thinner (v falls with r)
    else:
        # The top layer [0, x_255] x [f(x_255), 1] must have area v.
        if xs[-1] * (1 - f(xs[-1])) > v:
            hi = mid  # layers too thin: the top one is left too large
        else:
            lo = mid
xs, v, _ = layers(lo)
xs.append(Decimal(0))
assert len(xs) == N + 1
words = [bits(x) for x in xs] + [bits(f(x)) for x in xs]
print(f"// r = {float(xs[1])!r}, v = {float(v)!r}")
for i in range(0, len(words), 4):
    print("        " + ", ".join(f"0x{w:016x}" for w in words[i:i + 4]) + ",")
