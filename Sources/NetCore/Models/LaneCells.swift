/// Which cells the lanes of a group hold, and how their columns are read and written: four
/// consecutive cells (plain vector loads) or up to four cells anywhere (gathered lane by lane). Lanes past
/// `n` repeat the first cell so that they compute harmless numbers; they are never written.
protocol LaneCells {
    var n: Int { get }
    /// The cell in lane k.
    func cell(_ k: Int) -> Int
    func load(_ p: UnsafeMutablePointer<Double>) -> Lane
    func store(_ x: Lane, _ p: UnsafeMutablePointer<Double>)
    /// Counters as lanes (0 past n).
    func load(_ c: UnsafeMutablePointer<Int32>) -> LaneInt
    func store(_ x: LaneInt, _ c: UnsafeMutablePointer<Int32>)
    /// Calls `body` with the cells' parameters from a table of groups of four consecutive cells:
    /// the table's entry itself for a run, gathered lane by lane for a list.
    func withParams<P: LaneParams, R>(_ table: UnsafeMutablePointer<P>, _ body: (UnsafePointer<P>) throws -> R) rethrows -> R
}

/// A step's input rows of a conductance model (excitatory, inhibitory, current), found once per
/// step rather than per group of cells.
struct StepInput {
    let ex: UnsafeMutablePointer<Double>, inh: UnsafeMutablePointer<Double>, cur: UnsafeMutablePointer<Double>

    init(_ input: InputBuffer, slot: Int) {
        ex = input.row(0, slot)
        inh = input.row(1, slot)
        cur = input.row(2, slot)
    }
}

/// Parameters of a group of four consecutive cells: a struct made of `Lane` fields only.
protocol LaneParams {}

/// The columns of a model's state variables, one column per variable: three (`LaneState3`) or
/// four (`LaneState`).
struct StateColumns {
    let x0: UnsafeMutablePointer<Double>, x1: UnsafeMutablePointer<Double>
    let x2: UnsafeMutablePointer<Double>, x3: UnsafeMutablePointer<Double>?

    init(_ columns: [Column<Double>]) {
        precondition(columns.count == 3 || columns.count == 4, "three or four state variables")
        x0 = columns[0].ptr
        x1 = columns[1].ptr
        x2 = columns[2].ptr
        x3 = columns.count == 4 ? columns[3].ptr : nil
    }
}

extension LaneCells {
    /// The lanes that hold cells.
    @inline(__always)
    var valid: LaneMask { LaneInt(0, 1, 2, 3) .< LaneInt(repeating: Int64(n)) }

    /// Writes only the lanes where `m` is set.
    @inline(__always)
    func store(_ x: Lane, _ p: UnsafeMutablePointer<Double>, where m: LaneMask) {
        store(select(m, x, load(p)), p)
    }

    /// Reads the cells' entries of an input row and clears them where `m` is set: a step's
    /// input is taken once.
    @inline(__always)
    func take(_ p: UnsafeMutablePointer<Double>, where m: LaneMask) -> Lane {
        let x = load(p)
        store(select(m, Lane(), x), p)
        return x
    }

    /// Counters one by one (0 past n).
    @inline(__always)
    func loadEach(_ c: UnsafeMutablePointer<Int32>) -> LaneInt {
        var x = LaneInt(repeating: 0)
        for k in 0..<n { x[k] = Int64(c[cell(k)]) }
        return x
    }

    @inline(__always)
    func storeEach(_ x: LaneInt, _ c: UnsafeMutablePointer<Int32>) {
        for k in 0..<n { c[cell(k)] = Int32(truncatingIfNeeded: x[k]) }
    }

