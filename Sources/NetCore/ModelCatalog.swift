/// What kind of node a model makes.
public enum NodeKind: String, Sendable {
    case neuron, generator, recorder
}

/// A model's table: its parameters with NEST's names, units and defaults, what it records, and
/// which of NEST's keys are read-only or belong to dynamics netview does not implement.
public struct ModelSpec: Sendable {
    public let name: String
    public let kind: NodeKind
    public let params: [ParamSpec]
    public let recordables: [String]
    public let readOnly: [String]
    public let unsupported: [String]
    public let doc: String

    public func param(_ name: String) -> ParamSpec? { params.first { $0.name == name } }
    public var paramNames: [String] { params.map(\.name) }
}

private let neuronReadOnly = ["archiver_length", "available", "capacity", "elementsize", "instantiations",
                              "model", "recordables", "synaptic_elements", "t_spike", "type_id"]
private let neuronUnsupported = ["Ca", "beta_Ca", "tau_Ca", "tau_minus", "tau_minus_triplet", "post_trace",
                                 "frozen"]
private let deviceReadOnly = ["available", "capacity", "elementsize", "instantiations", "model", "type_id",
                              "events", "n_events", "recordables"]
private let deviceUnsupported = ["frozen", "stimulus_source"]
/// Recorders' `n_events` is settable to 0 (see `Kernel.checkKey`), so it is not read-only there.
private let recorderReadOnly = deviceReadOnly.filter { $0 != "n_events" }

/// NEST's recording keys. netview writes every recorder as `R.csv` (see docs/nest-parameters.md):
/// `label` and `record_to` ("memory" or "ascii") are kept and change nothing in the file;
/// `time_in_steps` is kept and times stay in ms.
private let label = ParamSpec(text: "label", "", "a name for the device (kept; files are named after the node)")
private let recording: [ParamSpec] = [
    label,
    ParamSpec(text: "record_to", "memory", "where events go: memory or ascii (netview writes R.csv either way)"),
    ParamSpec(flag: "time_in_steps", false, "NEST reports times as steps and offsets; netview's files keep ms"),
]

/// The parameters every neuron model has. V_th may be inf (a cell that never fires, as NEST's own
/// tests use it) except where the model needs it finite.
private func membrane(_ cm: Double = 250, vm: Double = -70, el: Double = -70, reset: Double = -70,
                      th: Double = -55, infiniteThreshold: Bool = true) -> [ParamSpec] {
    [
        ParamSpec("C_m", "pF", cm, .positive, "membrane capacitance"),
        ParamSpec("E_L", "mV", el, "resting potential"),
        ParamSpec("I_e", "pA", 0, "constant input current"),
        ParamSpec("V_m", "mV", vm, state: true, "membrane potential"),
        ParamSpec("V_reset", "mV", reset, "reset potential"),
        ParamSpec("V_th", "mV", th, infiniteThreshold ? .finiteOrInfinity : .finite, "spike threshold"),
        ParamSpec("t_ref", "ms", 2, .nonNegative, "refractory period"),
    ]
}

/// NEST 3.10's ignore-and-spike mechanism. Every neuron model accepts its keys; of netview's
/// models only `iaf_psc_delta` acts on them, as in NEST (whose other models keep and ignore them).
private func ignoreAndSpike(used: Bool) -> [ParamSpec] {
    [
        ParamSpec(flag: "ignore_and_spike", false, used
            ? "spike every ignore_and_spike_interval ms from ignore_and_spike_offset on, whatever V_m does"
            : "kept, without effect on this model (as in NEST 3.10, where only iaf_psc_delta uses it)"),
        ParamSpec("ignore_and_spike_offset", "ms", 1, .positive, "time of the first forced spike after the offset is set"),
        ParamSpec("ignore_and_spike_interval", "ms", 100, .positive, "interval between forced spikes"),
    ]
}

/// Every model netview implements, by name.
public enum ModelCatalog {
    public static let iafPscDelta = ModelSpec(
        name: "iaf_psc_delta", kind: .neuron,
        params: membrane() + [
            ParamSpec("tau_m", "ms", 10, .positive, "membrane time constant"),
            ParamSpec("V_min", "mV", -Double.greatestFiniteMagnitude, .any, "lower bound of V_m"),
            ParamSpec(flag: "refractory_input", false, "buffer input arriving while refractory"),
        ] + ignoreAndSpike(used: true),
        recordables: ["V_m"], readOnly: neuronReadOnly, unsupported: neuronUnsupported,
        doc: "leaky integrate-and-fire, delta-shaped postsynaptic potentials (jump of V_m by the weight in mV)")

