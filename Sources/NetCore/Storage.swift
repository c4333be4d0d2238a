import Foundation

/// A fixed-size array of numbers outside Swift's copy-on-write, so worker threads can update
/// disjoint parts of one population without copies or exclusivity checks.
public final class Column<T>: @unchecked Sendable {
    public let ptr: UnsafeMutablePointer<T>
    public let count: Int
    /// Allocated on 2 MB boundaries with transparent huge pages asked for: large connectivity
    /// arrays are written and read at random, and 4 KB pages would cost a TLB miss per access.
    let huge: Bool
    public static var hugeThreshold: Int { 16 << 20 }

    /// `hugeFrom`: the size in bytes from which to ask for huge pages.
    public init(count: Int, repeating value: T, hugeFrom threshold: Int = Column.hugeThreshold) {
        (ptr, huge) = Column.allocate(count, hugeFrom: threshold)
        self.count = count
        ptr.initialize(repeating: value, count: max(count, 1))
    }

    /// A column whose values are left as the allocator gives them, for one that its maker writes
    /// entry by entry before reading (a connect call's rows): its pages are then first touched,
    /// and cleared by the system, by the threads that fill them, not all by the one that allocates.
    init(unfilled count: Int) where T: BitwiseCopyable {
        (ptr, huge) = Column.allocate(count)
        self.count = count
    }

    private static func allocate(_ count: Int, hugeFrom threshold: Int = Column.hugeThreshold) -> (UnsafeMutablePointer<T>, huge: Bool) {
        let bytes = MemoryLayout<T>.stride * max(count, 1)
        var raw: UnsafeMutableRawPointer?
        if bytes >= threshold, posix_memalign(&raw, 2 << 20, bytes) == 0, let raw {
            _ = madvise(raw, bytes, MADV_HUGEPAGE)
            return (raw.bindMemory(to: T.self, capacity: max(count, 1)), true)
        }
        return (UnsafeMutablePointer<T>.allocate(capacity: max(count, 1)), false)
    }

    public convenience init(_ values: [T]) {
        self.init(count: values.count, repeating: values.first ?? (0 as! T))
        for (i, v) in values.enumerated() { ptr[i] = v }
    }

    deinit {
        ptr.deinitialize(count: max(count, 1))
        if huge { free(ptr) } else { ptr.deallocate() }
    }

    @inline(__always)
    public subscript(i: Int) -> T {
        get { ptr[i] }
        set { ptr[i] = newValue }
    }

    public var array: [T] { Array(UnsafeBufferPointer(start: ptr, count: count)) }

    public func fill(_ value: T) { ptr.update(repeating: value, count: count) }
}

/// Input ring buffers of one population: `channels` inputs (excitatory, inhibitory, current...),
/// `slots` future steps each, one value per neuron; laid out channel-major, then slot, then neuron.
public final class InputBuffer: @unchecked Sendable {
    public let channels: Int
    public private(set) var slots: Int
    public let n: Int
    public private(set) var data: Column<Double>

    /// Rings from 2 MB on get huge pages: the synapse scatter adds to them at random, and with
    /// 4 KB pages the rings of a large network outgrow the TLB (a page walk per synapse).
    static let hugeFrom = 2 << 20

    init(channels: Int, n: Int) {
        self.channels = channels
        self.n = n
        slots = 1
        data = Column(count: channels * n, repeating: 0)
    }

    /// Grows the ring to `newSlots`, keeping what is queued for the steps from `now` on.
    func resize(slots newSlots: Int, now: Int64) {
        guard newSlots != slots else { return }
        let fresh = Column<Double>(count: channels * newSlots * n, repeating: 0, hugeFrom: InputBuffer.hugeFrom)
        for c in 0..<channels {
            for ahead in 0..<min(slots, newSlots) {
                let from = (c * slots + Int((now + Int64(ahead)) % Int64(slots))) * n
                let to = (c * newSlots + Int((now + Int64(ahead)) % Int64(newSlots))) * n
                (fresh.ptr + to).update(from: data.ptr + from, count: n)
            }
        }
        data = fresh
        slots = newSlots
    }

    @inline(__always)
    public func slot(for step: Int64) -> Int { Int(step % Int64(slots)) }

    /// Pointer to channel `c` of `slot`.
    @inline(__always)
    public func row(_ c: Int, _ slot: Int) -> UnsafeMutablePointer<Double> {
        data.ptr + (c * slots + slot) * n
    }

    public func clear() { data.fill(0) }

    public var snapshot: [Double] { data.array }

    func restore(_ values: [Double], slots newSlots: Int) {
        let fresh = Column<Double>(count: channels * newSlots * n, repeating: 0, hugeFrom: InputBuffer.hugeFrom)
        for (i, v) in values.enumerated() where i < fresh.count { fresh[i] = v }
        data = fresh
        slots = newSlots
    }
}
