import Foundation
import Synchronization

/// Worker threads that stay for the kernel's lifetime and run one job per call on every worker,
/// the caller's thread as worker 0. A slice of a network with short delays lasts tens of
/// microseconds, so idle workers first spin on the job counter for a few microseconds before they
/// sleep on a semaphore: waking a sleeping thread costs about as much as the slice.
final class WorkerPool: @unchecked Sendable {
    let count: Int
    private let generation = Atomic<Int>(0)
    private let remaining = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    /// One flag per worker: it sleeps and wants a signal.
    private final class Flag: Sendable { let value = Atomic<Bool>(false) }
    private let asleep: [Flag]
    private let bells: [DispatchSemaphore]
    private var job: (Int) -> Void = { _ in }
    /// How often an idle worker looks for a new job before it sleeps.
    static let spins = 20_000

    init(count: Int) {
        self.count = count
        asleep = (0..<count).map { _ in Flag() }
        bells = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        for w in 1..<max(count, 1) {
            let thread = Thread { [self] in self.work(w) }
            thread.name = "netview-worker-\(w)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Runs `body(t)` for t in 0..<count, t = 0 on this thread; returns when all have finished.
    func run(_ body: (Int) -> Void) {
        // The workers call `job` only between the generation's change and `remaining` reaching
        // 0, and this returns after that: the closure does not outlive the call.
        withoutActuallyEscaping(body) { body in
            job = body
            remaining.store(count - 1, ordering: .relaxed)
            generation.add(1, ordering: .sequentiallyConsistent)
            for w in 1..<count where asleep[w].value.exchange(false, ordering: .sequentiallyConsistent) { bells[w].signal() }
            body(0)
            while remaining.load(ordering: .acquiring) > 0 {}
            job = { _ in }
        }
    }

    /// Stops the workers (they hold the pool until then); the kernel calls it when it goes.
    func shutdown() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        for w in 1..<max(count, 1) where asleep[w].value.exchange(false, ordering: .sequentiallyConsistent) { bells[w].signal() }
    }

    private func work(_ w: Int) {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins < WorkerPool.spins { continue }
                // Store, then load, both sequentially consistent, against the caller's add, then
                // exchange: one of the two sides sees the other.
                asleep[w].value.store(true, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) != seen {
                    // A job came in meanwhile: take back the request to be woken, or, if the
                    // caller already rang, consume its signal.
                    if !asleep[w].value.exchange(false, ordering: .sequentiallyConsistent) { bells[w].wait() }
                    break
                }
                bells[w].wait()
                spins = 0
            }
            seen = generation.load(ordering: .acquiring)
            if stopping.load(ordering: .acquiring) { return }
            job(w)
            remaining.subtract(1, ordering: .releasing)
        }
    }
}