    public static let iafPscAlpha = ModelSpec(
        name: "iaf_psc_alpha", kind: .neuron,
        params: membrane() + [
            ParamSpec("tau_m", "ms", 10, .positive, "membrane time constant"),
            ParamSpec("tau_syn_ex", "ms", 2, .positive, "rise time of the excitatory alpha current"),
            ParamSpec("tau_syn_in", "ms", 2, .positive, "rise time of the inhibitory alpha current"),
            ParamSpec("V_min", "mV", -.infinity, .any, "lower bound of V_m"),
        ] + ignoreAndSpike(used: false),
        recordables: ["I_syn_ex", "I_syn_in", "V_m"], readOnly: neuronReadOnly, unsupported: neuronUnsupported,
        doc: "leaky integrate-and-fire, alpha-shaped postsynaptic currents (weight in pA)")

    public static let iafPscExp = ModelSpec(
        name: "iaf_psc_exp", kind: .neuron,
        params: membrane() + [
            ParamSpec("tau_m", "ms", 10, .positive, "membrane time constant"),
            ParamSpec("tau_syn_ex", "ms", 2, .positive, "decay time of the excitatory current"),
            ParamSpec("tau_syn_in", "ms", 2, .positive, "decay time of the inhibitory current"),
            ParamSpec("delta", "mV", 0, .nonNegative, "width of the stochastic threshold (0: deterministic)"),
            ParamSpec("rho", "1/s", 0.01, .positive, "escape rate at threshold (used with delta > 0)"),
        ] + ignoreAndSpike(used: false),
        recordables: ["I_syn_ex", "I_syn_in", "V_m"], readOnly: neuronReadOnly, unsupported: neuronUnsupported,
        doc: "leaky integrate-and-fire, exponentially decaying postsynaptic currents (weight in pA)")

    public static let iafCondExp = ModelSpec(
        name: "iaf_cond_exp", kind: .neuron,
        params: membrane(reset: -60) + [
            ParamSpec("g_L", "nS", 16.6667, .positive, "leak conductance"),
            ParamSpec("E_ex", "mV", 0, "excitatory reversal potential"),
            ParamSpec("E_in", "mV", -85, "inhibitory reversal potential"),
            ParamSpec("tau_syn_ex", "ms", 0.2, .positive, "decay time of the excitatory conductance"),
            ParamSpec("tau_syn_in", "ms", 2, .positive, "decay time of the inhibitory conductance"),
            ParamSpec("g_ex", "nS", 0, .nonNegative, state: true, "excitatory conductance"),
            ParamSpec("g_in", "nS", 0, .nonNegative, state: true, "inhibitory conductance"),
        ] + ignoreAndSpike(used: false),
        recordables: ["V_m", "g_ex", "g_in"], readOnly: neuronReadOnly, unsupported: neuronUnsupported,
        doc: "leaky integrate-and-fire, exponential conductances (weight in nS), GSL RKF45 integration")

    public static let aeifCondExp = ModelSpec(
        name: "aeif_cond_exp", kind: .neuron,
        params: membrane(281, vm: -70.6, el: -70.6, reset: -60, th: -50.4, infiniteThreshold: false).map {
            $0.name == "t_ref" ? ParamSpec("t_ref", "ms", 0, .nonNegative, "refractory period") : $0
        } + [
            ParamSpec("g_L", "nS", 30, .positive, "leak conductance"),
            ParamSpec("Delta_T", "mV", 2, .nonNegative, "slope factor of the exponential spike onset"),
            ParamSpec("V_peak", "mV", 0, "spike detection threshold"),
            ParamSpec("a", "nS", 4, "subthreshold adaptation"),
            ParamSpec("b", "pA", 80.5, "spike-triggered adaptation"),
            ParamSpec("tau_w", "ms", 144, .positive, "adaptation time constant"),
            ParamSpec("E_ex", "mV", 0, "excitatory reversal potential"),
            ParamSpec("E_in", "mV", -85, "inhibitory reversal potential"),
            ParamSpec("tau_syn_ex", "ms", 0.2, .positive, "decay time of the excitatory conductance"),
            ParamSpec("tau_syn_in", "ms", 2, .positive, "decay time of the inhibitory conductance"),
            ParamSpec("gsl_error_tol", "", 1e-6, .positive, "error tolerance of the adaptive integration"),
            ParamSpec("g_ex", "nS", 0, .nonNegative, state: true, "excitatory conductance"),
            ParamSpec("g_in", "nS", 0, .nonNegative, state: true, "inhibitory conductance"),
            ParamSpec("w", "pA", 0, state: true, "adaptation current"),
        ] + ignoreAndSpike(used: false),
        recordables: ["V_m", "g_ex", "g_in", "w"], readOnly: neuronReadOnly, unsupported: neuronUnsupported,
        doc: "adaptive exponential integrate-and-fire (Brette & Gerstner 2005), exponential conductances, GSL RKF45")

