/// A 64-bit checksum fed with words: xxHash64-style rounds (every bit of a word reaches every bit
/// of the accumulator) and SplitMix64's finalizer. Fast enough for hundreds of megabytes; made to
/// detect corruption, not to resist an adversary.
public struct Checksum64: Sendable {
    private var acc: UInt64 = 0x9E37_79B1_85EB_CA87
    private var words: UInt64 = 0

    public init() {}

    @inline(__always)
    public mutating func add(_ x: UInt64) {
        acc = acc &+ x &* 0xC2B2_AE3D_27D4_EB4F
        acc = (acc << 31 | acc >> 33) &* 0x9E37_79B1_85EB_CA87
        words &+= 1
    }

    public mutating func add(_ x: Int) { add(UInt64(bitPattern: Int64(x))) }
    public mutating func add(_ x: Int64) { add(UInt64(bitPattern: x)) }
    public mutating func add(_ x: Double) { add(x.bitPattern) }

    /// Raw bytes in 8-byte little-endian words, the length first so that [a] + [b] != [a, b].
    public mutating func add(bytes: UnsafeRawBufferPointer) {
        add(UInt64(bytes.count))
        let whole = bytes.count / 8
        for k in 0..<whole { add(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self))) }
        var tail: UInt64 = 0
        for (k, b) in bytes[(whole * 8)...].enumerated() { tail |= UInt64(b) << (8 * UInt64(k)) }
        if bytes.count % 8 != 0 { add(tail) }
    }

    /// `count` unsigned integers of `width` bytes (1, 2, 4 or 8), given one by one, as `add(bytes:)`
    /// adds an array of them: the checksum does not depend on how they are stored.
    mutating func add(count: Int, width: Int, _ value: (Int) -> UInt64) {
        add(UInt64(count * width))
        let perWord = 8 / width
        var word: UInt64 = 0, filled = 0
        for i in 0..<count {
            word |= value(i) << UInt64(filled * width * 8)
            filled += 1
            if filled == perWord {
                add(word)
                word = 0
                filled = 0
            }
        }
        if filled > 0 { add(word) }
    }

    public mutating func add<T>(array: [T]) { array.withUnsafeBytes { add(bytes: $0) } }

    public mutating func add(_ s: String) {
        var s = s
        s.withUTF8 { add(bytes: UnsafeRawBufferPointer($0)) }
    }

    public var value: UInt64 {
        var z = acc ^ words
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Column {
    var rawBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: ptr, count: count * MemoryLayout<T>.stride) }
}

extension Kernel {
    /// Every synapse the network holds, in block and creation order: rows, targets, weights and
    /// delays of each projection, then each generator drive. Equal networks give equal numbers.
    public func connectivityChecksum() -> UInt64 {
        var h = Checksum64()
        h.add(blocks.count)
        for (b, projections) in outgoing.enumerated() {
            h.add(b)
            h.add(projections.count)
            for p in projections {
                h.add(p.sourceNode)
                h.add(p.targetPop)
                h.add(p.sourceCount)
                h.add(bytes: p.offsets.rawBytes)
                // As 4-byte targets and 2-byte delays, however they are stored.
                h.add(count: p.synapseCount, width: 4) { UInt64(p.target($0)) }
                h.add(p.weight)
                h.add(p.weights == nil ? 0 : 1)
                if let w = p.weights { h.add(bytes: w.rawBytes) }
                h.add(p.delay)
                h.add(p.hasDelays ? 1 : 0)
                if p.hasDelays { h.add(count: p.synapseCount, width: 2) { UInt64(p.delaySteps($0)) } }
            }
        }
        h.add(drivesByPop.count)
        for drives in drivesByPop {
            h.add(drives.count)
            for d in drives {
                h.add(d.generatorNode)
                h.add(d.targetPop)
                h.add(array: d.targets)
                h.add(array: d.weights)
                h.add(array: d.delays)
            }
        }
        return h.value
    }
}

extension KernelState {
    /// Every field, state variables in name order: equal states give equal numbers.
    public var checksum: UInt64 {
        var h = Checksum64()
        h.add(now)
        h.add(populations.count)
        for p in populations {
            h.add(p.state.count)
            for name in p.state.keys.sorted() {
                h.add(name)
                h.add(array: p.state[name]!)
            }
            h.add(array: p.refractory)
            h.add(array: p.stimulus)
            h.add(p.inputSlots)
            h.add(array: p.input)
        }
        h.add(generators.count)
        for g in generators {
            h.add(g.id)
            h.add(g.history.count)
            for entry in g.history { h.add(array: entry) }
            h.add(g.position)
        }
        h.add(recorders.count)
        for r in recorders {
            h.add(r.id)
            h.add(array: r.senders)
            h.add(array: r.stamps)
            h.add(r.values.count)
            for row in r.values { h.add(array: row) }
        }
        h.add(array: spikeCounts)
        return h.value
    }
}
