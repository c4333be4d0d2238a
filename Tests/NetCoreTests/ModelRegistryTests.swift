@testable import NetCore
import XCTest

/// Every catalog entry is registered and builds the class that runs it; nothing runs as another model.
final class ModelRegistryTests: XCTestCase {
    func testEveryCatalogEntryBuildsItsOwnClass() throws {
        let expected: [String: String] = [
            "iaf_psc_delta": "IafPscDelta", "iaf_psc_alpha": "IafPscAlpha", "iaf_psc_exp": "IafPscExp",
            "iaf_cond_exp": "IafCondExp", "aeif_cond_exp": "AeifCondExp", "poisson_generator": "PoissonGenerator",
            "dc_generator": "DCGenerator", "spike_generator": "SpikeGenerator", "spike_recorder": "SpikeRecorder",
            "multimeter": "Multimeter", "voltmeter": "Multimeter",
        ]
        XCTAssertEqual(Set(ModelCatalog.all.map(\.name)), Set(ModelRegistry.makers.keys), "catalog and registry name the same models")
        for spec in ModelCatalog.all {
            let k = try Kernel()
            let ids = try k.create(spec.name, n: 2)
            let b = try XCTUnwrap(k.blockInfo(of: ids.ids[0]))
            let object: AnyObject = spec.kind == .neuron ? k.populations[b.index] : k.devices[b.index]
            XCTAssertEqual(String(describing: type(of: object)), expected[spec.name], spec.name)
            if let p = object as? NeuronPopulation { XCTAssertEqual(p.spec.name, spec.name) }
            if let d = object as? Device { XCTAssertEqual(d.spec.name, spec.name) }
        }
    }

    func testAnUnknownNameIsRefused() throws {
        XCTAssertThrowsError(try Kernel().create("aeif_cond_alpha")) { XCTAssertTrue("\($0)".contains("aeif_cond_alpha"), "\($0)") }
    }
}
