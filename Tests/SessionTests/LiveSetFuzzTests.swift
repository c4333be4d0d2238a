import Foundation
import ModelFiles
import NetCore
import Session
import XCTest

/// The workbench's `:set` with extreme values on every numeric parameter of every model and
/// device, mid-run: each is refused with a one-line reason or taken, and the run goes on without
/// a trap (a trap ends the test process, so any crash fails the suite).
final class LiveSetFuzzTests: XCTestCase {
    static let values = ["1e300", "-1e300", "1e18", "9.3e15", "1e9", "-1", "0", "1e-300", "5e-324", "inf", "-inf", "nan", "1.7976931348623157e308"]

    func testEveryNumericParameterTakesExtremeValuesMidRun() throws {
        var attempts = 0, refused = 0, stopped = 0
        for spec in ModelCatalog.all {
            let neuron = spec.kind == .neuron ? spec.name : "iaf_psc_alpha"
            let text = """
            {"name": "live", "kernel": {"resolution": 0.1, "seed": 2},
             "nodes": [{"name": "N", "model": "\(neuron)", "n": 2, "params": {"I_e": 300}},
                       {"name": "pg", "model": "poisson_generator", "params": {"rate": 5000}},
                       {"name": "sg", "model": "spike_generator", "params": {"spike_times": [3.0, 4.0]}},
                       {"name": "dc", "model": "dc_generator", "params": {"amplitude": 100}},
                       {"name": "sr", "model": "spike_recorder"},
                       {"name": "mm", "model": "multimeter", "params": {"record_from": ["V_m"], "interval": 0.5}},
                       {"name": "vm", "model": "voltmeter"}],
             "connections": [{"source": "pg", "target": "N", "syn_spec": {"weight": 1.0, "delay": 1.0}},
                             {"source": "sg", "target": "N", "syn_spec": {"weight": 2.0, "delay": 1.0}},
                             {"source": "dc", "target": "N"}, {"source": "N", "target": "sr"},
                             {"source": "mm", "target": "N"}, {"source": "vm", "target": "N"}],
             "simulate": 5}
            """
            let node = ["poisson_generator": "pg", "spike_generator": "sg", "dc_generator": "dc", "multimeter": "mm", "voltmeter": "vm",
                        "spike_recorder": "sr"][spec.name] ?? "N"
            for p in spec.params where p.kind == .number {
                for v in Self.values {
                    let built = try ModelFile.parse(text: text).build()
                    try built.kernel.simulate(2)
                    attempts += 1
                    do {
                        _ = try built.apply(try SessionCommand.parse("set \(node) \(p.name) \(v)"))
                    } catch {
                        refused += 1
                        XCTAssertFalse("\(error)".contains("\n"), "\(spec.name).\(p.name) \(v): \(error)")
                        continue
                    }
                    do { try built.kernel.simulate(3) } catch {
                        stopped += 1
                        XCTAssertFalse("\(error)".contains("\n"), "\(spec.name).\(p.name) \(v): \(error)")
                    }
                }
            }
        }
        print("live :set fuzz: \(attempts) edits, \(refused) refused, \(stopped) runs stopped with an error")
    }
}

/// The same edits through a running `LiveSession` (the workbench's own path: its queue, its
/// chunks, its worker threads) on the shipped scenarios.
final class LiveSessionEditTests: XCTestCase {
    func testExtremeEditsInARunningSession() throws {
        let edits = ["set noise_in rate 1e300", "set neuron t_ref 1e300", "set neuron tau_m 1e-300", "set neuron C_m nan",
                     "set noise_ex rate inf", "set neuron V_th -1e300", "set neuron I_e 1e18", "set noise_ex rate 1e15"]
        for edit in edits {
            let live = try LiveSession(model: try ModelFile.load(path: Support.asset("balanced_neuron.json")), running: true)
            live.start()
            Thread.sleep(forTimeInterval: 0.2)
            live.send(.command(edit))
            Thread.sleep(forTimeInterval: 0.5)
            let t = live.frame.time
            Thread.sleep(forTimeInterval: 0.3)
            XCTAssertTrue(live.frame.time > t || !live.frame.message.isEmpty, "\(edit): \(live.frame.message)")
            live.stop()
        }
    }

    /// A step stopped by an error inside it halts the session: it says R restarts, refuses to
    /// step on, and R brings back a network at t = 0 that runs.
    func testARunHaltedInsideAStepIsRestartedByR() throws {
        let text = """
        {"name": "stiff", "kernel": {"resolution": 0.1, "seed": 1},
         "nodes": [{"name": "cells", "model": "iaf_cond_exp", "n": 16},
                   {"name": "kick", "model": "spike_generator", "params": {"spike_times": [2.0]}}],
         "connections": [{"source": "kick", "target": "cells[9]", "syn_spec": {"weight": 1e300, "delay": 1.0}}],
         "simulate": 10}
        """
        let live = try LiveSession(model: try ModelFile.parse(text: text), running: false)
        live.start()
        defer { live.stop() }
        live.send(.command("step 5"))
        live.send(.step)
        XCTAssertNotNil(live.sync { $0.kernel.halted })
        XCTAssertTrue(live.frame.message.hasPrefix("stopped (R restarts from t = 0): "), live.frame.message)
        live.send(.step)
        XCTAssertEqual(live.sync { $0.kernel.now }, 30)
        XCTAssertTrue(live.frame.message.contains("part way through the step"), live.frame.message)
        live.send(.restart)
        XCTAssertNil(live.sync { $0.kernel.halted })
        XCTAssertEqual(live.sync { $0.kernel.now }, 0)
        live.send(.command("step 1"))
        live.send(.step)
        XCTAssertEqual(live.sync { $0.kernel.time }, 1, accuracy: 1e-9)
    }

    /// Run lengths beyond what the clock counts, off the grid or not finite are refused in one
    /// line and the network stays where it was; a step of 2 ms then steps 2 ms.
    func testRunLengthsAreChecked() throws {
        let live = try LiveSession(model: try ModelFile.load(path: Support.asset("balanced_neuron.json")), running: false)
        live.start()
        defer { live.stop() }
        for (text, says) in [("simulate 1e13", "beyond what the clock counts"), ("step 1e300", "below 1e12 ms"),
                             ("step 0.05", "positive multiple of the resolution"), ("simulate inf", "must be a number")] {
            live.send(.command(text))
            XCTAssertEqual(live.sync { $0.kernel.now }, 0, text)
            XCTAssertTrue(live.frame.message.contains(says), "\(text): \(live.frame.message)")
        }
        live.send(.command("step 2"))
        live.send(.step)
        XCTAssertEqual(live.sync { $0.kernel.time }, 2, accuracy: 1e-9)
    }
}
