import Foundation

/// Cells are integrated four at a time, one SIMD lane per cell (an AVX2 register of doubles), or
/// eight as two such groups side by side (`LanePack`): every lane keeps its own time, step size
/// and state, and masks say which lanes an operation touches.
typealias Lane = SIMD4<Double>
typealias LaneInt = SIMD4<Int64>
typealias LaneBits = SIMD4<UInt64>
typealias LaneMask = SIMDMask<LaneInt>
let laneWidth = 4

/// The state variables of a group of cells, each variable a lane vector: what the integrator adds,
/// scales, selects and measures, component by component.
protocol LaneVector {
    associatedtype Pack: LanePack
    static func + (a: Self, b: Self) -> Self
    static func * (s: Double, a: Self) -> Self
    static func * (h: Pack, a: Self) -> Self
    /// The lanes where `m` is set taken from `other`.
    func replacing(with other: Self, where m: Pack.Mask) -> Self
    /// Tiny values set to 0 (see `flushTiny`) in the lanes where `m` is set.
    func flushingTiny(where m: Pack.Mask) -> Self
    /// The worst ratio of error to tolerance over the components, per lane (at least DBL_MIN).
    func ratio<C: StepControl>(_ ctl: C, err: Self, dydt: Self, h: Pack) -> Pack where C.Pack == Pack
}

/// Three state variables of a group of cells (V_m, g_ex, g_in of `iaf_cond_exp`), for one group
/// of four cells or two.
struct LaneState3<Pack: LanePack>: LaneVector {
    var x0: Pack, x1: Pack, x2: Pack

    @inline(__always)
    init(_ x0: Pack, _ x1: Pack, _ x2: Pack) {
        self.x0 = x0
        self.x1 = x1
        self.x2 = x2
    }

    @inline(__always)
    func replacing(with other: Self, where m: Pack.Mask) -> Self {
        Self(select(m, other.x0, x0), select(m, other.x1, x1), select(m, other.x2, x2))
    }

    @inline(__always)
    static func + (a: Self, b: Self) -> Self { Self(a.x0 + b.x0, a.x1 + b.x1, a.x2 + b.x2) }

    @inline(__always)
    static func * (s: Double, a: Self) -> Self { Self(s * a.x0, s * a.x1, s * a.x2) }

    @inline(__always)
    static func * (h: Pack, a: Self) -> Self { Self(h * a.x0, h * a.x1, h * a.x2) }

    @inline(__always)
    func flushingTiny(where m: Pack.Mask) -> Self {
        Self(flushTiny(x0, where: m), flushTiny(x1, where: m), flushTiny(x2, where: m))
    }

    @inline(__always)
    func ratio<C: StepControl>(_ ctl: C, err: Self, dydt: Self, h: Pack) -> Pack where C.Pack == Pack {
        let m = vmax(vmax(ctl.ratio(x0, err.x0, dydt.x0, h), ctl.ratio(x1, err.x1, dydt.x1, h)), ctl.ratio(x2, err.x2, dydt.x2, h))
        return vmax(m, Pack(repeating: Double.leastNormalMagnitude))
    }
}

/// Four state variables of a group of cells (V_m, g_ex, g_in, w of `aeif_cond_exp`), for one
/// group of four cells or two.
struct LaneState<Pack: LanePack>: LaneVector {
    var x0: Pack, x1: Pack, x2: Pack, x3: Pack

    @inline(__always)
    init(_ x0: Pack, _ x1: Pack, _ x2: Pack, _ x3: Pack) {
        self.x0 = x0
        self.x1 = x1
        self.x2 = x2
        self.x3 = x3
    }

    @inline(__always)
    func replacing(with other: Self, where m: Pack.Mask) -> Self {
        Self(select(m, other.x0, x0), select(m, other.x1, x1), select(m, other.x2, x2), select(m, other.x3, x3))
    }

    @inline(__always)
    static func + (a: Self, b: Self) -> Self { Self(a.x0 + b.x0, a.x1 + b.x1, a.x2 + b.x2, a.x3 + b.x3) }

    @inline(__always)
    static func * (s: Double, a: Self) -> Self { Self(s * a.x0, s * a.x1, s * a.x2, s * a.x3) }

    @inline(__always)
    static func * (h: Pack, a: Self) -> Self { Self(h * a.x0, h * a.x1, h * a.x2, h * a.x3) }

    @inline(__always)
    func flushingTiny(where m: Pack.Mask) -> Self {
        Self(flushTiny(x0, where: m), flushTiny(x1, where: m), flushTiny(x2, where: m), flushTiny(x3, where: m))
    }

