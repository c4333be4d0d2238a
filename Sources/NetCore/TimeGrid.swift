import Foundation

/// NEST's time grid: 1000 tics per ms, a step of `ticsPerStep` tics.
public struct TimeGrid: Equatable, Sendable {
    public static let ticsPerMs: Int64 = 1000
    public let resolution: Double
    public let ticsPerStep: Int64
    /// NEST's `Time::Range::STEPS_PER_MS`: 1 / (tics per step / tics per ms).
    let stepsPerMs: Double

    /// The longest resolution (1000 s): steps and tics of any time a run can reach stay far
    /// inside 64-bit integers.
    public static let maxResolution = 1e6
    /// The longest model time a run may reach (4e15 ms, 127,000 years): its tics fit a 64-bit integer.
    public static let maxTime = 4e15

    public init(resolution: Double) throws {
        guard resolution.isFinite, resolution > 0 else {
            throw NetError("SetKernelStatus", "resolution must be a positive number of ms, got \(resolution)")
        }
        guard resolution <= Self.maxResolution else {
            throw NetError("SetKernelStatus", "resolution must be at most \(formatNumber(Self.maxResolution)) ms, got \(resolution)")
        }
        let tics = (resolution * Double(Self.ticsPerMs)).rounded()
        guard tics >= 1, abs(tics - resolution * 1000) < 1e-6 * max(1, tics) else {
            throw NetError("SetKernelStatus", "resolution must be a multiple of 0.001 ms, got \(resolution)")
        }
        self.resolution = resolution
        self.ticsPerStep = Int64(tics)
        stepsPerMs = 1 / (tics / Double(Self.ticsPerMs))
    }

    /// The step in ms as NEST computes it (`Time::get_resolution().get_ms()`: ms per tic times tics
    /// per step), the interval the integrators advance through each step.
    public var stepMs: Double { (1 / Double(Self.ticsPerMs)) * Double(ticsPerStep) }

    /// Milliseconds rounded to the nearest tic.
    /// Beyond +-9e15 ms (and NaN, treated as never) a time is "forever": Int64.max / 4 tics.
    public func tics(_ ms: Double) -> Int64 {
        if ms >= 9e15 || ms.isNaN { return Int64.max / 4 }
        if ms <= -9e15 { return Int64.min / 4 }
        return Int64((ms * Double(Self.ticsPerMs)).rounded())
    }

    /// A point in time (start, stop, spike time) in steps, rounded to the nearest step.
    public func steps(_ ms: Double) -> Int64 {
        let t = tics(ms)
        if t >= Int64.max / 4 { return Int64.max / 4 }
        if t <= Int64.min / 4 { return Int64.min / 4 }
        return Int64((Double(t) / Double(ticsPerStep)).rounded())
    }

    /// A duration (t_ref) in steps, rounded up as NEST's `Time::get_steps` does for a tic count.
    public func durationSteps(_ ms: Double) -> Int {
        let t = tics(ms)
        return Int((t + ticsPerStep - 1) / ticsPerStep)
    }

    /// A delay in steps as NEST's `Time::delay_ms_to_steps`: `floor(d * steps_per_ms + 0.5)` with
    /// steps_per_ms = 1 / (tics_per_step / tics_per_ms). (Dividing by the resolution instead rounds
    /// half-step delays such as 0.15 ms at 0.1 ms down, where NEST rounds them up.)
    public func delaySteps(_ ms: Double) -> Int {
        let x = (ms * stepsPerMs + 0.5).rounded(.down)
        if !(x < 1e15) { return Int.max / 4 }
        if x < -1e15 { return Int.min / 4 }
        return Int(x)
    }

    /// Whether a time lies on the grid.
    public func isOnGrid(_ ms: Double) -> Bool { tics(ms) % ticsPerStep == 0 }

    /// The time at the end of `steps` steps, as NEST writes it (tics * 0.001).
    public func ms(_ steps: Int64) -> Double { Double(steps * ticsPerStep) * 0.001 }
    public func ms(_ steps: Int) -> Double { ms(Int64(steps)) }
}
