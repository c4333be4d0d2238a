/// Which cells the lanes of a group hold, and how their columns are read and written: a run of
/// consecutive cells (plain vector loads) or any four cells (gathered lane by lane). Lanes past
/// `n` repeat the first cell so that they compute harmless numbers; they are never written.
protocol LaneCells {
    var n: Int { get }
    /// The cell in lane k.
    func cell(_ k: Int) -> Int
    func load(_ p: UnsafeMutablePointer<Double>) -> Lane
    func store(_ x: Lane, _ p: UnsafeMutablePointer<Double>)
}

extension LaneCells {
    /// The lanes that hold cells.
    @inline(__always)
    var valid: LaneMask {
        var index = LaneInt(repeating: 0)
        for k in 0..<laneWidth { index[k] = Int64(k) }
        return index .< LaneInt(repeating: Int64(n))
    }

    /// Writes only the lanes where `m` is set.
    @inline(__always)
    func store(_ x: Lane, _ p: UnsafeMutablePointer<Double>, where m: LaneMask) {
        store(load(p).replacing(with: x, where: m), p)
    }

    /// Reads the cells' entries of an input row and clears them where `m` is set: a step's
    /// input is taken once.
    @inline(__always)
    func take(_ p: UnsafeMutablePointer<Double>, where m: LaneMask) -> Lane {
        let x = load(p)
        store(x.replacing(with: 0, where: m), p)
        return x
    }

    /// Counters as lanes (0 past n).
    @inline(__always)
    func load(_ c: UnsafeMutablePointer<Int32>) -> LaneInt {
        var x = LaneInt(repeating: 0)
        for k in 0..<n { x[k] = Int64(c[cell(k)]) }
        return x
    }

    @inline(__always)
    func store(_ x: LaneInt, _ c: UnsafeMutablePointer<Int32>) {
        for k in 0..<n { c[cell(k)] = Int32(truncatingIfNeeded: x[k]) }
    }

    /// The cells' states, stored one SIMD4 per cell, transposed into lanes.
    @inline(__always)
    func load(_ y: UnsafeMutablePointer<SIMD4<Double>>) -> LaneState {
        let c0 = y[cell(0)], c1 = n > 1 ? y[cell(1)] : c0, c2 = n > 2 ? y[cell(2)] : c0, c3 = n > 3 ? y[cell(3)] : c0
        return LaneState(Lane(c0[0], c1[0], c2[0], c3[0]), Lane(c0[1], c1[1], c2[1], c3[1]),
                         Lane(c0[2], c1[2], c2[2], c3[2]), Lane(c0[3], c1[3], c2[3], c3[3]))
    }

    @inline(__always)
    func store(_ s: LaneState, _ y: UnsafeMutablePointer<SIMD4<Double>>) {
        y[cell(0)] = SIMD4(s.x0[0], s.x1[0], s.x2[0], s.x3[0])
        if n > 1 { y[cell(1)] = SIMD4(s.x0[1], s.x1[1], s.x2[1], s.x3[1]) }
        if n > 2 { y[cell(2)] = SIMD4(s.x0[2], s.x1[2], s.x2[2], s.x3[2]) }
        if n > 3 { y[cell(3)] = SIMD4(s.x0[3], s.x1[3], s.x2[3], s.x3[3]) }
    }
}

/// Cells first..<first+n.
struct CellRun: LaneCells {
    let first: Int
    let n: Int

    @inline(__always)
    func cell(_ k: Int) -> Int { first + k }

    @inline(__always)
    func load(_ p: UnsafeMutablePointer<Double>) -> Lane {
        if n == laneWidth { return UnsafeRawPointer(p + first).loadUnaligned(as: Lane.self) }
        var x = Lane(repeating: p[first])
        for k in 1..<n { x[k] = p[first + k] }
        return x
    }

    @inline(__always)
    func store(_ x: Lane, _ p: UnsafeMutablePointer<Double>) {
        if n == laneWidth {
            UnsafeMutableRawPointer(p + first).storeBytes(of: x, as: Lane.self)
        } else {
            for k in 0..<n { p[first + k] = x[k] }
        }
    }
}

/// Up to four cells anywhere: the first n of `cells`.
struct CellList: LaneCells {
    let cells: SIMD4<Int>
    let n: Int

    /// Cells list[from..<from+n], n at most the lane width.
    @inline(__always)
    init(_ list: UnsafeMutablePointer<Int32>, from: Int, count: Int) {
        n = min(laneWidth, count)
        var c = SIMD4<Int>(repeating: Int(list[from]))
        for k in 1..<n { c[k] = Int(list[from + k]) }
        cells = c
    }

    @inline(__always)
    func cell(_ k: Int) -> Int { cells[k] }

    @inline(__always)
    func load(_ p: UnsafeMutablePointer<Double>) -> Lane {
        Lane(p[cells[0]], p[cells[1]], p[cells[2]], p[cells[3]])
    }

    @inline(__always)
    func store(_ x: Lane, _ p: UnsafeMutablePointer<Double>) {
        for k in 0..<n { p[cells[k]] = x[k] }
    }
}
