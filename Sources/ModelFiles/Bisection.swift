import Foundation
import NetCore

/// The bisection search of a model file's `bisection` block: SciPy's `bisect` over a parameter,
/// each evaluation a simulation of `t_eval` ms measuring a recorder's rate (the PyNEST paper's
/// first example).
public struct Bisection {
    public struct Evaluation: Sendable {
        public var guess: Double
        public var rate: Double
    }

    public enum Outcome: Sendable {
        case found(Double)
        case cancelled
    }

    public let built: BuiltModel
    public let spec: BisectionSpec

    public init(built: BuiltModel, spec: BisectionSpec) {
        self.built = built
        self.spec = spec
    }

    /// The label of the varied quantity in transcripts.
    public var label: String { spec.label ?? "\(spec.node) \(spec.param)" }
    public var unit: String {
        ModelCatalog.spec(built.model.node(named: spec.node)?.model ?? "")?.param(spec.param)?.unit ?? ""
    }

    /// One transcript line per evaluation, as the PyNEST paper prints it.
    public func line(_ e: Evaluation) -> String {
        String(format: "%@ estimate: %.2f %@ -> neuron rate %.2f Hz (goal %.2f Hz)", label, e.guess, unit, e.rate, spec.target)
    }

    /// The transcript's last line.
    public func resultLine(_ x: Double, evaluations: Int, seconds: Double) -> String {
        String(format: "Result: %@ %.2f %@ (%d evaluations, %.2f s)", label.lowercased(), x, unit, evaluations, seconds)
    }

    /// What the search varies, in words: `noise_in.rate = 4000 x (guess)` and the recorder it measures.
    public var varies: String {
        let scale = spec.scale == 1 ? "" : "\(formatReadable(spec.scale)) x "
        return "varies \(spec.node).\(spec.param) = \(scale)guess, measures \(spec.recorder) over \(formatReadable(spec.tEval)) ms"
    }

    /// Sets the parameter to `scale * x`, empties the recorder, simulates and measures the rate (Hz).
    public func evaluate(_ x: Double) throws -> Double {
        let k = built.kernel
        if spec.resetBetween { k.resetNetwork() }
        let v = spec.scale * x
        guard v.isFinite else { throw NetError("bisect", "\(spec.param) = \(spec.scale) * \(x) is not finite") }
        try k.setStatus(built.ids[spec.node]!, [spec.param: .number(v)])
        guard let rid = built.ids[spec.recorder]?.ids.first, let rec = k.spikeRecorder(rid) else {
            throw NetError("bisect", "'\(spec.recorder)' is not a spike recorder")
        }
        rec.clearEvents()
        try k.simulate(spec.tEval)
        // The neurons' spikes: a generator connected to the recorder is recorded, not measured.
        let neurons = Set(rec.sourceIDs.filter { k.blockInfo(of: $0)?.kind == .neuron })
        let events = neurons.count == rec.sourceIDs.count ? rec.eventCount : rec.senders.filter { neurons.contains(Int($0)) }.count
        return Double(events) * 1000 / spec.tEval / Double(max(1, neurons.count))
    }

    /// Runs the search; `report` sees each evaluation as it completes; `cancelled` is asked between evaluations.
    public func run(report: (Evaluation) -> Void = { _ in }, cancelled: () -> Bool = { false }) throws -> (Outcome, [Evaluation]) {
        var evals: [Evaluation] = []
        func f(_ x: Double) throws -> Double {
            let r = try evaluate(x)
            let e = Evaluation(guess: x, rate: r)
            evals.append(e)
            report(e)
            return r - spec.target
        }
        var lower = spec.lower
        let fa = try f(lower)
        if cancelled() { return (.cancelled, evals) }
        let fb = try f(spec.upper)
        if fa * fb > 0 {
            throw NetError("bisect", String(format: "the rate minus the target has the same sign at both ends of [%g, %g] (%.3g and %.3g Hz): no crossing to find",
                                            spec.lower, spec.upper, fa, fb))
        }
        if fa == 0 { return (.found(lower), evals) }
        if fb == 0 { return (.found(spec.upper), evals) }
        var dm = spec.upper - lower
        for _ in 0..<100 {
            if cancelled() { return (.cancelled, evals) }
            dm /= 2
            let xm = lower + dm
            let fm = try f(xm)
            if fm * fa >= 0 { lower = xm }
            if fm == 0 || abs(dm) < spec.xtol { return (.found(xm), evals) }
        }
        return (.found(lower + dm), evals)
    }
}
