import Foundation
import Interop
import ModelFiles
import XCTest

/// Runs exported scripts with NEST 3 and compares them with netview's own runs. Needs a Python
/// with `nest` named by NETVIEW_NEST_PYTHON; skipped, saying so, without one.
final class NESTExportTests: XCTestCase {
    func nestPython() throws -> String {
        guard let python = ProcessInfo.processInfo.environment["NETVIEW_NEST_PYTHON"], !python.isEmpty else {
            throw XCTSkip("NEST-backed test skipped: set NETVIEW_NEST_PYTHON to a python with NEST 3.10 (pip install nest-simulator==3.10.0)")
        }
        let probe = Support.process(python, ["-c", "import nest"])
        guard probe.code == 0 else {
            throw XCTSkip("NEST-backed test skipped: \(python) -c 'import nest' failed")
        }
        return python
    }

    /// Exports `file`, runs it with NEST for `ms` and runs netview on it; returns both folders.
    func runBoth(_ file: String, ms: Double? = nil) throws -> (nest: String, netview: String) {
        let python = try nestPython()
        let dir = Support.temporaryFolder()
        let m = try ModelFile.load(path: file)
        Support.write(try PyNESTExport(model: m, sourcePath: file).script(), dir + "/model.py")
        var args = [dir + "/model.py", "--out", dir + "/nest"]
        if let ms { args += ["--time", "\(ms)"] }
        let r = Support.process(python, args)
        XCTAssertEqual(r.code, 0, r.err)
        try Support.run(file, into: dir + "/netview", ms: ms)
        return (dir + "/nest", dir + "/netview")
    }

    func testExportedProtocolReproducesNetviewExactly() throws {
        let (nest, netview) = try runBoth(Support.protocolFile)
        let r = try compare(try OutputFolder.read(nest), try OutputFolder.read(netview))
        XCTAssertTrue(r.deterministic)
        XCTAssertTrue(r.verdicts.contains { $0.statistic == "spike times" }, r.text)
        XCTAssertTrue(r.agree, r.text)
    }

    func testExportedBalancedNeuronAgreesOnStatistics() throws {
        let (nest, netview) = try runBoth(Support.root + "/assets/balanced_neuron.json", ms: 20000)
        var o = CompareOptions()
        o.rateTolerance = 0.25  // one neuron's rate over 20 s: about 150 spikes, a few percent of noise per run
        o.cvTolerance = 0.15
        let r = try compare(try OutputFolder.read(nest), try OutputFolder.read(netview), options: o)
        XCTAssertTrue(r.agree, r.text)
    }
}
