/// The numbers the integrator computes with: one group of four cells (`Lane`), or two groups side
/// by side (`LanePair`). A Fehlberg step is a chain of dependent operations (each stage needs the
/// one before, a division in every right-hand side) that keeps one group's four lanes waiting on
/// latencies most of the time; with two groups in flight the processor fills those waits with the
/// other group's operations. Every operation is the same IEEE operation lane by lane, so a lane
/// computes the same doubles in either pack.
protocol LanePack {
    associatedtype Mask: LanePackMask
    /// Lanes in the pack.
    static var width: Int { get }
    init(repeating: Double)
    subscript(k: Int) -> Double { get set }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func / (a: Self, b: Self) -> Self
    static func * (a: Double, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    /// The lanes where `m` is set taken from `other`.
    func replacing(with other: Self, where m: Mask) -> Self
    static func .< (a: Self, b: Self) -> Mask
    static func .> (a: Self, b: Self) -> Mask
    static func .>= (a: Self, b: Self) -> Mask
    static func .!= (a: Self, b: Self) -> Mask
    /// `f` applied to each group of four lanes.
    func map(_ f: (Lane) -> Lane) -> Self
}

protocol LanePackMask {
    init(repeating: Bool)
    subscript(k: Int) -> Bool { get }
    static func .& (a: Self, b: Self) -> Self
    static func .| (a: Self, b: Self) -> Self
    static prefix func .! (a: Self) -> Self
    /// Whether any lane is set.
    var anySet: Bool { get }
}

extension SIMD4: LanePack where Scalar == Double {
    static var width: Int { laneWidth }

    @inline(__always)
    func map(_ f: (Lane) -> Lane) -> Self { f(self) }
}

extension SIMDMask: LanePackMask where Storage == LaneInt {
    var anySet: Bool {
        @inline(__always) get { anyLane(self) }
    }
}

/// Two groups of four cells: each operation is the operation on both halves.
struct LanePair: LanePack {
    var lo: Lane, hi: Lane

    @inline(__always)
    init(_ lo: Lane, _ hi: Lane) {
        self.lo = lo
        self.hi = hi
    }

    @inline(__always)
    init(repeating x: Double) { self.init(Lane(repeating: x), Lane(repeating: x)) }

    static var width: Int { 2 * laneWidth }

    subscript(k: Int) -> Double {
        @inline(__always) get { k < laneWidth ? lo[k] : hi[k - laneWidth] }
        @inline(__always) set {
            if k < laneWidth { lo[k] = newValue } else { hi[k - laneWidth] = newValue }
        }
    }

    @inline(__always)
    static func + (a: Self, b: Self) -> Self { Self(a.lo + b.lo, a.hi + b.hi) }

    @inline(__always)
    static func - (a: Self, b: Self) -> Self { Self(a.lo - b.lo, a.hi - b.hi) }

    @inline(__always)
    static func * (a: Self, b: Self) -> Self { Self(a.lo * b.lo, a.hi * b.hi) }

    @inline(__always)
    static func / (a: Self, b: Self) -> Self { Self(a.lo / b.lo, a.hi / b.hi) }

    @inline(__always)
    static func * (a: Double, b: Self) -> Self { Self(a * b.lo, a * b.hi) }

    @inline(__always)
    static prefix func - (a: Self) -> Self { Self(-a.lo, -a.hi) }

    @inline(__always)
    func replacing(with other: Self, where m: LaneMaskPair) -> Self {
        Self(lo.replacing(with: other.lo, where: m.lo), hi.replacing(with: other.hi, where: m.hi))
    }

    @inline(__always)
    static func .< (a: Self, b: Self) -> LaneMaskPair { LaneMaskPair(a.lo .< b.lo, a.hi .< b.hi) }

    @inline(__always)
    static func .> (a: Self, b: Self) -> LaneMaskPair { LaneMaskPair(a.lo .> b.lo, a.hi .> b.hi) }

    @inline(__always)
    static func .>= (a: Self, b: Self) -> LaneMaskPair { LaneMaskPair(a.lo .>= b.lo, a.hi .>= b.hi) }

    @inline(__always)
    static func .!= (a: Self, b: Self) -> LaneMaskPair { LaneMaskPair(a.lo .!= b.lo, a.hi .!= b.hi) }

    @inline(__always)
    func map(_ f: (Lane) -> Lane) -> Self { Self(f(lo), f(hi)) }
}

struct LaneMaskPair: LanePackMask {
    var lo: LaneMask, hi: LaneMask

    @inline(__always)
    init(_ lo: LaneMask, _ hi: LaneMask) {
        self.lo = lo
        self.hi = hi
    }

    @inline(__always)
    init(repeating b: Bool) { self.init(LaneMask(repeating: b), LaneMask(repeating: b)) }

    subscript(k: Int) -> Bool {
        @inline(__always) get { k < laneWidth ? lo[k] : hi[k - laneWidth] }
    }

    @inline(__always)
    static func .& (a: Self, b: Self) -> Self { Self(a.lo .& b.lo, a.hi .& b.hi) }

    @inline(__always)
    static func .| (a: Self, b: Self) -> Self { Self(a.lo .| b.lo, a.hi .| b.hi) }

    @inline(__always)
    static prefix func .! (a: Self) -> Self { Self(.!a.lo, .!a.hi) }

    var anySet: Bool {
        @inline(__always) get { anyLane(lo .| hi) }
    }
}