    @inline(__always)
    func ratio<C: StepControl>(_ ctl: C, err: Self, dydt: Self, h: Pack) -> Pack where C.Pack == Pack {
        let m = vmax(vmax(ctl.ratio(x0, err.x0, dydt.x0, h), ctl.ratio(x1, err.x1, dydt.x1, h)),
                     vmax(ctl.ratio(x2, err.x2, dydt.x2, h), ctl.ratio(x3, err.x3, dydt.x3, h)))
        return vmax(m, Pack(repeating: Double.leastNormalMagnitude))
    }
}

/// Two groups' state variables side by side, and each group's.
extension LaneState3 where Pack == LanePair {
    @inline(__always)
    init(_ a: LaneState3<Lane>, _ b: LaneState3<Lane>) {
        self.init(LanePair(a.x0, b.x0), LanePair(a.x1, b.x1), LanePair(a.x2, b.x2))
    }

    var lo: LaneState3<Lane> {
        @inline(__always) get { LaneState3<Lane>(x0.lo, x1.lo, x2.lo) }
    }

    var hi: LaneState3<Lane> {
        @inline(__always) get { LaneState3<Lane>(x0.hi, x1.hi, x2.hi) }
    }
}

extension LaneState where Pack == LanePair {
    @inline(__always)
    init(_ a: LaneState<Lane>, _ b: LaneState<Lane>) {
        self.init(LanePair(a.x0, b.x0), LanePair(a.x1, b.x1), LanePair(a.x2, b.x2), LanePair(a.x3, b.x3))
    }

    var lo: LaneState<Lane> {
        @inline(__always) get { LaneState<Lane>(x0.lo, x1.lo, x2.lo, x3.lo) }
    }

    var hi: LaneState<Lane> {
        @inline(__always) get { LaneState<Lane>(x0.hi, x1.hi, x2.hi, x3.hi) }
    }
}

/// `m ? a : b` lane by lane.
@inline(__always)
func select<P: LanePack>(_ m: P.Mask, _ a: P, _ b: P) -> P { b.replacing(with: a, where: m) }

@inline(__always)
func select(_ m: LaneMask, _ a: LaneInt, _ b: LaneInt) -> LaneInt { b.replacing(with: a, where: m) }

/// A right-hand side for a group of cells, constant in time within a step.
protocol LaneField {
    associatedtype State: LaneVector
    func f(_ y: State) -> State
}

/// GSL's step-size control `gsl_odeiv_control_standard`, per lane:
/// D = eps_rel*(a_y*|y| + a_dydt*|h*y'|) + eps_abs, with (a_y, a_dydt) = (1, 0) (`ControlY`,
/// GSL's `y_new`) or (0, 1) (`ControlYP`, `yp_new`): the kind is a type, so the unused term is
/// never computed.
protocol StepControl {
    associatedtype Pack: LanePack
    var epsAbs: Pack { get }
    var epsRel: Pack { get }
    /// Whether the control reads y' at the new y (GSL computes it after every step; a control
    /// that does not read it leaves it to the next step's start, where GSL computes it again).
    static var readsDerivative: Bool { get }
    /// The quantity D scales with: |y| or |h y'|.
    static func scale(_ y: Pack, _ dydt: Pack, _ h: Pack) -> Pack
}

struct ControlY<Pack: LanePack>: StepControl {
    let epsAbs: Pack, epsRel: Pack
    static var readsDerivative: Bool { false }
    @inline(__always)
    static func scale(_ y: Pack, _ dydt: Pack, _ h: Pack) -> Pack { vabs(y) }
}

struct ControlYP<Pack: LanePack>: StepControl {
    let epsAbs: Pack, epsRel: Pack
    static var readsDerivative: Bool { true }
    @inline(__always)
    static func scale(_ y: Pack, _ dydt: Pack, _ h: Pack) -> Pack { vabs(h * dydt) }
}

extension StepControl {
    /// The ratio of error to tolerance of one component, |err| / |D|.
    @inline(__always)
    func ratio(_ y: Pack, _ err: Pack, _ dydt: Pack, _ h: Pack) -> Pack {
        let d0: Pack = epsRel * Self.scale(y, dydt, h) + epsAbs
        return vabs(err) / vabs(d0)
    }
}

