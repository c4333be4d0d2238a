import Foundation

/// Two-sample Kolmogorov-Smirnov test: the largest distance between the empirical distribution
/// functions and its asymptotic p-value (Numerical Recipes' small-sample correction).
public struct KolmogorovSmirnov: Sendable {
    public var d: Double
    public var p: Double

    public init(_ a: [Double], _ b: [Double]) {
        let x = a.sorted(), y = b.sorted()
        var i = 0, j = 0, d = 0.0
        let n = Double(x.count), m = Double(y.count)
        while i < x.count && j < y.count {
            let v = min(x[i], y[j])
            while i < x.count && x[i] <= v { i += 1 }
            while j < y.count && y[j] <= v { j += 1 }
            d = max(d, abs(Double(i) / n - Double(j) / m))
        }
        self.d = x.isEmpty || y.isEmpty ? 0 : d
        let en = (n * m / max(1, n + m)).squareRoot()
        self.p = x.isEmpty || y.isEmpty ? 1 : KolmogorovSmirnov.q((en + 0.12 + 0.11 / max(en, 1e-12)) * self.d)
    }

    /// Kolmogorov's Q(lambda) = 2 sum (-1)^(j-1) exp(-2 j^2 lambda^2).
    static func q(_ lambda: Double) -> Double {
        if lambda < 0.2 { return 1 }
        var sum = 0.0, sign = 1.0
        for j in 1...100 {
            let term = sign * exp(-2 * Double(j * j) * lambda * lambda)
            sum += term
            if abs(term) < 1e-12 { break }
            sign = -sign
        }
        return min(1, max(0, 2 * sum))
    }
}
