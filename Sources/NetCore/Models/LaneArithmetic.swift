#if arch(x86_64)
import _Builtin_intrinsics.intel

/// The arithmetic of `Lane` as single AVX instructions. The standard library's SIMD operators
/// are generic: the compiler sees four scalar operations per operator and gathers them back
/// into vectors only in part, so that the integrator's loop ran with scalar divisions and lane
/// shuffles at half the speed of the vector code. These overloads are more specific than the
/// generic ones, so every `+`, `-`, `*` and `/` on lanes in NetCore is one of them. Each is the
/// IEEE operation lane by lane (negation flips the sign bit), so every number is the one the
/// generic operator gives. Release builds target Haswell (see Package.swift), which has AVX.
extension SIMD4 where Scalar == Double {
    @inline(__always)
    static func + (a: Self, b: Self) -> Self { _mm256_add_pd(a, b) }

    @inline(__always)
    static func - (a: Self, b: Self) -> Self { _mm256_sub_pd(a, b) }

    @inline(__always)
    static func * (a: Self, b: Self) -> Self { _mm256_mul_pd(a, b) }

    @inline(__always)
    static func / (a: Self, b: Self) -> Self { _mm256_div_pd(a, b) }

    @inline(__always)
    static func * (a: Double, b: Self) -> Self { _mm256_mul_pd(_mm256_set1_pd(a), b) }

    @inline(__always)
    static func + (a: Double, b: Self) -> Self { _mm256_add_pd(_mm256_set1_pd(a), b) }

    @inline(__always)
    static func - (a: Self, b: Double) -> Self { _mm256_sub_pd(a, _mm256_set1_pd(b)) }

    @inline(__always)
    static prefix func - (a: Self) -> Self { _mm256_xor_pd(a, _mm256_set1_pd(-0.0)) }

    @inline(__always)
    static func += (a: inout Self, b: Self) { a = a + b }

    @inline(__always)
    static func -= (a: inout Self, b: Self) { a = a - b }
}

/// Lane masks and selections as single AVX instructions, for the same reason.
extension SIMD4 where Scalar == Double {
    @inline(__always)
    func replacing(with other: Self, where m: SIMDMask<SIMD4<Int64>>) -> Self {
        _mm256_blendv_pd(self, other, unsafeBitCast(m, to: SIMD4<Double>.self))
    }

    @inline(__always)
    mutating func replace(with other: Self, where m: SIMDMask<SIMD4<Int64>>) { self = replacing(with: other, where: m) }
}

extension SIMDMask where Storage == SIMD4<Int64> {
    @inline(__always)
    static func .& (a: Self, b: Self) -> Self { mask(_mm256_and_pd(bits(a), bits(b))) }

    @inline(__always)
    static func .| (a: Self, b: Self) -> Self { mask(_mm256_or_pd(bits(a), bits(b))) }

    @inline(__always)
    static prefix func .! (a: Self) -> Self { mask(_mm256_xor_pd(bits(a), bits(Self(repeating: true)))) }

    @inline(__always)
    private static func bits(_ m: Self) -> SIMD4<Double> { unsafeBitCast(m, to: SIMD4<Double>.self) }

    @inline(__always)
    private static func mask(_ v: SIMD4<Double>) -> Self { unsafeBitCast(v, to: Self.self) }

    /// The lanes' sign bits as the low four bits of an integer.
    @inline(__always)
    var laneBits: Int32 { _mm256_movemask_pd(unsafeBitCast(self, to: SIMD4<Double>.self)) }
}
#endif

/// Whether any lane of the mask is set (the standard library's `any` is not always inlined).
@inline(__always)
func anyLane(_ m: LaneMask) -> Bool {
    #if arch(x86_64)
    return m.laneBits != 0
    #else
    let v = unsafeBitCast(m, to: LaneInt.self)
    return (v[0] | v[1] | v[2] | v[3]) != 0
    #endif
}

/// Whether every lane of the mask is set.
@inline(__always)
func allLanes(_ m: LaneMask) -> Bool {
    #if arch(x86_64)
    return m.laneBits == 0xf
    #else
    let v = unsafeBitCast(m, to: LaneInt.self)
    return (v[0] & v[1] & v[2] & v[3]) != 0
    #endif
}