    private static let window: [ParamSpec] = [
        ParamSpec("start", "ms", 0, .any, "activity starts after this time"),
        ParamSpec("stop", "ms", Double.greatestFiniteMagnitude, .any, "activity ends at this time"),
        ParamSpec("origin", "ms", 0, .finite, "shifts start and stop"),
    ]

    public static let poissonGenerator = ModelSpec(
        name: "poisson_generator", kind: .generator,
        params: [ParamSpec("rate", "Hz", 0, .nonNegative, "mean rate of each target's independent train")] + window + [label],
        recordables: [], readOnly: deviceReadOnly, unsupported: deviceUnsupported,
        doc: "an independent Poisson spike train for every target")

    public static let spikeGenerator = ModelSpec(
        name: "spike_generator", kind: .generator,
        params: [
            ParamSpec(list: "spike_times", "ms", kind: .numbers, .numbers([]), "times of the spikes, non-decreasing"),
            ParamSpec(list: "spike_weights", "", kind: .numbers, .numbers([]), "a weight per spike (multiplies the connection's)"),
            ParamSpec(flag: "allow_offgrid_times", false, "round off-grid times up instead of refusing them"),
            ParamSpec(flag: "shift_now_spikes", false, "shift a spike at the present time one step later"),
            ParamSpec(list: "spike_multiplicities", "", kind: .numbers, .numbers([]), "spikes sent at each time (multiplies the weight)"),
            ParamSpec(flag: "precise_times", false, "off-grid precise times (only false: netview has no precise-timing models)"),
        ] + window + [label],
        recordables: [], readOnly: deviceReadOnly, unsupported: deviceUnsupported,
        doc: "spikes at given times")

    public static let dcGenerator = ModelSpec(
        name: "dc_generator", kind: .generator,
        params: [ParamSpec("amplitude", "pA", 0, "current amplitude")] + window + [label],
        recordables: ["I"], readOnly: deviceReadOnly, unsupported: deviceUnsupported,
        doc: "a constant current between start and stop")

    public static let spikeRecorder = ModelSpec(
        name: "spike_recorder", kind: .recorder,
        params: window + recording,
        recordables: [], readOnly: recorderReadOnly, unsupported: deviceUnsupported,
        doc: "records the spikes of the neurons connected to it")

    public static let multimeter = ModelSpec(
        name: "multimeter", kind: .recorder,
        params: [
            ParamSpec("interval", "ms", 1, .positive, "sampling interval"),
            ParamSpec(list: "record_from", "", kind: .strings, .strings([]), "state variables to sample"),
            ParamSpec("offset", "ms", 0, .nonNegative, "first sample at offset, then every interval"),
        ] + window + recording,
        recordables: [], readOnly: recorderReadOnly, unsupported: deviceUnsupported,
        doc: "samples state variables of the neurons it is connected to")

    public static let voltmeter = ModelSpec(
        name: "voltmeter", kind: .recorder,
        params: [
            ParamSpec("interval", "ms", 1, .positive, "sampling interval"),
            ParamSpec(list: "record_from", "", kind: .strings, .strings(["V_m"]), "state variables to sample"),
            ParamSpec("offset", "ms", 0, .nonNegative, "first sample at offset, then every interval"),
        ] + window + recording,
        recordables: [], readOnly: recorderReadOnly, unsupported: deviceUnsupported,
        doc: "a multimeter recording V_m")

    public static let all: [ModelSpec] = [
        iafPscDelta, iafPscAlpha, iafPscExp, iafCondExp, aeifCondExp,
        poissonGenerator, spikeGenerator, dcGenerator, spikeRecorder, voltmeter, multimeter,
    ]

    public static func spec(_ name: String) -> ModelSpec? { all.first { $0.name == name } }
}

/// Closest name by edit distance, for "did you mean" suggestions.
public func suggestion(for word: String, among names: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where j <= b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
    let w = Array(word.lowercased())
    let best = names.map { ($0, distance(w, Array($0.lowercased()))) }.min { $0.1 < $1.1 }
    guard let best, best.1 <= max(2, w.count / 3) else { return nil }
    return best.0
}
