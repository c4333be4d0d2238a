import XCTest
@testable import NetCore

/// `iaf_psc_exp` updates four cells at a time where their threshold is deterministic, and
/// `iaf_cond_exp` integrates four or eight at a time: the lanes must give the numbers the one-cell
/// path gives, refractoriness, spikes, input and step-size control included.
final class LaneUpdateTests: XCTestCase {
    /// 11 cells in one population (two groups of four and a tail of three; cell 5 with escape
    /// noise, so its group takes the one-cell path) against 11 populations of one cell.
    func testFourAtATimeEqualsOneAtATime() throws {
        func network(grouped: Bool) throws -> (Kernel, [Int]) {
            let k = try Kernel(resolution: 0.1, seeds: Seeds(master: 7))
            var ids: [Int] = []
            let cells: NodeCollection
            if grouped {
                cells = try k.create("iaf_psc_exp", n: 11)
            } else {
                var all = try k.create("iaf_psc_exp")
                for _ in 1..<11 { all = all + (try k.create("iaf_psc_exp")) }
                cells = all
            }
            ids = cells.ids
            for (n, id) in ids.enumerated() {
                var p: [String: ParamValue] = ["I_e": .number(300 + 15 * Double(n)), "t_ref": .number(1 + 0.3 * Double(n % 4)),
                                               "tau_syn_ex": .number(1 + 0.5 * Double(n % 3))]
                if n == 5 { p["delta"] = .number(0.5); p["rho"] = .number(0.05) }
                try k.setStatus(cells[n], p)
                XCTAssertEqual(cells[n].ids, [id])
            }
            let input = try k.create("spike_generator", params: ["spike_times": .numbers((1...60).map { Double($0) * 4.7 })])
            try k.connect(input, cells, ConnSpec(), SynSpec(weight: 900, delay: 1))
            try k.connect(input, cells, ConnSpec(), SynSpec(weight: -700, delay: 2.3))
            return (k, ids)
        }
        let (a, idsA) = try network(grouped: true)
        let (b, idsB) = try network(grouped: false)
        XCTAssertEqual(idsA, idsB)
        try a.simulate(300)
        try b.simulate(300)
        XCTAssertEqual(a.spikeCounts, b.spikeCounts)
        XCTAssertGreaterThan(a.spikeCounts.reduce(0, +), 50)
        for id in idsA {
            let sa = try a.getStatus(id), sb = try b.getStatus(id)
            for key in ["V_m", "I_syn_ex", "I_syn_in"] {
                let x = sa.first { $0.0 == key }?.1.number, y = sb.first { $0.0 == key }?.1.number
                XCTAssertEqual(x?.bitPattern, y?.bitPattern, "\(key) of \(id)")
            }
        }
    }

    /// 11 `iaf_psc_exp` cells with the same parameters (read once a step, not per cell) and
    /// their own initial V_m and input, against 11 populations of one cell; then one cell's
    /// tau_m changed mid-run, after which the population's parameters are per cell again.
    func testSharedParametersEqualOneAtATime() throws {
        func network(grouped: Bool) throws -> (Kernel, NodeCollection) {
            let k = try Kernel(resolution: 0.1, seeds: Seeds(master: 3))
            var cells = try k.create("iaf_psc_exp", n: grouped ? 11 : 1)
            if !grouped { for _ in 1..<11 { cells = cells + (try k.create("iaf_psc_exp")) } }
            try k.setStatus(cells, ["I_e": .number(390), "t_ref": .number(1.5), "tau_syn_in": .number(3.7)])
            for n in 0..<11 {
                try k.setStatus(cells[n], ["V_m": .number(-70 + 1.3 * Double(n))])
                let times = (1...40).map { Double($0) * (3.1 + 0.4 * Double(n)) }
                let input = try k.create("spike_generator", params: ["spike_times": .numbers(times)])
                try k.connect(input, cells[n], ConnSpec(), SynSpec(weight: 700 + 40 * Double(n), delay: 1))
                try k.connect(input, cells[n], ConnSpec(), SynSpec(weight: -500, delay: 2.3))
            }
            return (k, cells)
        }
        let (a, cellsA) = try network(grouped: true)
        let (b, cellsB) = try network(grouped: false)
        func assertSameState(_ when: String) throws {
            XCTAssertEqual(a.spikeCounts, b.spikeCounts, when)
            for n in 0..<11 {
                let sa = try a.getStatus(cellsA.ids[n]), sb = try b.getStatus(cellsB.ids[n])
                for key in ["V_m", "I_syn_ex", "I_syn_in"] {
                    let x = sa.first { $0.0 == key }?.1.number, y = sb.first { $0.0 == key }?.1.number
                    XCTAssertEqual(x?.bitPattern, y?.bitPattern, "\(key) of cell \(n) \(when)")
                }
            }
        }
        try a.simulate(150)
        try b.simulate(150)
        XCTAssertNotNil((a.populations[0] as? IafPscExp)?.shared)
        try assertSameState("with shared parameters")
        XCTAssertGreaterThan(a.spikeCounts.reduce(0, +), 40)
        try a.setStatus(cellsA[6], ["tau_m": .number(14)])
        try b.setStatus(cellsB[6], ["tau_m": .number(14)])
        try a.simulate(150)
        try b.simulate(150)
        XCTAssertNil((a.populations[0] as? IafPscExp)?.shared)
        try assertSameState("after one cell's tau_m changed")
    }

