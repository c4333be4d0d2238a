import ArgumentParser
import Foundation
import Interop
import ModelFiles
import NetCore
import Workbench

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw an output folder (or a sweep's) as an SVG figure, with no Python.",
        discussion: """
        An output folder (netview's, or NEST's from an exported script, per-rank files merged): a raster \
        with the populations coloured and named, the population rates under it, the V_m of up to 3 recorded \
        cells, and a histogram of per-cell rates per population; the title from the model's name and seeds. \
        A sweep's folder (netview sweep): its map of --map over the grid. Text stays text; --width 85 or 180 \
        mm (one or two journal columns).
        """)

    @Argument(help: "An output folder or a sweep's folder.") var dir: String
    @Option(name: .shortAndLong, help: "The SVG to write (default: DIR.svg beside the folder).") var output: String?
    @Option(parsing: .unconditional, help: "Start of the period shown, ms.") var from: Double?
    @Option(parsing: .unconditional, help: "End of the period shown, ms.") var to: Double?
    @Option(help: "Cells shown: NAME, NAME[a:b], NAME[i] or an id range a-b (repeatable).") var cells: [String] = []
    @Option(help: "Width in mm: 85 (one column) or 180 (two).") var width: Double = 180
    @Option(help: "A sweep's map: the column of sweep.csv it shows.") var map: String = "brunel_regime"

    func run() throws {
        guard SVG.widths.contains(width) else { throw fail("--width must be 85 or 180 (mm), got \(formatNumber(width))") }
        let base = URL(fileURLWithPath: Home.absolute(dir))
        let out = output ?? base.deletingLastPathComponent().appendingPathComponent(base.lastPathComponent + ".svg").path
        let svg: String
        if SafeFile.kind(dir + "/" + SweepPlan.fileName) == .regular {
            let plan: SweepPlan
            do { plan = try SweepPlan.read(dir + "/" + SweepPlan.fileName) } catch let e as SweepError { throw fail(e.description) }
            let folder = SweepFolder(reading: dir)
            let runs = plan.points.flatMap { p in plan.seeds.map { (p, $0) } }
            let table = folder.table(plan: plan, runs: runs)
            guard table.columnNames.contains(map) else {
                throw fail("--map \(map): no such column in the sweep (\(table.columnNames.prefix(8).joined(separator: ", "))...)")
            }
            svg = SweepFigure(table: table, column: map, width: width).svg
        } else {
            for (name, v) in [("--from", from), ("--to", to)] {
                if let v, !v.isFinite || v < 0 { throw fail("\(name) must be a number of ms >= 0, got \(formatNumber(v))") }
            }
            if let from, let to, to <= from { throw fail("--to must be after --from") }
            let replay: Replay
            do { replay = try Replay(folder: try OutputFolder.read(dir)) } catch let e as InteropError { throw fail(e.message) }
            let ranges = try cells.map { try cellRange($0, replay.info) }
            svg = NetworkFigure(replay: replay, from: from, to: to, cells: ranges.isEmpty ? nil : ranges, width: width).svg
        }
        if SafeFile.kind(out) == .folder { throw fail("-o \(out) is a folder") }
        do { try SafeFile.checkReplaceable(out) } catch let e as SafeFile.Failure { throw fail("-o \(e.description)") }
        do { try writeAtomically(svg, to: out) } catch let e as ModelFileError { throw fail(e.description, code: 1) }
        print(out)
    }

    /// `NAME`, `NAME[a:b]`, `NAME[i]` (indices within the population) or `a-b` (ids).
    func cellRange(_ sel: String, _ info: NetworkInfo) throws -> ClosedRange<Int> {
        let parts = sel.split(separator: "-").map { Int($0) }
        if parts.count == 2, let a = parts[0], let b = parts[1], a <= b { return a...b }
        let name = String(sel.prefix { $0 != "[" })
        guard let p = info.populations.first(where: { $0.name == name }) else {
            throw fail("--cells \(sel): no population '\(name)' (\(info.populations.map(\.name).joined(separator: ", ")))")
        }
        guard sel.count > name.count else { return p.firstID...(p.firstID + p.count - 1) }
        guard sel.hasSuffix("]") else { throw fail("--cells \(sel): expected NAME[a:b] or NAME[i]") }
        let inner = sel.dropFirst(name.count + 1).dropLast()
        let ends = inner.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        if ends.count == 1, let i = ends[0], i >= 0 { return (p.firstID + i)...(p.firstID + i) }
        guard ends.count == 2, let a = ends[0], let b = ends[1], 0 <= a, a < b else { throw fail("--cells \(sel): expected NAME[a:b] with a < b") }
        return (p.firstID + a)...(p.firstID + b - 1)
    }
}
