import Foundation
import ModelFiles
import NetCore

/// The windows a session shows (the raster's spikes, the chosen cell's V_m, the window length),
/// saved with the session so that it opens looking as it was saved. An optional section: a file
/// without it opens with empty windows. What it holds is checked as it is read (finite times
/// inside the window, ids of the network's neurons); anything else leaves the windows empty.
public struct ScreenHistory: Sendable {
    public var windowMs: Double
    public var spikes: SpikeWindow
    public var vmTimes: [Double]
    public var vmValues: [Double]

    var value: Value {
        .obj([
            ("window_ms", .number(windowMs)),
            ("spikes_from_ms", .number(spikes.coveredFrom)),
            ("spike_times", Packed.value(spikes.allTimes)),
            ("spike_ids", Packed.value(spikes.allIDs)),
            ("vm_times", Packed.value(vmTimes)),
            ("vm_values", Packed.value(vmValues)),
        ])
    }

    /// Reads the section; nil when it is absent or does not fit a network of `neurons` ids at time `now`.
    static func read(_ node: Node?, now: Double, neurons: ClosedRange<Int>) -> ScreenHistory? {
        guard let node, case let .number(w)? = node["window_ms"]?.value, w.isFinite, w > 0, w <= LiveSession.historyMs,
              case let .number(from)? = node["spikes_from_ms"]?.value, from.isFinite,
              let times = Packed.doubles(node["spike_times"]), let ids = Packed.ints(node["spike_ids"], tag: "i32le", as: Int32.self),
              times.count == ids.count, times.count <= LiveSession.windowCap,
              let vt = Packed.doubles(node["vm_times"]), let vv = Packed.doubles(node["vm_values"]), vt.count == vv.count,
              vt.count <= 10_000_000 else { return nil }
        let lo = now - max(w, 1000) - 1e-9
        guard times.allSatisfy({ $0.isFinite && $0 > lo && $0 <= now + 1e-9 }), ids.allSatisfy({ neurons.contains(Int($0)) }),
              zip(times, times.dropFirst()).allSatisfy({ $0 <= $1 }),
              vt.allSatisfy({ $0.isFinite && $0 > lo && $0 <= now + 1e-9 }) else { return nil }
        return ScreenHistory(windowMs: w, spikes: SpikeWindow(times: times, ids: ids, from: max(lo, min(from, now)), to: now),
                             vmTimes: vt, vmValues: vv)
    }
}