    /// 21 `iaf_cond_exp` cells in one population (two pairs of groups, a group of four and one
    /// cell; cells 5 and 10 with a synaptic time constant so short that the step control retries
    /// and takes many substeps while the other lanes of their pack are done) against 21
    /// populations of one cell, on one thread and on two.
    func testConductanceLanesEqualOneAtATime() throws {
        try assertLanesEqualOneAtATime("iaf_cond_exp", state: ["V_m", "g_ex", "g_in"]) { n in
            var p: [String: ParamValue] = ["I_e": .number(200 + 25 * Double(n)), "t_ref": .number(1 + 0.3 * Double(n % 4)),
                                           "V_m": .number(-70 + Double(n % 5)), "tau_syn_in": .number(2 + Double(n % 3))]
            if n == 5 || n == 10 { p["tau_syn_ex"] = .number(0.02) }
            return p
        }
    }

    /// The same for `aeif_cond_exp`, whose cells spike within substeps and finish the step in a
    /// second pass (cell 7 without the exponential term, Delta_T = 0).
    func testAdaptiveLanesEqualOneAtATime() throws {
        try assertLanesEqualOneAtATime("aeif_cond_exp", state: ["V_m", "g_ex", "g_in", "w"]) { n in
            var p: [String: ParamValue] = ["I_e": .number(500 + 40 * Double(n)), "t_ref": .number(0.5 * Double(n % 3)),
                                           "V_m": .number(-70 + Double(n % 5)), "b": .number(20 + 10 * Double(n % 4))]
            if n == 5 || n == 10 { p["tau_syn_ex"] = .number(0.02) }
            if n == 7 { p["Delta_T"] = .number(0) }
            return p
        }
    }

    private func assertLanesEqualOneAtATime(_ model: String, state keys: [String], params: (Int) -> [String: ParamValue],
                                            file: StaticString = #filePath, line: UInt = #line) throws {
        func network(grouped: Bool, threads: Int) throws -> (Kernel, [Int]) {
            let k = try Kernel(resolution: 0.1, seeds: Seeds(master: 3), threads: threads)
            let cells: NodeCollection
            if grouped {
                cells = try k.create(model, n: 21)
            } else {
                var all = try k.create(model)
                for _ in 1..<21 { all = all + (try k.create(model)) }
                cells = all
            }
            for n in 0..<21 { try k.setStatus(cells[n], params(n)) }
            let input = try k.create("spike_generator", params: ["spike_times": .numbers((1...60).map { Double($0) * 4.7 })])
            try k.connect(input, cells, ConnSpec(), SynSpec(weight: 40, delay: 1))
            try k.connect(input, cells, ConnSpec(), SynSpec(weight: -30, delay: 2.3))
            return (k, cells.ids)
        }
        for threads in [1, 2] {
            let (a, idsA) = try network(grouped: true, threads: threads)
            let (b, idsB) = try network(grouped: false, threads: threads)
            XCTAssertEqual(idsA, idsB, file: file, line: line)
            try a.simulate(300)
            try b.simulate(300)
            XCTAssertEqual(a.spikeCounts, b.spikeCounts, file: file, line: line)
            XCTAssertGreaterThan(a.spikeCounts.reduce(0, +), 100, file: file, line: line)
            for id in idsA {
                let sa = try a.getStatus(id), sb = try b.getStatus(id)
                for key in keys {
                    let x = sa.first { $0.0 == key }?.1.number, y = sb.first { $0.0 == key }?.1.number
                    XCTAssertNotNil(x, key, file: file, line: line)
                    XCTAssertEqual(x?.bitPattern, y?.bitPattern, "\(key) of \(id), \(threads) thread(s)", file: file, line: line)
                }
            }
        }
    }
}
