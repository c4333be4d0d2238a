import Foundation
import NetCore

/// A text map of one column of a sweep over its grid (one or two parameters): the first parameter
/// across, the second down (largest on top, as a phase diagram is drawn); a word column shows its
/// most frequent value over the seeds, a number column its mean.
public struct SweepMap: Sendable {
    public var text: String

    public init(table: SweepTable, summaries: [SweepTable.PointSummary], column: String) {
        let plan = table.plan
        guard (1...2).contains(plan.axes.count) else { text = ""; return }
        var cell: [Int: String] = [:]
        var isWord = false
        for s in summaries {
            if let w = s.majority(column) {
                cell[s.point] = SweepMap.short(w)
                isWord = true
            } else if let m = s.mean(column) {
                cell[s.point] = String(format: "%.3g", m)
            }
        }
        let across = plan.axes[0], down = plan.axes.count == 2 ? plan.axes[1] : nil
        let rows = down.map { Array($0.values.indices.reversed()) } ?? [0]
        let rowLabels = rows.map { r in down.map { SweepRow.format($0.values[r]) } ?? "" }
        let colLabels = across.values.map(SweepRow.format)
        func point(_ c: Int, _ r: Int) -> Int { down == nil ? c : c * down!.values.count + r }
        let width = max(colLabels.map(\.count).max() ?? 1, cell.values.map(\.count).max() ?? 1) + 1
        let labelWidth = max(rowLabels.map(\.count).max() ?? 0, (down?.name.count ?? 0))
        func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        let seeds = plan.seeds.count
        var out = "\(column) " + (isWord ? "(most frequent over \(seeds) seed\(seeds == 1 ? "" : "s"))" : "(mean over \(seeds) seed\(seeds == 1 ? "" : "s"))")
        out += ": \(across.name) across" + (down.map { ", \($0.name) down" } ?? "") + "\n"
        out += pad(down?.name ?? "", labelWidth) + " |" + colLabels.map { pad($0, width) }.joined() + "\n"
        out += String(repeating: "-", count: labelWidth) + "-+" + String(repeating: "-", count: width * colLabels.count) + "\n"
        for (i, r) in rows.enumerated() {
            out += pad(rowLabels[i], labelWidth) + " |" + across.values.indices.map { pad(cell[point($0, r)] ?? ".", width) }.joined() + "\n"
        }
        if isWord {
            let legend = Set(cell.values).sorted().compactMap { SweepMap.legend[$0] }
            if !legend.isEmpty { out += "  " + legend.joined(separator: ", ") + "\n" }
        }
        text = out
    }

    /// Short forms of regime names for the map.
    public static func short(_ w: String) -> String {
        switch w {
        case "SI fast": return "SIf"
        case "SI slow": return "SIs"
        case "active": return "A"
        case "locked": return "L"
        case "extinct": return "X"
        default: return w.count > 6 ? String(w.prefix(6)) : w
        }
    }

    static let legend = ["SIf": "SIf = SI fast", "SIs": "SIs = SI slow", "A": "A = active", "L": "L = locked", "X": "X = extinct",
                         "Q": "Q = quiescent"]
}
