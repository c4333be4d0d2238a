/// Every model and device netview implements, registered once with the class that runs it (as
/// NEST's `register_node_model`). A catalog entry without a registration is refused by name,
/// never run as another model.
enum ModelRegistry {
    enum Maker {
        case neuron((_ count: Int, _ grid: TimeGrid) -> NeuronPopulation)
        case device((_ spec: ModelSpec, _ id: Int, _ grid: TimeGrid) -> Device)
    }

    static let makers: [String: Maker] = [
        "iaf_psc_delta": .neuron { IafPscDelta(count: $0, grid: $1) },
        "iaf_psc_alpha": .neuron { IafPscAlpha(count: $0, grid: $1) },
        "iaf_psc_exp": .neuron { IafPscExp(count: $0, grid: $1) },
        "iaf_cond_exp": .neuron { IafCondExp(count: $0, grid: $1) },
        "aeif_cond_exp": .neuron { AeifCondExp(count: $0, grid: $1) },
        "poisson_generator": .device { PoissonGenerator(id: $1, grid: $2) },
        "dc_generator": .device { DCGenerator(id: $1, grid: $2) },
        "spike_generator": .device { SpikeGenerator(id: $1, grid: $2) },
        "spike_recorder": .device { SpikeRecorder(id: $1, grid: $2) },
        "multimeter": .device { Multimeter(spec: $0, id: $1, grid: $2) },
        "voltmeter": .device { Multimeter(spec: $0, id: $1, grid: $2) },
    ]
}
