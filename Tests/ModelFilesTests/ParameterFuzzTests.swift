import Foundation
import ModelFiles
import NetCore
import XCTest

/// Every numeric parameter of every model and device, every kernel and connection number, given
/// extreme values (huge, tiny, infinite, NaN, negative): a file that reads and builds also
/// simulates without a trap, and one that does not is refused with a one-line error. A trap here
/// ends the test process, so any crash fails the suite.
final class ParameterFuzzTests: XCTestCase {
    static let values: [String] = [
        "1e300", "-1e300", "1e18", "-1e18", "9.3e15", "1e16", "1e9", "-1", "0", "1e-300", "5e-324",
        "\"1e308*10\"", "\"-1e308*10\"", "\"inf\"", "\"nan\"", "1.7976931348623157e308", "4294967296", "2147483648",
    ]

    /// A network around `node`: every device drives or reads it, so each parameter is exercised.
    static func network(model: String, params: String, resolution: String = "0.1", weight: String = "1.0",
                        delay: String = "1.0", simulate: String = "5") -> String {
        let spec = ModelCatalog.spec(model)!
        let neuron = spec.kind == .neuron ? model : "iaf_psc_alpha"
        let mine = { (m: String) in m == model ? params : "{}" }
        let record = ModelCatalog.spec(neuron)!.recordables.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
        {"name": "fuzz", "kernel": {"resolution": \(resolution), "seed": 3},
         "nodes": [{"name": "N", "model": "\(neuron)", "n": 3, "params": \(spec.kind == .neuron ? params : "{\"I_e\": 300}")},
                   {"name": "pg", "model": "poisson_generator", "params": \(model == "poisson_generator" ? params : "{\"rate\": 5000}")},
                   {"name": "sg", "model": "spike_generator", "params": \(model == "spike_generator" ? params : "{\"spike_times\": [1.0, 2.0]}")},
                   {"name": "dc", "model": "dc_generator", "params": \(model == "dc_generator" ? params : "{\"amplitude\": 100}")},
                   {"name": "sr", "model": "spike_recorder", "params": \(mine("spike_recorder"))},
                   {"name": "mm", "model": "multimeter", "params": \(model == "multimeter" ? params : "{\"record_from\": [\(record)], \"interval\": 0.5}")},
                   {"name": "vm", "model": "voltmeter", "params": \(mine("voltmeter"))}],
         "connections": [{"source": "pg", "target": "N", "syn_spec": {"weight": \(weight), "delay": \(delay)}},
                         {"source": "sg", "target": "N", "syn_spec": {"weight": 2.0, "delay": 1.0}},
                         {"source": "dc", "target": "N"},
                         {"source": "N", "target": "N", "conn_spec": {"rule": "fixed_indegree", "indegree": 2},
                          "syn_spec": {"weight": \(weight), "delay": \(delay)}},
                         {"source": "N", "target": "sr"}, {"source": "mm", "target": "N"}, {"source": "vm", "target": "N"}],
         "simulate": \(simulate)}
        """
    }

    struct Tally { var attempts = 0, refused = 0, ran = 0, runtimeErrors = 0 }

    /// Reads, builds and simulates; only thrown errors may stop it, and each is one line.
    func exercise(_ text: String, _ what: String, _ tally: inout Tally, file: StaticString = #filePath, line: UInt = #line) {
        tally.attempts += 1
        let m: ModelFile
        let built: BuiltModel
        do {
            m = try ModelFile.parse(text: text, file: "fuzz.json")
            built = try m.build()
        } catch {
            tally.refused += 1
            XCTAssertFalse("\(error)".contains("\n"), "\(what): \(error)", file: file, line: line)
            return
        }
        do {
            try built.kernel.simulate(m.simulate)
            tally.ran += 1
        } catch {
            tally.runtimeErrors += 1
            XCTAssertFalse("\(error)".contains("\n"), "\(what): \(error)", file: file, line: line)
        }
    }

    func testEveryNumericParameterOfEveryModel() {
        var tally = Tally()
        for spec in ModelCatalog.all {
            for p in spec.params where p.kind == .number || p.kind == .numbers {
                for v in Self.values {
                    let value = p.kind == .numbers ? "[\(v)]" : v
                    exercise(Self.network(model: spec.name, params: "{\"\(p.name)\": \(value)}"), "\(spec.name).\(p.name) = \(v)", &tally)
                }
            }
        }
        print("parameter fuzz: \(tally.attempts) files, \(tally.refused) refused, \(tally.ran) ran, \(tally.runtimeErrors) stopped with an error")
    }

    func testKernelConnectionAndSimulateNumbers() {
        var tally = Tally()
        for v in Self.values {
            exercise(Self.network(model: "iaf_psc_alpha", params: "{}", resolution: v), "resolution \(v)", &tally)
            exercise(Self.network(model: "iaf_psc_alpha", params: "{}", weight: v), "weight \(v)", &tally)
            exercise(Self.network(model: "iaf_psc_alpha", params: "{}", delay: v), "delay \(v)", &tally)
            // Long but legal lengths would simply take long; only `check` sees them (the hostile-input suite).
            if !["1e300", "1e18", "9.3e15", "1e16", "1e9", "1.7976931348623157e308", "4294967296", "2147483648"].contains(v) {
                exercise(Self.network(model: "iaf_psc_alpha", params: "{}", simulate: v), "simulate \(v)", &tally)
            }
            exercise(Self.network(model: "iaf_psc_alpha", params: "{}", delay: "{\"lognormal\": {\"mu\": \(v), \"sigma\": 1}}"), "lognormal delay mu \(v)", &tally)
            exercise(Self.network(model: "iaf_psc_alpha", params: "{}", weight: "{\"normal\": {\"mean\": 0, \"std\": \(v)}}"), "normal weight std \(v)", &tally)
            exercise(Self.network(model: "iaf_psc_alpha", params: "{\"V_m\": {\"uniform\": {\"min\": -70, \"max\": \(v)}}}"), "uniform V_m max \(v)", &tally)
        }
        print("kernel and connection fuzz: \(tally.attempts) files, \(tally.refused) refused, \(tally.ran) ran, \(tally.runtimeErrors) stopped with an error")
    }
}
