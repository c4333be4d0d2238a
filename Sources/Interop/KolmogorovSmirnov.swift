import Foundation

/// Two-sample Kolmogorov-Smirnov test: the largest distance between the empirical distribution
/// functions and its p-value. Without ties, the asymptotic p-value (Numerical Recipes'
/// small-sample correction); with ties (per-cell rates are spike counts over one duration, so
/// many cells share a value), a permutation p-value, which the asymptotic formula is not: the
/// pooled sample relabelled at random `permutations` times (a fixed seed, so the same inputs give
/// the same p), p = (1 + #{D* >= D}) / (1 + permutations).
public struct KolmogorovSmirnov: Sendable {
    public var d: Double
    public var p: Double
    /// Whether `p` is a permutation p-value (the samples had ties).
    public var permutation = false
    static let permutations = 2000

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
        let pooled = (x + y).sorted()
        let tied = zip(pooled, pooled.dropFirst()).contains { $0 == $1 }
        if tied && !x.isEmpty && !y.isEmpty && pooled.count * KolmogorovSmirnov.permutations <= 40_000_000 {
            self.p = KolmogorovSmirnov.permutationP(pooled: pooled, n: x.count, observed: self.d)
            permutation = true
        }
    }

    /// The share of random relabellings of the pooled sample (n to the first group) whose D is at
    /// least the observed one.
    static func permutationP(pooled: [Double], n: Int, observed: Double) -> Double {
        // Runs of equal values in the pooled order: D is read only at the end of a run.
        var runEnds: [Int] = []
        for k in 1...pooled.count where k == pooled.count || pooled[k] != pooled[k - 1] { runEnds.append(k) }
        let total = pooled.count, m = total - n
        var labels = [Bool](repeating: false, count: total)
        for k in 0..<n { labels[k] = true }
        var state: UInt64 = 0x5EED_0F_C0_4E
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var atLeast = 0
        for _ in 0..<permutations {
            for k in stride(from: total - 1, to: 0, by: -1) {
                let j = Int(next() % UInt64(k + 1))
                labels.swapAt(k, j)
            }
            var inX = 0, d = 0.0, start = 0
            for end in runEnds {
                for k in start..<end where labels[k] { inX += 1 }
                let inY = end - inX
                d = max(d, abs(Double(inX) / Double(n) - Double(inY) / Double(m)))
                start = end
            }
            if d >= observed - 1e-12 { atLeast += 1 }
        }
        return Double(1 + atLeast) / Double(1 + permutations)
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
