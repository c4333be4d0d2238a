import ArgumentParser
import Foundation
import Interop
import ModelFiles
import NetCore

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The network statistics and Brunel regime of any output folder (netview's or NEST's).",
        discussion: """
        Reads the spike recorders of DIR (as `netview compare` does: netview's files, or an exported \
        script's, per-rank files merged) and computes what summary.json's `network` block holds, with each \
        recorder's cells as one population: rate and CV of ISI, synchrony, spectral peak and Brunel's \
        regime. Cells are the senders the files name (a cell that never fired is not counted). The period \
        is (--from, --to]; by default the run's length from summary.json (else the last spike), after its \
        first 100 ms when it is 200 ms or longer, as `netview run` measures it.
        """)

    @Argument(help: "Output folder.") var dir: String
    @Option(parsing: .unconditional, help: "Start of the period in ms.") var from: Double?
    @Option(parsing: .unconditional, help: "End of the period in ms.") var to: Double?

    func run() throws {
        let folder: OutputFolder
        do { folder = try OutputFolder.read(dir) } catch let e as InteropError { throw fail(e.message) }
        let spikes = folder.recorders.values.filter(\.isSpikes).sorted { $0.name < $1.name }
        guard !spikes.isEmpty else { throw fail("\(dir) has no spike recorder files") }
        let length = (folder.summary?["simulated_ms"] as? NSNumber)?.doubleValue ?? spikes.compactMap { $0.times.max() }.max() ?? 0
        let end = to ?? length
        let start = from ?? (end >= 200 ? 100 : 0)
        guard start.isFinite, end.isFinite, start >= 0, end > start else {
            throw fail("the period must satisfy 0 <= --from < --to, got (\(formatNumber(start)), \(formatNumber(end))]")
        }
        var pops: [(name: String, ids: [Int])] = []
        for r in spikes { pops.append((r.name, Array(Set(r.senders)).sorted())) }
        var stats = NetworkStatistics(populations: pops, resolution: 0.1, from: start)
        var events: [(Double, Int)] = []
        for r in spikes { for (s, t) in zip(r.senders, r.times) where t <= end { events.append((t, s)) } }
        events.sort { $0 < $1 }
        for (t, s) in events { stats.add(time: t, id: s) }
        let result = stats.result(until: end)
        print(result.json.render())
    }
}
