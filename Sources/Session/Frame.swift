import Foundation
import NetCore

/// What the screen shows, published by the session after every chunk.
public struct Frame: Sendable {
    public var modelName = ""
    public var time = 0.0
    public var running = false
    /// Model time per wall time over the last chunks: the pace the screen shows, waits for the
    /// real-time cap included.
    public var speed = 0.0
    /// Spikes per second of model time (Hz, the whole network) over the last chunks.
    public var spikesPerSecond = 0.0
    public var seeds = Seeds(master: 1)
    public var message = ""
    /// Spikes of the last `window` ms (or more: widgets draw what is after time - window).
    public var spikes = SpikeWindow()
    /// The spikes' times (ms) and ids, flat.
    public var spikeTimes: [Double] { spikes.allTimes }
    public var spikeIDs: [Int32] { spikes.allIDs }
    /// The window the raster and every statistic cover (ms; `:window MS` sets it).
    public var window = 1000.0
    /// V_m of the chosen cell over the window.
    public var vmTimes: [Double] = []
    public var vmValues: [Double] = []
    public var cell = 1
    /// The chosen cell's in- and out-partners by node (the Network pane's lines).
    public var partners: [String] = []
    /// The fate of a self-sustained network over rolling windows (nil while generators drive it).
    public var regime: Regime?
    /// The master seed the streams derive from (nil once a stream was reseeded on its own).
    public var masterSeed: UInt64?
    /// The folder `:record` streams to, if recording.
    public var recordingTo: String?
    public var bisection = BisectionState()
    public var speedCap: Double?
    public var unsaved = false
    public var dead = false
    /// A `simulate` or a step is in progress (x or Esc cancels it).
    public var runInProgress = false
    /// The run waits for a yes (y) or no (n): it would take more than a minute.
    public var asking = false
    /// The last model time of a replay (`netview view`); nil for a live session.
    public var endTime: Double?

    public init() {}
}

public struct BisectionState: Sendable {
    public var running = false
    public var evaluations: [(guess: Double, rate: Double)] = []
    /// The transcript, line by line, as `netview bisect` prints it.
    public var lines: [String] = []
    public var result: Double?
    public var cancelled = false
    public var error: String?
    public var label = ""
    public var unit = ""
    /// What the search varies and measures.
    public var varies = ""
}
