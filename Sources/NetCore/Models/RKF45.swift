import Foundation

/// Cells are integrated four at a time, one SIMD lane per cell (an AVX2 register of doubles): every
/// lane keeps its own time, step size and state, and masks say which lanes an operation touches.
typealias Lane = SIMD4<Double>
typealias LaneInt = SIMD4<Int64>
typealias LaneBits = SIMD4<UInt64>
typealias LaneMask = SIMDMask<LaneInt>
let laneWidth = 4

/// Up to four state variables of a group of cells, each variable a lane vector (unused ones stay 0).
struct LaneState {
    var x0: Lane, x1: Lane, x2: Lane, x3: Lane

    init(_ x0: Lane, _ x1: Lane, _ x2: Lane, _ x3: Lane) {
        self.x0 = x0
        self.x1 = x1
        self.x2 = x2
        self.x3 = x3
    }

    /// The lanes where `m` is set taken from `other`.
    @inline(__always)
    func replacing(with other: LaneState, where m: LaneMask) -> LaneState {
        LaneState(select(m, other.x0, x0), select(m, other.x1, x1), select(m, other.x2, x2), select(m, other.x3, x3))
    }

    /// self + s k, fused.
    @inline(__always)
    func adding(_ s: Double, times k: LaneState) -> LaneState { adding(Lane(repeating: s), times: k) }

    /// self + h k lane by lane, fused.
    @inline(__always)
    func adding(_ h: Lane, times k: LaneState) -> LaneState {
        LaneState(x0.addingProduct(h, k.x0), x1.addingProduct(h, k.x1), x2.addingProduct(h, k.x2),
                  x3.addingProduct(h, k.x3))
    }

    @inline(__always)
    static func * (s: Double, a: LaneState) -> LaneState {
        LaneState(s * a.x0, s * a.x1, s * a.x2, s * a.x3)
    }

    @inline(__always)
    static func * (h: Lane, a: LaneState) -> LaneState {
        LaneState(h * a.x0, h * a.x1, h * a.x2, h * a.x3)
    }

    /// Tiny values set to 0 (see `flushTiny`) in the lanes where `m` is set.
    @inline(__always)
    func flushingTiny(where m: LaneMask) -> LaneState {
        LaneState(flushTiny(x0, where: m), flushTiny(x1, where: m), flushTiny(x2, where: m), flushTiny(x3, where: m))
    }
}

/// `m ? a : b` lane by lane.
@inline(__always)
func select(_ m: LaneMask, _ a: Lane, _ b: Lane) -> Lane { b.replacing(with: a, where: m) }

@inline(__always)
func select(_ m: LaneMask, _ a: LaneInt, _ b: LaneInt) -> LaneInt { b.replacing(with: a, where: m) }

/// Whether any lane of the mask is set (the standard library's `any` is not always inlined).
@inline(__always)
func anyLane(_ m: LaneMask) -> Bool {
    let v = unsafeBitCast(m, to: LaneInt.self)
    return (v[0] | v[1] | v[2] | v[3]) != 0
}

/// A right-hand side for a group of cells, constant in time within a step.
protocol LaneField {
    func f(_ y: LaneState) -> LaneState
}

/// GSL's step-size control `gsl_odeiv_control_standard`, per lane:
/// D = eps_rel*(a_y*|y| + a_dydt*|h*y'|) + eps_abs, with (a_y, a_dydt) = (1, 0) (`ControlY`,
/// GSL's `y_new`) or (0, 1) (`ControlYP`, `yp_new`): the kind is a type, so the unused term is
/// never computed.
protocol StepControl {
    var epsAbs: Lane { get }
    var epsRel: Lane { get }
    /// The quantity D scales with: |y| or |h y'|.
    static func scale(_ y: Lane, _ dydt: Lane, _ h: Lane) -> Lane
}

struct ControlY: StepControl {
    let epsAbs: Lane, epsRel: Lane
    @inline(__always)
    static func scale(_ y: Lane, _ dydt: Lane, _ h: Lane) -> Lane { vabs(y) }
}

struct ControlYP: StepControl {
    let epsAbs: Lane, epsRel: Lane
    @inline(__always)
    static func scale(_ y: Lane, _ dydt: Lane, _ h: Lane) -> Lane { vabs(h * dydt) }
}

extension StepControl {
    /// The ratio of error to tolerance of one component.
    @inline(__always)
    func ratio(_ y: Lane, _ err: Lane, _ dydt: Lane, _ h: Lane) -> Lane {
        let d0: Lane = epsRel * Self.scale(y, dydt, h) + epsAbs
        return vabs(err) / vabs(d0)
    }