/// The embedded Runge-Kutta-Fehlberg 4(5) method with GSL's tableau and its evolve/control logic
/// (GSL 1.15 `rkf45.c`, `evolve.c`, `cstd.c`), lane by lane: each lane takes exactly the steps,
/// retries and step sizes GSL takes for that cell alone.
enum RKF45 {
    /// Substeps a cell may take within one simulation step. Equations so stiff that the step
    /// control needs more (a time constant of 1e-300 ms, say) would take forever: the run stops
    /// with an error naming the cell instead.
    static let maxSubsteps = 1_000_000

    static func tooStiff(_ model: String, neuron: Int, h: Double) -> NetError {
        NetError("Simulate", model: model, "neuron \(neuron) needs more than \(maxSubsteps) integration substeps in one \(h) ms step: its parameters make the equations too stiff to integrate")
    }

    static let ah: (Double, Double, Double, Double, Double) = (1.0 / 4.0, 3.0 / 8.0, 12.0 / 13.0, 1.0, 1.0 / 2.0)
    static let b3 = (3.0 / 32.0, 9.0 / 32.0)
    static let b4 = (1932.0 / 2197.0, -7200.0 / 2197.0, 7296.0 / 2197.0)
    static let b5 = (8341.0 / 4104.0, -32832.0 / 4104.0, 29440.0 / 4104.0, -845.0 / 4104.0)
    static let b6 = (-6080.0 / 20520.0, 41040.0 / 20520.0, -28352.0 / 20520.0, 9295.0 / 20520.0, -5643.0 / 20520.0)
    static let c1 = 902880.0 / 7618050.0
    static let c3 = 3953664.0 / 7618050.0
    static let c4 = 3855735.0 / 7618050.0
    static let c5 = -1371249.0 / 7618050.0
    static let c6 = 277020.0 / 7618050.0
    static let ec1 = 1.0 / 360.0, ec3 = -128.0 / 4275.0, ec4 = -2197.0 / 75240.0, ec5 = 1.0 / 50.0, ec6 = 2.0 / 55.0

    /// One Fehlberg step of size h (per lane) from y with y' = k1: the new y, its error estimate
    /// and, when `derivative` is set, y' there (else k1). Every sum is GSL's, term by term from the
    /// left, each product rounded (no fused multiply-adds), so that each lane computes the very
    /// doubles GSL computes.
    @inline(__always)
    static func step<F: LaneField>(_ sys: F, _ y: F.State, _ k1: F.State, _ h: F.State.Pack, derivative: Bool)
        -> (y: F.State, err: F.State, dydt: F.State) {
        let k2 = sys.f(y + (ah.0 * h) * k1)
        let s3 = b3.0 * k1 + b3.1 * k2
        let k3 = sys.f(y + h * s3)
        var s4 = b4.0 * k1 + b4.1 * k2
        s4 = s4 + b4.2 * k3
        let k4 = sys.f(y + h * s4)
        var s5 = b5.0 * k1 + b5.1 * k2
        s5 = s5 + b5.2 * k3
        s5 = s5 + b5.3 * k4
        let k5 = sys.f(y + h * s5)
        var s6 = b6.0 * k1 + b6.1 * k2
        s6 = s6 + b6.2 * k3
        s6 = s6 + b6.3 * k4
        s6 = s6 + b6.4 * k5
        let k6 = sys.f(y + h * s6)
        var d = c1 * k1 + c3 * k3
        d = d + c4 * k4
        d = d + c5 * k5
        d = d + c6 * k6
        let yNew = y + h * d
        let dydt = derivative ? sys.f(yNew) : k1
        var e = ec1 * k1 + ec3 * k3
        e = e + ec4 * k4
        e = e + ec5 * k5
        e = e + ec6 * k6
        return (yNew, h * e, dydt)
    }

