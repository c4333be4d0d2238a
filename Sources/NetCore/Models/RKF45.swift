import Foundation

/// A right-hand side of up to four state variables, constant in time within a step.
protocol VectorField {
    func f(_ y: SIMD4<Double>) -> SIMD4<Double>
}

/// GSL's step-size control `gsl_odeiv_control_standard`: D = eps_rel*(a_y*|y| + a_dydt*|h*y'|) + eps_abs.
struct StepControl {
    var epsAbs: Double, epsRel: Double, aY: Double, aDydt: Double
    /// `y_new(eps_abs, eps_rel)`.
    static func y(_ abs: Double, _ rel: Double) -> StepControl { StepControl(epsAbs: abs, epsRel: rel, aY: 1, aDydt: 0) }
    /// `yp_new(eps_abs, eps_rel)`.
    static func yp(_ abs: Double, _ rel: Double) -> StepControl { StepControl(epsAbs: abs, epsRel: rel, aY: 0, aDydt: 1) }
}

/// The embedded Runge-Kutta-Fehlberg 4(5) method with GSL's tableau and its evolve/control logic
/// (GSL 1.15 `rkf45.c`, `evolve.c`, `cstd.c`), for one cell at a time, its state in SIMD lanes.
enum RKF45 {
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

    /// One Fehlberg step of size h from y with y' = k1: the new y, its error estimate and y' there.
    @inline(__always)
    static func step<F: VectorField>(_ sys: F, _ y: SIMD4<Double>, _ k1: SIMD4<Double>, _ h: Double)
        -> (y: SIMD4<Double>, err: SIMD4<Double>, dydt: SIMD4<Double>) {
        let a2: SIMD4<Double> = y + (ah.0 * h) * k1
        let k2 = sys.f(a2)
        let s3: SIMD4<Double> = b3.0 * k1 + b3.1 * k2
        let k3 = sys.f(y + h * s3)
        var s4: SIMD4<Double> = b4.0 * k1 + b4.1 * k2
        s4 += b4.2 * k3
        let k4 = sys.f(y + h * s4)
        var s5: SIMD4<Double> = b5.0 * k1 + b5.1 * k2
        s5 += b5.2 * k3
        s5 += b5.3 * k4
        let k5 = sys.f(y + h * s5)
        var s6: SIMD4<Double> = b6.0 * k1 + b6.1 * k2
        s6 += b6.2 * k3
        s6 += b6.3 * k4
        s6 += b6.4 * k5
        let k6 = sys.f(y + h * s6)
        var d: SIMD4<Double> = c1 * k1 + c3 * k3
        d += c4 * k4
        d += c5 * k5
        d += c6 * k6
        let yNew: SIMD4<Double> = y + h * d
        let dydt = sys.f(yNew)
        var e: SIMD4<Double> = ec1 * k1 + ec3 * k3
        e += ec4 * k4
        e += ec5 * k5
        e += ec6 * k6
        let err: SIMD4<Double> = h * e
        return (yNew, err, dydt)
    }

    /// `gsl_odeiv_evolve_apply`: advances y from t towards t1 by one accepted (possibly cut) step;
    /// `h` is the suggested step, updated by the control for the next call.
    @inline(__always)
    static func evolve<F: VectorField>(_ sys: F, _ ctl: StepControl, t: inout Double, t1: Double,
                                       h: inout Double, y: inout SIMD4<Double>) {
        let t0 = t
        var h0 = h
        let dt = t1 - t0
        let k1 = sys.f(y)
        while true {
            var finalStep = false
            if h0 > dt {
                h0 = dt
                finalStep = true
            }
            let (yNew, err, dydt) = step(sys, y, k1, h0)
            t = finalStep ? t1 : t0 + h0
            let hOld = h0
            // Control: the worst ratio of error to tolerance over the components.
            let scaled: SIMD4<Double> = ctl.aY * vabs(yNew) + ctl.aDydt * vabs(hOld * dydt)
            let d0: SIMD4<Double> = ctl.epsRel * scaled + ctl.epsAbs
            let ratio: SIMD4<Double> = vabs(err) / vabs(d0)
            let rmax = max(Double.leastNormalMagnitude, ratio.max())
            if rmax > 1.1 {
                let r = max(0.2, 0.9 / pow(rmax, 1.0 / 5.0))
                let hNew = r * hOld
                if abs(hNew) < abs(hOld) && t + hNew != t {
                    h0 = hNew
                    continue  // undo and retry with the smaller step
                }
                h0 = hOld
            } else if rmax < 0.5 {
                // Below (0.9/5)^6 the factor is capped at 5 anyway: skip the pow.
                var r = rmax < 3.4e-5 ? 5 : 0.9 / pow(rmax, 1.0 / 6.0)
                if r > 5 { r = 5 }
                if r < 1 { r = 1 }
                h0 = r * hOld
            }
            y = yNew
            h = h0
            return
        }
    }
}

@inline(__always)
func vabs(_ v: SIMD4<Double>) -> SIMD4<Double> { v.replacing(with: -v, where: v .< 0) }

/// Decaying state variables would reach subnormal numbers after seconds of silence, where every
/// operation costs a hundred times more; below 1e-100 they are set to 0 (far below any tolerance).
@inline(__always)
func flushTiny(_ v: SIMD4<Double>) -> SIMD4<Double> { v.replacing(with: 0, where: vabs(v) .< 1e-100) }

@inline(__always)
func flushTiny(_ x: Double) -> Double { abs(x) < 1e-100 ? 0 : x }
