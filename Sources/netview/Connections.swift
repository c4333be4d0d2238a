import ArgumentParser
import Foundation
import ModelFiles
import NetCore

struct Connections: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a model's connectivity as the kernel holds it (NEST's GetConnections).",
        discussion: """
        Builds the network (as `netview run` would, with --seed and --param) and, per entry of the file's \
        `connections`, prints its rule, how many synapses it made, their weights and delays (min, mean, max) \
        and histograms of the in-degree of its targets and the out-degree of its sources. --csv prints every \
        synapse instead, one row `entry,source,target,weight,delay_ms` by entry, source id, then target id \
        (Poisson and DC generator links included; links to recorders and from meters are not synapses and \
        are left out). --source and --target restrict both to a node, a slice or one element, written as in \
        the file (E, E[0:50], E[3]).
        """)

    @Argument(help: "Model file (.json, .yaml).") var file: String
    @Option(help: "Only synapses from these nodes (NAME, NAME[i] or NAME[start:end]).") var source: String?
    @Option(help: "Only synapses to these nodes.") var target: String?
    @Flag(help: "Print every synapse as CSV.") var csv = false
    @Option(help: "Master seed (explicit seeds in the file still win).") var seed: UInt64?
    @Option(name: .customLong("param"), help: "Override a parameter: NAME=VALUE (repeatable).") var params: [String] = []

    func run() throws {
        let m = try loadModel(file, params: params, seed: seed)
        let built: BuiltModel
        do { built = try m.build() } catch let e as ModelFileError { throw fail(e.description) }
        func ids(_ text: String?, _ option: String) throws -> Set<Int>? {
            guard let text else { return nil }
            do { return Set(built.selection(try m.selection(text, option: option)).ids) } catch let e as ModelFileError {
                throw fail(e.description)
            }
        }
        let sources = try ids(source, "--source"), targets = try ids(target, "--target")
        let k = built.kernel
        if csv {
            var out = "entry,source,target,weight,delay_ms\n"
            out.reserveCapacity(1 << 20)
            for i in k.connections.indices {
                k.forEachSynapse(ofConnection: i, sources: sources, targets: targets) { s, t, w, d in
                    out += "\(i),\(s),\(t),\(formatNumber(w)),\(formatNumber(d))\n"
                    if out.utf8.count >= 1 << 20 {
                        FileHandle.standardOutput.write(Data(out.utf8))
                        out = ""
                    }
                }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
            return
        }
        print("\(m.name): \(k.connections.count) connection entries, \(k.synapseCount) synapses in all"
              + (source.map { ", from \($0)" } ?? "") + (target.map { ", to \($0)" } ?? ""))
        var listed = 0
        for (i, spec) in m.connections.enumerated() {
            let rec = k.connections[i]
            let from = selectionText(spec.sourceText), to = selectionText(spec.targetText)
            var stats = EntryStats()
            k.forEachSynapse(ofConnection: i, sources: sources, targets: targets) { s, t, w, d in stats.add(s, t, w, d) }
            listed += stats.count
            print("\nconnections[\(i)]: \(from) -> \(to), \(rec.rule)")
            if k.listedSynapseCount(ofConnection: i) == 0 {
                print("  \(rec.synapses) device links (recorders and meters; not synapses)")
                continue
            }
            print("  \(stats.count) synapses" + (stats.count == k.listedSynapseCount(ofConnection: i) ? "" : " of \(k.listedSynapseCount(ofConnection: i))"))
            guard stats.count > 0 else { continue }
            print("  weight " + text(stats.weight) + ", delay " + text(stats.delay) + " ms")
            print(histogram("in-degree of its \(stats.inDegree.count) targets", Array(stats.inDegree.values)))
            print(histogram("out-degree of its \(stats.outDegree.count) sources", Array(stats.outDegree.values)))
        }
        print("\n\(listed) synapses listed")
    }

    func selectionText(_ v: Value) -> String {
        switch v {
        case let .string(s): return s
        case let .array(items): return "[" + items.map { selectionText($0.value) }.joined(separator: ", ") + "]"
        default: return "?"
        }
    }

    /// Counts, extremes and means of one entry's synapses, as they stream past.
    struct EntryStats {
        var count = 0
        var weight = RunningRange(), delay = RunningRange()
        var inDegree: [Int: Int] = [:], outDegree: [Int: Int] = [:]
        mutating func add(_ s: Int, _ t: Int, _ w: Double, _ d: Double) {
            count += 1
            weight.add(w)
            delay.add(d)
            inDegree[t, default: 0] += 1
            outDegree[s, default: 0] += 1
        }
    }

    func text(_ r: RunningRange) -> String {
        r.isOneValue ? "\(formatNumber(r.lo)) (all)" : "min \(formatReadable(r.lo)) mean \(formatReadable(r.mean)) max \(formatReadable(r.hi))"
    }

    /// A text histogram of degrees: up to 10 bins of equal width, a bar and a count per bin.
    func histogram(_ title: String, _ degrees: [Int]) -> String {
        let h = DegreeBins(degrees)
        var out = "  \(title): min \(h.lo), mean \(formatReadable(h.mean)), max \(h.hi)"
        if h.lo == h.hi { return out }
        let most = h.bins.map(\.count).max()!
        for (a, z, c) in h.bins {
            let label = (a == z ? "\(a)" : "\(a)-\(z)").padding(toLength: 13, withPad: " ", startingAt: 0)
            let bar = String(repeating: "█", count: c == 0 ? 0 : max(1, c * 40 / most))
            out += "\n    \(label) \(bar) \(c)"
        }
        return out
    }
}