    /// `gsl_odeiv_evolve_apply` for every lane in `active`: advances its y from t towards t1 by one
    /// accepted (possibly cut) step, retrying with a smaller step while the control asks for one;
    /// `h` is the suggested step, updated by the control for the next call. `k1` is y' at y on entry;
    /// the result is y' at the new y, the next call's k1 while the field stays the same (lanes
    /// that have reached t1 are left out: their next step starts with a new field).
    @inline(__always)
    static func evolve<F: LaneField, C: StepControl>(_ sys: F, _ ctl: C, t: inout C.Pack, t1: Double, h: inout C.Pack,
                                                     y: inout F.State, k1: F.State, active: C.Pack.Mask) -> F.State
        where F.State.Pack == C.Pack {
        typealias P = C.Pack
        let t0 = t
        let dt = P(repeating: t1) - t0
        var h0 = h
        var pending = active
        var dydtOut = k1
        while pending.anySet {
            let finalStep = h0 .> dt
            h0 = h0.replacing(with: dt, where: finalStep)
            let (yNew, err, dydt) = step(sys, y, k1, h0, derivative: C.readsDerivative)
            let tNew = select(finalStep, P(repeating: t1), t0 + h0)
            let rmax = yNew.ratio(ctl, err: err, dydt: dydt, h: h0)
            // GSL's hadjust, lane by lane: shrink by S / rmax^(1/5) (at most 5 times) above 1.1,
            // grow by S / rmax^(1/6) (between 1 and 5 times) below 0.5, S = 0.9.
            let decrease = pending .& (rmax .> P(repeating: 1.1))
            // A lane that grows its step from a whole step t1 suggests at least t1, and every later
            // call cuts a suggestion of t1 or more to its remaining time (at most t1) all the same:
            // such a lane keeps h0 and the growth factor is not computed.
            let increase = pending .& (rmax .< P(repeating: 0.5)) .& (h0 .< P(repeating: t1))
            var hNext = h0
            var retry = P.Mask(repeating: false)
            if (decrease .| increase).anySet {
                // S / rmax^(1/ord) with the C library's pow, as GSL computes it (ord = 5). Where
                // the factor is sure to be clamped (below 0.2 for rmax > 4.5^5 = 1845, above 5 for
                // rmax < (0.9 / 5)^6 = 3.4e-5), the clamp's value is used without computing it.
                var factor = P(repeating: 1)
                for k in 0..<P.width where decrease[k] || increase[k] {
                    let x = rmax[k]
                    if decrease[k] {
                        factor[k] = x > 1900 ? 0.2 : 0.9 / pow(x, 1.0 / 5.0)
                    } else {
                        factor[k] = x < 3e-5 ? 5 : 0.9 / pow(x, 1.0 / 6.0)
                    }
                }
                let hNew = vmax(factor, P(repeating: 0.2)) * h0
                // A smaller step is retried only if it really is smaller and moves t by at least an ulp.
                retry = decrease .& (vabs(hNew) .< vabs(h0)) .& (tNew + hNew .!= tNew)
                hNext = hNext.replacing(with: hNew, where: retry)
                hNext = hNext.replacing(with: vmin(vmax(factor, P(repeating: 1)), P(repeating: 5)) * h0, where: increase)
            }
            let accept = pending .& .!retry
            y = y.replacing(with: yNew, where: accept)
            dydtOut = dydtOut.replacing(with: dydt, where: accept)
            t = t.replacing(with: tNew, where: accept)
            h = h.replacing(with: hNext, where: accept)
            h0 = hNext
            pending = retry
        }
        if C.readsDerivative { return dydtOut }
        return (active .& (t .< P(repeating: t1))).anySet ? sys.f(y) : k1
    }
}

@inline(__always)
func vabs<P: LanePack>(_ v: P) -> P { v.replacing(with: -v, where: v .< P(repeating: 0)) }

@inline(__always)
func vmin<P: LanePack>(_ a: P, _ b: P) -> P { a.replacing(with: b, where: b .< a) }

@inline(__always)
func vmax<P: LanePack>(_ a: P, _ b: P) -> P { a.replacing(with: b, where: b .> a) }

/// Decaying state variables reach subnormal numbers after seconds without input, and rounding
/// holds them there (a few units of the last place, a rate times a step rounds to 0), where every
/// operation on them costs a hundred times more. Values below the smallest normal number
/// (2.2e-308) are set to 0: NEST keeps the subnormal; no other value can differ by it.
@inline(__always)
func flushTiny<P: LanePack>(_ v: P, where m: P.Mask) -> P {
    select(m .& (vabs(v) .< P(repeating: Double.leastNormalMagnitude)), P(repeating: 0), v)
}

/// e^x lane by lane, the C library's bits in every lane: `LaneExp.vector` with `table` where it
/// has been found to give them (`LaneExp.verifiedTable`), else `exp` lane by lane.
@inline(__always)
func laneExp(_ x: Lane, table: UnsafePointer<UInt64>?) -> Lane {
    if let table { return LaneExp.vector(x, table) }
    return Lane(exp(x[0]), exp(x[1]), exp(x[2]), exp(x[3]))
}

@inline(__always)
func flushTiny(_ x: Double) -> Double { abs(x) < Double.leastNormalMagnitude ? 0 : x }
