import XCTest
@testable import NetCore

/// A generator's links are skipped in slices where nothing it emits can arrive: never when
/// something can (by the generator's own activity rule, step by step, over every link delay), and
/// always when nothing can and the links share one delay (with several delays the window of
/// emitting steps is taken whole, gaps included, and those links are walked link by link).
final class DriveWindowTests: XCTestCase {
    func testDrivesAreSkippedExactlyWhenNoEventCanArrive() throws {
        let grid = try TimeGrid(resolution: 0.1)
        let generators: [Device] = [PoissonGenerator(id: 1, grid: grid), DCGenerator(id: 2, grid: grid)]
        func active(_ g: Device, _ s: Int64) -> Bool {
            if let p = g as? PoissonGenerator { return p.isActive(emitStep: s) }
            return (g as! DCGenerator).isActive(emitStep: s)
        }
        var skipped = 0, kept = 0
        for g in generators {
            for (start, stop) in [(0.0, 0.3), (0.5, 0.6), (1.0, 1.2), (0.2, 1e308)] {
                try g.set("stop", .number(1e308), now: 0)
                try g.set("start", .number(start), now: 0)
                try g.set("stop", .number(stop), now: 0)
                for delays in [[1], [3], [2, 5], [1, 1, 4]] {
                    let drive = Drive(generatorNode: 0, targetPop: 0)
                    drive.targets = delays.indices.map { Int32($0) }
                    drive.weights = delays.map { _ in 1 }
                    drive.delays = delays
                    drive.sortByTarget()
                    for from in Int64(0)..<20 {
                        for to in (from + 1)...(from + 4) {
                            let reaches = (from..<to).contains { step in delays.contains { active(g, step - Int64($0)) } }
                            let skip = !drive.canArrive(from: from, to: to, generator: g)
                            let what = "\(g.spec.name) start \(start) stop \(stop) delays \(delays) steps \(from)..<\(to)"
                            if reaches { XCTAssertFalse(skip, what) }
                            if Set(delays).count == 1 { XCTAssertEqual(skip, !reaches, what) }
                            if skip { skipped += 1 } else { kept += 1 }
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(skipped, 100)
        XCTAssertGreaterThan(kept, 100)
    }
}