    /// The cells' parameters gathered lane by lane into a temporary; lanes past n repeat the first cell.
    @inline(__always)
    func gatherParams<P: LaneParams, R>(_ table: UnsafeMutablePointer<P>, _ body: (UnsafePointer<P>) throws -> R) rethrows -> R {
        let fields = MemoryLayout<P>.size / MemoryLayout<Double>.size / laneWidth
        return try withUnsafeTemporaryAllocation(of: P.self, capacity: 1) { buffer in
            let dst = UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: Double.self)
            let src = UnsafeRawPointer(table).assumingMemoryBound(to: Double.self)
            for k in 0..<laneWidth {
                let c = k < n ? cell(k) : cell(0)
                let from = src + (c / laneWidth) * fields * laneWidth + c % laneWidth
                for f in 0..<fields { dst[f * laneWidth + k] = from[f * laneWidth] }
            }
            return try body(buffer.baseAddress!)
        }
    }

    /// The cells' four state variables as lanes.
    @inline(__always)
    func load(_ y: StateColumns) -> LaneState<Lane> {
        LaneState(load(y.x0), load(y.x1), load(y.x2), load(y.x3!))
    }

    @inline(__always)
    func store(_ s: LaneState<Lane>, _ y: StateColumns) {
        store(s.x0, y.x0)
        store(s.x1, y.x1)
        store(s.x2, y.x2)
        store(s.x3, y.x3!)
    }

    /// The cells' three state variables as lanes.
    @inline(__always)
    func load(_ y: StateColumns) -> LaneState3<Lane> {
        LaneState3(load(y.x0), load(y.x1), load(y.x2))
    }

    @inline(__always)
    func store(_ s: LaneState3<Lane>, _ y: StateColumns) {
        store(s.x0, y.x0)
        store(s.x1, y.x1)
        store(s.x2, y.x2)
    }
}

/// Four consecutive cells first..<first+4, first a multiple of four (workers' shares start on
/// multiples of 8): every column is read and written with plain vector loads and stores, the
/// parameters are the table's entry itself, and nothing depends on how many lanes are used.
struct CellRun: LaneCells {
    let first: Int
    var n: Int { laneWidth }

    @inline(__always)
    func cell(_ k: Int) -> Int { first + k }

    @inline(__always)
    func load(_ p: UnsafeMutablePointer<Double>) -> Lane { UnsafeRawPointer(p + first).loadUnaligned(as: Lane.self) }

    @inline(__always)
    func store(_ x: Lane, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p + first).storeBytes(of: x, as: Lane.self)
    }

    @inline(__always)
    func load(_ c: UnsafeMutablePointer<Int32>) -> LaneInt {
        LaneInt(truncatingIfNeeded: UnsafeRawPointer(c + first).loadUnaligned(as: SIMD4<Int32>.self))
    }

    @inline(__always)
    func store(_ x: LaneInt, _ c: UnsafeMutablePointer<Int32>) {
        UnsafeMutableRawPointer(c + first).storeBytes(of: SIMD4<Int32>(truncatingIfNeeded: x), as: SIMD4<Int32>.self)
    }

    @inline(__always)
    func withParams<P: LaneParams, R>(_ table: UnsafeMutablePointer<P>, _ body: (UnsafePointer<P>) throws -> R) rethrows -> R {
        assert(first % laneWidth == 0, "a run of cells starts on a multiple of the lane width")
        return try body(table + first / laneWidth)
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

    /// Cells first..<first+count, count at most the lane width.
    @inline(__always)
    init(first: Int, count: Int) {
        n = min(laneWidth, count)
        var c = SIMD4<Int>(repeating: first)
        for k in 1..<n { c[k] = first + k }
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

    @inline(__always)
    func load(_ c: UnsafeMutablePointer<Int32>) -> LaneInt { loadEach(c) }

    @inline(__always)
    func store(_ x: LaneInt, _ c: UnsafeMutablePointer<Int32>) { storeEach(x, c) }

    @inline(__always)
    func withParams<P: LaneParams, R>(_ table: UnsafeMutablePointer<P>, _ body: (UnsafePointer<P>) throws -> R) rethrows -> R {
        try gatherParams(table, body)
    }
}
