import Foundation

/// Per cell, the spike count and the sums of its inter-spike intervals and of their squares,
/// added in time order: rates and CVs of ISI without keeping the spike trains.
public struct ISIMoments: Sendable {
    public private(set) var count: [Int32]
    private var last: [Double]
    private var sum: [Double]
    private var sumSq: [Double]

    public init(cells n: Int) {
        count = [Int32](repeating: 0, count: n)
        last = [Double](repeating: 0, count: n)
        sum = [Double](repeating: 0, count: n)
        sumSq = [Double](repeating: 0, count: n)
    }

    /// A spike of `cell` at `t` (not before its previous one).
    public mutating func add(_ cell: Int, at t: Double) {
        if count[cell] > 0 {
            let d = t - last[cell]
            sum[cell] += d
            sumSq[cell] += d * d
        }
        count[cell] += 1
        last[cell] = t
    }

    /// The CV of the cell's ISIs (population variance over the mean): nil below 3 spikes or
    /// when the intervals have no length.
    public func cv(_ cell: Int) -> Double? {
        let c = Int(count[cell])
        guard c >= 3 else { return nil }
        let m = sum[cell] / Double(c - 1)
        guard m > 0 else { return nil }
        return max(0, sumSq[cell] / Double(c - 1) - m * m).squareRoot() / m
    }
}
