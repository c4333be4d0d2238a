import Foundation

/// The three named random streams of a kernel, and how they draw normal values.
public struct Seeds: Equatable, Codable, Sendable {
    public var network: UInt64
    public var stimulus: UInt64
    public var state: UInt64
    public var normals: NormalDraws

    public init(network: UInt64, stimulus: UInt64, state: UInt64, normals: NormalDraws = .ziggurat) {
        self.network = network
        self.stimulus = stimulus
        self.state = state
        self.normals = normals
    }

    /// Every stream derived from one master seed.
    public init(master: UInt64, normals: NormalDraws = .ziggurat) {
        network = Seeds.derive(master, 1)
        stimulus = Seeds.derive(master, 2)
        state = Seeds.derive(master, 3)
        self.normals = normals
    }

    static func derive(_ master: UInt64, _ tag: UInt64) -> UInt64 {
        // Small numbers keep the seeds readable (they fit a status bar); they only need to differ.
        (RandomStream.mix(master, tag) % 100_000) + 1
    }
}

/// SplitMix64: a 64-bit state per stream, so a stream per neuron or per connection row is cheap
/// and its state saves as one number.
public struct RandomStream: Equatable, Sendable {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    /// A stream for one purpose, keyed by a seed and up to three integers.
    public init(seed: UInt64, _ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0) {
        state = RandomStream.mix(RandomStream.mix(RandomStream.mix(seed, a), b), c)
    }

    @inline(__always)
    static func finalize(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        finalize(a &+ 0x9E37_79B9_7F4A_7C15 &* (b &+ 1) ^ finalize(b &+ 0x632B_E59B_D9B4_E019))
    }

    /// What a draw adds to the state.
    @inline(__always) static var gamma: UInt64 { 0x9E37_79B9_7F4A_7C15 }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= RandomStream.gamma
        return RandomStream.finalize(state)
    }

    /// The stream `draws` draws further on.
    func advanced(by draws: Int) -> RandomStream { RandomStream(state: state &+ RandomStream.gamma &* UInt64(truncatingIfNeeded: draws)) }

    /// Uniform in [0, 1).
    @inline(__always)
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform integer in 0..<n (Lemire's method, unbiased).
    @inline(__always)
    public mutating func below(_ n: Int) -> Int {
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// A standard normal draw by `method` (`table`: the ziggurat's, read once by a caller that
    /// draws many).
    @inline(__always)
    mutating func normal(_ method: NormalDraws, _ table: NormalTable.Columns = NormalTable.columns) -> Double {
        switch method {
        case .ziggurat: return zigguratNormal(table)
        case .boxMuller: return boxMullerNormal()
        }
    }

    /// Box-Muller without a cached second value, so the state stays one number: a log, a square
    /// root and a cosine per draw, their bits the C library's.
    mutating func boxMullerNormal() -> Double {
        var u1 = uniform()
        while u1 <= 0 { u1 = uniform() }
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Marsaglia and Tsang's ziggurat over `NormalTable`'s 256 layers: one 64-bit draw picks a
    /// layer (8 bits), a sign (1) and a point across the layer (52); 98.8% of draws end there
    /// with a multiplication and a comparison. Points in a layer's wedge are accepted under the
    /// curve (an exp), points of the base layer beyond r are redrawn from the tail (Marsaglia's
    /// method, two logs).
    @inline(__always)
    mutating func zigguratNormal(_ t: NormalTable.Columns = NormalTable.columns) -> Double {
        while true {
            let u = next()
            let i = Int(u & 0xFF), m = u >> 12
            // Bit 8 is the sign, moved to the sign bit (a branch on it would be mispredicted
            // every other draw).
            let sign = (u & 0x100) << 55
            if m < t.inner[i] { return Double(bitPattern: (Double(m) * t.scale[i]).bitPattern ^ sign) }
            if let z = zigguratEdge(t, layer: i, m) { return Double(bitPattern: z.bitPattern ^ sign) }
        }
    }

    /// The rare cases of `zigguratNormal`: a point of layer `i` outside the layer above, at `m`.
    mutating func zigguratEdge(_ t: NormalTable.Columns, layer i: Int, _ m: UInt64) -> Double? {
        let x = Double(m) * t.scale[i]
        if i == 0 {
            let r = NormalTable.r
            while true {
                let a = -log(1 - uniform()) / r, b = -log(1 - uniform())
                if b + b >= a * a { return r + a }
            }
        }
        let y = t.f[i] + uniform() * (t.f[i + 1] - t.f[i])
        return y < exp(-0.5 * x * x) ? x : nil
    }

    /// A Poisson count of mean `mu`, `expNegMu = exp(-mu)` precomputed by the caller.
    @inline(__always)
    public mutating func poisson(mu: Double, expNegMu: Double) -> Int {
        if mu <= 0 { return 0 }
        if mu < 12 {
            // Inversion by sequential search: one uniform per draw.
            let u = uniform()
            var k = 0
            var p = expNegMu
            var cdf = p
            while u > cdf && k < 1000 {
                k += 1
                p *= mu / Double(k)
                cdf += p
            }
            return k
        }
        return poissonPTRS(mu)
    }

    /// Hörmann's transformed rejection with squeeze (PTRS), for large means.
    mutating func poissonPTRS(_ mu: Double) -> Int {
        // Beyond 1e15 the spread (sqrt(mu)) is below a part in 3e7: the mean itself, capped where a
        // count stops being representable.
        if !(mu < 1e15) { return Int(min(mu.isNaN ? 0 : mu, 4e18)) }
        let slam = mu.squareRoot()
        let loglam = log(mu)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let invalpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5
            let v = uniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + mu + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invalpha) - log(a / (us * us) + b) <= -mu + k * loglam - lgamma(k + 1) {
                return Int(k)
            }
        }
    }
}

