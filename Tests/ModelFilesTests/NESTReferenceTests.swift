import Foundation
import XCTest
import ModelFiles
import NetCore

/// Every single-neuron protocol in Fixtures/nest and Fixtures/nest-stress, run through netview and
/// compared with NEST 3.10's output: on Linux with glibc (where the fixtures were made) every
/// sample of every trace and every spike time is the same double.
final class NESTReferenceTests: XCTestCase {
    struct Match {
        var maxDiff = 0.0
        var differing = 0
        var compared = 0
        var spikesMatch = false
        var spikes = 0
        var model = ""
    }

    func runProtocol(_ name: String, in folder: URL) throws -> Match {
        let file = try ModelFile.load(path: folder.appendingPathComponent(name + ".json").path)
        let built = try file.build()
        try built.kernel.simulate(file.simulate)
        let out = Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: out) }
        try built.writeOutputs(to: out, simulated: file.simulate, simulateSeconds: 0)
        let ref = folder.appendingPathComponent(name + ".nest").path
        let refSpikes = try Fixtures.csv(ref + "/spikes.csv").rows
        let mySpikes = try Fixtures.csv(out + "/spikes.csv").rows
        var m = Match()
        m.spikes = refSpikes.count
        m.spikesMatch = refSpikes == mySpikes
        let refMM = try Fixtures.csv(ref + "/mm.csv")
        let myMM = try Fixtures.csv(out + "/mm.csv")
        XCTAssertEqual(refMM.header, myMM.header, name)
        var mine: [Double: [Double]] = [:]
        for row in myMM.rows { mine[row[1]] = row }
        for row in refMM.rows {
            guard let mr = mine[row[1]] else { XCTFail("\(name): no sample at \(row[1])"); continue }
            var same = true
            for k in 2..<row.count where row[k] != mr[k] {
                m.maxDiff = max(m.maxDiff, abs(row[k] - mr[k]))
                same = false
            }
            if !same { m.differing += 1 }
            m.compared += 1
        }
        m.model = file.nodes[0].model
        return m
    }

    /// Each protocol of a folder: the same spike times and the same samples, bit for bit.
    func checkBitIdentical(_ folder: URL, atLeast: Int) throws {
        let names = Fixtures.protocols(in: folder)
        XCTAssertGreaterThanOrEqual(names.count, atLeast)
        for name in names {
            let m = try runProtocol(name, in: folder)
            print("\(name): \(m.spikes) spikes \(m.spikesMatch ? "equal" : "DIFFER"), \(m.compared) samples, \(m.differing) differ, max |d| \(m.maxDiff)")
            XCTAssertTrue(m.spikesMatch, "\(name): spike times differ from NEST's")
            #if os(Linux)
            XCTAssertEqual(m.differing, 0, "\(name): \(m.differing) samples differ from NEST's, by up to \(m.maxDiff)")
            #else
            // Another C library computes exp and pow to other last bits: tolerances instead.
            XCTAssertLessThan(m.maxDiff, m.model.hasPrefix("iaf_psc") ? 1e-6 : 1e-3, name)
            #endif
            XCTAssertGreaterThan(m.compared, 1000, name)
        }
    }

    func testReferenceProtocolsAreBitIdenticalToNEST() throws {
        try checkBitIdentical(Fixtures.nest, atLeast: 8)
    }

    func testStressProtocolsAreBitIdenticalToNEST() throws {
        try checkBitIdentical(Fixtures.nestStress, atLeast: 12)
    }
}
