import Foundation

/// Welch's two-sample t-test: the difference of two means over its standard error, the
/// Welch-Satterthwaite degrees of freedom and the two-sided p-value. A sample of one value adds
/// no variance; with no spread at all, equal means give p = 1 and different ones p = 0.
public struct WelchTest: Sendable {
    public var t: Double
    public var df: Double
    public var p: Double

    public init(_ x: [Double], _ y: [Double]) {
        func moments(_ v: [Double]) -> (mean: Double, varOfMean: Double, n: Double) {
            let n = Double(v.count)
            let m = v.reduce(0, +) / max(n, 1)
            guard v.count > 1 else { return (m, 0, n) }
            return (m, v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1) / n, n)
        }
        let a = moments(x), b = moments(y)
        let se2 = a.varOfMean + b.varOfMean
        let diff = a.mean - b.mean
        guard se2 > 0 else {
            t = diff == 0 ? 0 : .infinity
            df = .nan
            p = diff == 0 ? 1 : 0
            return
        }
        t = diff / se2.squareRoot()
        var denominator = 0.0
        if a.n > 1 { denominator += a.varOfMean * a.varOfMean / (a.n - 1) }
        if b.n > 1 { denominator += b.varOfMean * b.varOfMean / (b.n - 1) }
        df = se2 * se2 / denominator
        p = WelchTest.twoSidedP(t: t, df: df)
    }

    /// P(|T| >= |t|) for Student's t with `df` degrees of freedom: I_{df/(df+t^2)}(df/2, 1/2).
    public static func twoSidedP(t: Double, df: Double) -> Double {
        guard t.isFinite else { return 0 }
        return min(1, max(0, incompleteBeta(df / (df + t * t), df / 2, 0.5)))
    }

    /// The regularized incomplete beta function I_x(a, b), by its continued fraction.
    static func incompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) { return exp(logFront) * continuedFraction(x, a, b) / a }
        return 1 - exp(logFront) * continuedFraction(1 - x, b, a) / b
    }

    /// Lentz's evaluation of the incomplete beta continued fraction.
    static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        func guarded(_ v: Double) -> Double { abs(v) < tiny ? tiny : v }
        var c = 1.0
        var d = 1 / guarded(1 - (a + b) * x / (a + 1))
        var h = d
        for m in 1...300 {
            let k = Double(m)
            let even = k * (b - k) * x / ((a + 2 * k - 1) * (a + 2 * k))
            d = 1 / guarded(1 + even * d)
            c = guarded(1 + even / c)
            h *= d * c
            let odd = -(a + k) * (a + b + k) * x / ((a + 2 * k) * (a + 2 * k + 1))
            d = 1 / guarded(1 + odd * d)
            c = guarded(1 + odd / c)
            let step = d * c
            h *= step
            if abs(step - 1) < 1e-15 { break }
        }
        return h
    }
}
