import Foundation
import XCTest
import ModelFiles
import NetCore

/// Every protocol in Fixtures/nest, run through netview and compared with NEST 3.10's output.
final class NESTReferenceTests: XCTestCase {
    func tolerance(for model: String) -> Double { model.hasPrefix("iaf_psc") ? 1e-6 : 1e-3 }

    func runProtocol(_ name: String) throws -> (maxDiff: Double, spikesMatch: Bool, compared: Int, model: String) {
        let file = try ModelFile.load(path: Fixtures.nest.appendingPathComponent(name + ".json").path)
        let built = try file.build()
        try built.kernel.simulate(file.simulate)
        let out = Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: out) }
        try built.writeOutputs(to: out, simulated: file.simulate, simulateSeconds: 0)
        let ref = Fixtures.nest.appendingPathComponent(name + ".nest").path
        let refSpikes = try Fixtures.csv(ref + "/spikes.csv").rows
        let mySpikes = try Fixtures.csv(out + "/spikes.csv").rows
        let spikesMatch = refSpikes.count == mySpikes.count && zip(refSpikes, mySpikes).allSatisfy {
            $0[0] == $1[0] && abs($0[1] - $1[1]) < 1e-9
        }
        let refMM = try Fixtures.csv(ref + "/mm.csv")
        let myMM = try Fixtures.csv(out + "/mm.csv")
        XCTAssertEqual(refMM.header, myMM.header, name)
        var mine: [Double: [Double]] = [:]
        for row in myMM.rows { mine[row[1]] = row }
        var maxDiff = 0.0
        var compared = 0
        for row in refMM.rows {
            guard let m = mine[row[1]] else { XCTFail("\(name): no sample at \(row[1])"); continue }
            for k in 2..<row.count { maxDiff = max(maxDiff, abs(row[k] - m[k])) }
            compared += 1
        }
        let model = file.nodes[0].model
        return (maxDiff, spikesMatch, compared, model)
    }

    func testEveryProtocolMatchesNEST() throws {
        XCTAssertGreaterThanOrEqual(Fixtures.protocols.count, 8)
        for name in Fixtures.protocols {
            let r = try runProtocol(name)
            XCTAssertTrue(r.spikesMatch, "\(name): spike times differ from NEST's")
            XCTAssertLessThan(r.maxDiff, tolerance(for: r.model), "\(name): trace differs from NEST's by \(r.maxDiff)")
            XCTAssertGreaterThan(r.compared, 1000, name)
        }
    }

    func testSpikeTimesMatchNESTForIafPscAlpha() throws {
        let r = try runProtocol("iaf_psc_alpha_firing")
        XCTAssertTrue(r.spikesMatch)
        XCTAssertLessThan(r.maxDiff, 1e-6)
    }

    func testAdaptiveIntegrationMatchesNESTForAeifCondExp() throws {
        let r = try runProtocol("aeif_cond_exp_dc_adapting")
        XCTAssertTrue(r.spikesMatch)
        XCTAssertLessThan(r.maxDiff, 1e-3)
    }
}