    /// The worst ratio of error to tolerance over the components, per lane (at least DBL_MIN).
    @inline(__always)
    func ratio(y: LaneState, err: LaneState, dydt: LaneState, h: Lane) -> Lane {
        let m = vmax(vmax(ratio(y.x0, err.x0, dydt.x0, h), ratio(y.x1, err.x1, dydt.x1, h)),
                     vmax(ratio(y.x2, err.x2, dydt.x2, h), ratio(y.x3, err.x3, dydt.x3, h)))
        return vmax(m, Lane(repeating: Double.leastNormalMagnitude))
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
    /// and y' there. The stages are summed with fused multiply-adds.
    @inline(__always)
    static func step<F: LaneField>(_ sys: F, _ y: LaneState, _ k1: LaneState, _ h: Lane)
        -> (y: LaneState, err: LaneState, dydt: LaneState) {
        let k2 = sys.f(y.adding(ah.0 * h, times: k1))
        let s3 = (b3.0 * k1).adding(b3.1, times: k2)
        let k3 = sys.f(y.adding(h, times: s3))
        let s4 = (b4.0 * k1).adding(b4.1, times: k2).adding(b4.2, times: k3)
        let k4 = sys.f(y.adding(h, times: s4))
        let s5 = (b5.0 * k1).adding(b5.1, times: k2).adding(b5.2, times: k3).adding(b5.3, times: k4)
        let k5 = sys.f(y.adding(h, times: s5))
        let s6 = (b6.0 * k1).adding(b6.1, times: k2).adding(b6.2, times: k3).adding(b6.3, times: k4)
            .adding(b6.4, times: k5)
        let k6 = sys.f(y.adding(h, times: s6))
        let d = (c1 * k1).adding(c3, times: k3).adding(c4, times: k4).adding(c5, times: k5).adding(c6, times: k6)
        let yNew = y.adding(h, times: d)
        let dydt = sys.f(yNew)
        let e = (ec1 * k1).adding(ec3, times: k3).adding(ec4, times: k4).adding(ec5, times: k5)
            .adding(ec6, times: k6)
        return (yNew, h * e, dydt)
    }

    /// `gsl_odeiv_evolve_apply` for every lane in `active`: advances its y from t towards t1 by one
    /// accepted (possibly cut) step, retrying with a smaller step while the control asks for one;
    /// `h` is the suggested step, updated by the control for the next call. `k1` is y' at y on entry;
    /// the result is y' at the new y, the next call's k1 while the field stays the same.
    @inline(__always)
    static func evolve<F: LaneField, C: StepControl>(_ sys: F, _ ctl: C, t: inout Lane, t1: Double, h: inout Lane,
                                     y: inout LaneState, k1: LaneState, active: LaneMask) -> LaneState {
        let t0 = t
        let dt = t1 - t0
        var h0 = h
        var pending = active
        var dydtOut = k1
        while anyLane(pending) {
            let finalStep = h0 .> dt
            h0.replace(with: dt, where: finalStep)
            let (yNew, err, dydt) = step(sys, y, k1, h0)
            let tNew = select(finalStep, Lane(repeating: t1), t0 + h0)
            let rmax = ctl.ratio(y: yNew, err: err, dydt: dydt, h: h0)
            // GSL's hadjust, lane by lane: shrink by S / rmax^(1/5) (at most 5 times) above 1.1,
            // grow by S / rmax^(1/6) (between 1 and 5 times) below 0.5, S = 0.9.
            let decrease = pending .& (rmax .> 1.1)
            // A lane that grows its step from a whole step t1 suggests at least t1, and every later
            // call cuts a suggestion of t1 or more to its remaining time (at most t1) all the same:
            // such a lane keeps h0 and the growth factor is not computed.
            let increase = pending .& (rmax .< 0.5) .& (h0 .< t1)
            var hNext = h0
            var retry = LaneMask(repeating: false)
            if anyLane(decrease .| increase) {
                let power = select(decrease, Lane(repeating: -1.0 / 5.0), Lane(repeating: -1.0 / 6.0))
                let factor = 0.9 * laneExp(laneLog(rmax) * power)
                let hNew = vmax(factor, Lane(repeating: 0.2)) * h0
                // A smaller step is retried only if it really is smaller and moves t by at least an ulp.
                retry = decrease .& (vabs(hNew) .< vabs(h0)) .& (tNew + hNew .!= tNew)
                hNext.replace(with: hNew, where: retry)
                hNext.replace(with: vmin(vmax(factor, Lane(repeating: 1)), Lane(repeating: 5)) * h0, where: increase)
            }
            let accept = pending .& .!retry
            y = y.replacing(with: yNew, where: accept)
            dydtOut = dydtOut.replacing(with: dydt, where: accept)
            t.replace(with: tNew, where: accept)
            h.replace(with: hNext, where: accept)
            h0 = hNext
            pending = retry
        }
        return dydtOut
    }
}

@inline(__always)
func vabs(_ v: Lane) -> Lane { v.replacing(with: -v, where: v .< 0) }

@inline(__always)
func vmin(_ a: Lane, _ b: Lane) -> Lane { a.replacing(with: b, where: b .< a) }

@inline(__always)
func vmax(_ a: Lane, _ b: Lane) -> Lane { a.replacing(with: b, where: b .> a) }

/// Decaying state variables would reach subnormal numbers after seconds of silence, where every
/// operation costs a hundred times more; below 1e-100 they are set to 0 (far below any tolerance).
@inline(__always)
func flushTiny(_ v: Lane, where m: LaneMask) -> Lane { select(m .& (vabs(v) .< 1e-100), Lane(), v) }

/// e^x lane by lane, within 2 ulp of the correctly rounded value: x = n ln 2 + r with |r| <= ln 2 / 2
/// (Cody-Waite, ln 2 split in two), e^r from its Taylor polynomial of degree 13 evaluated by Estrin's
/// scheme (truncation below 5e-18), 2^n put into the exponent bits. Arguments are clamped to
/// [-708, 709], where e^x is a normal number.
@inline(__always)
func laneExp(_ x: Lane) -> Lane {
    let shifter = Lane(repeating: 6755399441055744.0)  // 1.5 * 2^52: adding it rounds to an integer
    let xc = vmin(vmax(x, Lane(repeating: -708)), Lane(repeating: 709))
    let shifted = shifter.addingProduct(xc, Lane(repeating: 1.4426950408889634))  // x / ln 2 + shifter
    let n = shifted - shifter
    let r = xc.addingProduct(n, Lane(repeating: -6.93147180369123816490e-01))
        .addingProduct(n, Lane(repeating: -1.90821492927058770002e-10))
    let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
    @inline(__always) func c(_ k: Double) -> Lane { Lane(repeating: k) }
    let q01 = c(1).addingProduct(r, c(1))
    let q23 = c(1.0 / 2).addingProduct(r, c(1.0 / 6))
    let q45 = c(1.0 / 24).addingProduct(r, c(1.0 / 120))
    let q67 = c(1.0 / 720).addingProduct(r, c(1.0 / 5040))
    let q89 = c(1.0 / 40320).addingProduct(r, c(1.0 / 362880))
    let q1011 = c(1.0 / 3628800).addingProduct(r, c(1.0 / 39916800))
    let q1213 = c(1.0 / 479001600).addingProduct(r, c(1.0 / 6227020800))
    let e0 = q01.addingProduct(r2, q23), e1 = q45.addingProduct(r2, q67)
    let e2 = q89.addingProduct(r2, q1011)
    let f0 = e0.addingProduct(r4, e1), f1 = e2.addingProduct(r4, q1213)
    let p = f0.addingProduct(r8, f1)
    // The rounded n sits in the low bits of `shifted`; n + 1023 shifted into the exponent field is 2^n.
    let bits = unsafeBitCast(shifted, to: LaneBits.self)
    let scale = unsafeBitCast((bits &+ 1023) &<< 52, to: Lane.self)
    return p * scale
}

/// The natural logarithm lane by lane for positive normal x, within a few ulp: x = m 2^e with
/// m in [sqrt(1/2), sqrt(2)), log m = 2 atanh((m - 1) / (m + 1)) from its series to the 21st power
/// (truncation below 1e-17).
@inline(__always)
func laneLog(_ x: Lane) -> Lane {
    let bits = unsafeBitCast(x, to: LaneBits.self)
    // The biased exponent as a double: its bits under 2^52's exponent, minus 2^52.
    let biased = unsafeBitCast((bits &>> 52) | 0x4330_0000_0000_0000, to: Lane.self) - 4503599627370496.0
    var m = unsafeBitCast((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000, to: Lane.self)
    var e = biased - 1023
    let high = m .> 1.4142135623730951
    m.replace(with: m * 0.5, where: high)
    e.replace(with: e + 1, where: high)
    let s = (m - 1) / (m + 1)
    let z = s * s
    var p = Lane(repeating: 1.0 / 21)
    p = Lane(repeating: 1.0 / 19).addingProduct(p, z)
    p = Lane(repeating: 1.0 / 17).addingProduct(p, z)
    p = Lane(repeating: 1.0 / 15).addingProduct(p, z)
    p = Lane(repeating: 1.0 / 13).addingProduct(p, z)
    p = Lane(repeating: 1.0 / 11).addingProduct(p, z)
    p = Lane(repeating: 1.0 / 9).addingProduct(p, z)
    p = Lane(repeating: 1.0 / 7).addingProduct(p, z)
    p = Lane(repeating: 1.0 / 5).addingProduct(p, z)
    p = Lane(repeating: 1.0 / 3).addingProduct(p, z)
    p = Lane(repeating: 1).addingProduct(p, z)
    let logM = 2 * s * p
    // e ln 2 + log m with ln 2 split in two, the small parts first.
    return logM.addingProduct(e, Lane(repeating: 1.90821492927058770002e-10))
        .addingProduct(e, Lane(repeating: 6.93147180369123816490e-01))
}

@inline(__always)
func flushTiny(_ x: Double) -> Double { abs(x) < 1e-100 ? 0 : x }