/// How normal values are drawn: `ziggurat` since session version 3; sessions saved before
/// rebuild their networks with `boxMuller`, as they were drawn.
public enum NormalDraws: String, Sendable, Codable, CaseIterable {
    case ziggurat
    case boxMuller = "box-muller"
}

/// A distribution for per-neuron parameters, weights and delays.
public enum Distribution: Equatable, Sendable, Codable {
    case uniform(min: Double, max: Double)
    case normal(mean: Double, std: Double, min: Double?, max: Double?)
    case lognormal(mu: Double, sigma: Double)

    public func validate() throws {
        switch self {
        case let .uniform(lo, hi):
            guard lo.isFinite, hi.isFinite, lo <= hi else {
                throw NetError("distribution", "uniform needs finite min <= max, got min \(lo), max \(hi)")
            }
        case let .normal(m, s, lo, hi):
            guard m.isFinite, s.isFinite, s >= 0 else {
                throw NetError("distribution", "normal needs a finite mean and std >= 0, got mean \(m), std \(s)")
            }
            if let lo, let hi, !(lo < hi) {
                throw NetError("distribution", "normal needs min < max, got min \(lo), max \(hi)")
            }
        case let .lognormal(mu, sigma):
            guard mu.isFinite, sigma.isFinite, sigma >= 0 else {
                throw NetError("distribution", "lognormal needs a finite mu and sigma >= 0, got mu \(mu), sigma \(sigma)")
            }
        }
    }

    @inline(__always)
    public func draw(_ rng: inout RandomStream, _ normals: NormalDraws) -> Double {
        switch self {
        case let .uniform(lo, hi):
            return lo + (hi - lo) * rng.uniform()
        case let .normal(m, s, lo, hi):
            let table = NormalTable.columns
            for _ in 0..<10_000 {
                let x = m + s * rng.normal(normals, table)
                if let lo, x < lo { continue }
                if let hi, x > hi { continue }
                return x
            }
            return min(max(m, lo ?? m), hi ?? m)
        case let .lognormal(mu, sigma):
            return exp(mu + sigma * rng.normal(normals))
        }
    }

    public var summary: String {
        switch self {
        case let .uniform(lo, hi): return "uniform(\(lo), \(hi))"
        case let .normal(m, s, lo, hi):
            var t = "normal(\(m), \(s)"
            if let lo { t += ", min \(lo)" }
            if let hi { t += ", max \(hi)" }
            return t + ")"
        case let .lognormal(mu, sigma): return "lognormal(\(mu), \(sigma))"
        }
    }
}

/// The cumulative Poisson distribution of one mean, so a count is one uniform and a short scan:
/// the same inversion as `RandomStream.poisson`, without its divisions.
struct PoissonTable {
    private(set) var mu = -1.0
    private(set) var cdf: [Double] = []

    mutating func prepare(_ m: Double) {
        if m == mu { return }
        mu = m
        cdf.removeAll(keepingCapacity: true)
        guard m > 0 && m < 12 else { return }
        var p = exp(-m)
        var f = p
        var k = 0
        cdf.append(f)
        while f < 1 && k < 1000 {
            k += 1
            p *= m / Double(k)
            let next = f + p
            if next == f { break }
            f = next
            cdf.append(f)
        }
    }

    @inline(__always)
    func sample(_ rng: inout RandomStream) -> Int {
        if mu <= 0 { return 0 }
        if cdf.isEmpty { return rng.poissonPTRS(mu) }
        let u = rng.uniform()
        return cdf.withUnsafeBufferPointer { c in
            // Branch-free over the first eight entries, which hold all but 2e-4 of the mass for
            // means up to 2 (cortical background input per 0.1 ms step); a scan beyond.
            let n = c.count
            if n >= 8 {
                var k = (u > c[0] ? 1 : 0) + (u > c[1] ? 1 : 0)
                k += (u > c[2] ? 1 : 0) + (u > c[3] ? 1 : 0)
                k += (u > c[4] ? 1 : 0) + (u > c[5] ? 1 : 0)
                k += (u > c[6] ? 1 : 0) + (u > c[7] ? 1 : 0)
                if k < 8 { return k }
            }
            var k = n >= 8 ? 8 : 0
            while k < n && u > c[k] { k += 1 }
            return k
        }
    }
}
