import Foundation
import Interop
import ModelFiles
import XCTest

final class ExportTests: XCTestCase {
    func script(_ asset: String, params: [String: Double] = [:]) throws -> String {
        let path = Support.root + "/assets/\(asset).json"
        return try PyNESTExport(model: try ModelFile.load(path: path, overrides: params), sourcePath: path).script()
    }

    func testBrunelScript() throws {
        let s = try script("brunel2000", params: ["order": 250])
        XCTAssertTrue(s.contains("nest.SetKernelStatus({\"resolution\": 0.1, \"rng_seed\": RNG_SEED, \"local_num_threads\": args.threads})"))
        XCTAssertTrue(s.contains("# nodes[0] E: iaf_psc_delta x 1000\nnodes[\"E\"] = nest.Create(\"iaf_psc_delta\", whole(NE, \"nodes[0].n\"), params={\"C_m\": 1.0"), s)
        // The file's parameters are Python variables, the derived values the file's expressions.
        XCTAssertTrue(s.contains("\norder = 250.0  # --param order=250.0\nNE = 4*order\nNI = order\n"), s)
        XCTAssertTrue(s.contains("# connections[1]: \"E\" -> [\"E\",\"I\"], fixed_indegree") || s.contains("# connections[1]: \"E\" -> [\"E\", \"I\"], fixed_indegree"), s)
        XCTAssertTrue(s.contains("nest.Connect(nodes[\"E\"], nodes[\"E\"] + nodes[\"I\"],\n             {\"rule\": \"fixed_indegree\", \"indegree\": whole(CE, \"connections[1].conn_spec.indegree\")}"), s)
        XCTAssertTrue(s.contains("\"weight\": (-g*J), \"delay\": 1.5}"), s)
        XCTAssertTrue(s.contains("nest.Connect(nodes[\"E\"][0:50], nodes[\"espikes\"]"), s)
        XCTAssertTrue(s.contains("default=1000.0, help=\"model time to simulate in ms\""), s)
        XCTAssertTrue(s.contains("\"version\": \"nest-\" + nest.__version__"))
        XCTAssertTrue(s.contains("\".rank-%d.csv\" % RANK"))
        XCTAssertFalse(s.contains("capped_bernoulli(np."))
        Support.assertValidPython(s)
    }

    func testDestexheScriptDrawsCappedListsWithNumpy() throws {
        let s = try script("destexhe2009")
        XCTAssertTrue(s.contains("pre, post = capped_bernoulli(np.concatenate([ids(nodes[\"RS\"]), ids(nodes[\"LTS\"])]), "), s)
        XCTAssertTrue(s.contains(", 0.08, 32, False)"), s)
        XCTAssertTrue(s.contains("nest.Connect(pre[by_source], post[by_source], \"one_to_one\""), s)
        XCTAssertTrue(s.contains("nest.Connect(nodes[\"stim\"], nodes[\"RS\"][0:100]"), s)
        XCTAssertTrue(s.contains("nodes[\"RS\"] = nest.Create(\"aeif_cond_exp\", 380, params={\"C_m\": 200.0"), s)
        Support.assertValidPython(s)
    }

    func testBalancedNeuronScript() throws {
        let s = try script("balanced_neuron")
        XCTAssertTrue(s.contains("nodes[\"noise_in\"] = nest.Create(\"poisson_generator\", 1, params={\"rate\": (n_in*r_in)})"), s)
        XCTAssertTrue(s.contains("write_events(\"voltmeter\", list(nodes[\"voltmeter\"].get(\"record_from\")))"), s)
        XCTAssertTrue(s.contains(#"\"deterministic\": false"#), s)
        Support.assertValidPython(s)
    }

    func testDistributionsUseNestRandom() throws {
        let text = """
        {"name": "drawn", "nodes": [
          {"name": "P", "model": "iaf_psc_alpha", "n": 10, "params": {"V_m": {"uniform": {"min": -70, "max": -55}},
                                                                  "I_e": {"normal": {"mean": 100, "std": 10, "min": 80}}}}],
         "connections": [{"source": "P", "target": "P", "conn_spec": {"rule": "pairwise_bernoulli", "p": 0.1},
                          "syn_spec": {"weight": {"lognormal": {"mu": 0, "sigma": 0.5}}}}]}
        """
        let s = try PyNESTExport(model: try ModelFile.parse(text: text), sourcePath: "drawn.json").script()
        XCTAssertTrue(s.contains("nodes[\"P\"].set({\"V_m\": nest.random.uniform(min=-70.0, max=-55.0), \"I_e\": nest.math.redraw(nest.random.normal(mean=100.0, std=10.0), min=80.0, max=float(\"inf\"))})"), s)
        XCTAssertTrue(s.contains("\"weight\": nest.random.lognormal(mean=0.0, std=0.5)"), s)
        Support.assertValidPython(s)
    }

    func testCommandWritesScriptOrOneLineError() throws {
        let dir = Support.temporaryFolder()
        let ok = Support.netview(["export", "assets/balanced_neuron.json", "--to", "pynest", "-o", dir + "/b.py"])
        XCTAssertEqual(ok.code, 0, ok.err)
        XCTAssertTrue(Support.read(dir + "/b.py").hasPrefix("#!/usr/bin/env python3"))
        let bad = Support.netview(["export", "assets/nothing.json", "--to", "pynest", "-o", dir + "/n.py"])
        XCTAssertEqual(bad.code, 2)
        XCTAssertEqual(bad.err.split(separator: "\n").count, 1, bad.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/n.py"))
    }
}
