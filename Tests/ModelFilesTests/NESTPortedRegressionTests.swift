import Foundation
import ModelFiles
import NetCore
import XCTest

/// NEST 3.10's regression tests (testsuite/pytests/regressions) that concern what netview
/// implements, ported: each names its NEST source and asserts what it asserts.
final class NESTPortedRegressionTests: XCTestCase {
    static let neuronModels = ["iaf_psc_delta", "iaf_psc_alpha", "iaf_psc_exp", "iaf_cond_exp", "aeif_cond_exp"]

    /// test_issue_1305.py and test_issue_888.py: a resolution must be a whole number of tics
    /// (1000 per ms): 0.102 ms is taken as it is, 0.1002 and 0.03125 ms are refused.
    func testResolutionIsAMultipleOfTics() throws {
        XCTAssertEqual(try Kernel(resolution: 0.102).grid.resolution, 0.102, accuracy: 1e-12)
        for bad in [0.1002, 0.03125] {
            XCTAssertThrowsError(try Kernel(resolution: bad), "\(bad)")
        }
    }

    /// test_ticket_949.py: at resolution 0.3 ms a delay of 0.1 ms is refused.
    func testDelayBelowResolutionIsRefused() throws {
        let k = try Kernel(resolution: 0.3)
        let n = try k.create("iaf_psc_alpha")
        XCTAssertThrowsError(try k.connect(n, n, ConnSpec(), SynSpec(weight: 1, delay: 0.1))) {
            XCTAssertTrue("\($0)".contains("below the resolution"), "\($0)")
        }
    }

    /// test_issue_545.py (with 4 threads): tau_m -10 is refused as a default and on a neuron, a
    /// delay of -10 ms on a connection.
    func testNegativeTauAndDelayAreRefused() throws {
        let k = try Kernel(threads: 4)
        XCTAssertThrowsError(try k.setDefaults("iaf_psc_alpha", ["tau_m": .number(-10)]))
        let n = try k.create("iaf_psc_alpha")
        XCTAssertThrowsError(try k.setStatus(n, ["tau_m": .number(-10)]))
        XCTAssertThrowsError(try k.connect(n, n, ConnSpec(), SynSpec(weight: 1, delay: -10)))
    }

    /// test_ticket_618.py: with every tau_* of a model set to 10 ms (tau_m equal to tau_syn, the
    /// exact propagators' singular case), a neuron is refused or has a finite V_m after 10 ms.
    func testEqualTimeConstantsGiveFiniteVm() throws {
        for model in Self.neuronModels {
            let spec = try XCTUnwrap(ModelCatalog.spec(model))
            let taus = spec.params.filter { $0.name.hasPrefix("tau_") }.map(\.name)
            XCTAssertFalse(taus.isEmpty, model)
            let k = try Kernel()
            let n: NodeCollection
            do {
                n = try k.create(model, params: Dictionary(uniqueKeysWithValues: taus.map { ($0, ParamValue.number(10)) }))
            } catch { continue }
            try k.simulate(10)
            let v = try XCTUnwrap(k.getStatus(n.ids[0]).first { $0.0 == "V_m" }?.1.number)
            XCTAssertTrue(v.isFinite, "\(model): V_m \(v)")
        }
    }
}
