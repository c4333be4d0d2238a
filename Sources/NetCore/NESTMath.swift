import Foundation

/// Functions computed as NEST 3.10 computes them where that differs from the C library, so that
/// propagators come out as the very doubles NEST uses.
enum NESTMath {
    /// e^x - 1 as NEST's `numerics::expm1` when built without the C library's expm1 (as the
    /// NEST 3.10 wheels are): e^x - 1 for |x| > ln 2, else the Taylor series x + x^2/2! + ...
    /// summed until a term no longer changes the sum. It can differ from `expm1` in the last bit,
    /// and an exact propagator carries that into every step.
    static func expm1(_ x: Double) -> Double {
        if x == 0 { return 0 }
        if abs(x) > log(2.0) { return exp(x) - 1 }
        var sum = x
        var term = x * x / 2
        var n = 2.0
        while abs(term) > abs(sum) * Double.ulpOfOne {
            sum += term
            n += 1
            term *= x / n
        }
        return sum
    }
}
