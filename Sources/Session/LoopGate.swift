import Foundation

/// Lets other threads hold a background loop still between two of its passes, so they can read
/// or save what it owns while it is running. Its lock is the owner's too, so that "nothing else
/// is pending" and "serve the waiting threads" are decided together.
final class LoopGate: @unchecked Sendable {
    let lock = NSLock()
    private var looping = false
    private var waiting: [(parked: DispatchSemaphore, done: DispatchSemaphore)] = []

    /// Call under the lock, before the loop is dispatched.
    func loopStarting() { looping = true }

    /// Waits until the loop is parked and returns the semaphore that lets it go on; nil when no
    /// loop runs (the caller then uses the queue directly).
    func park() -> DispatchSemaphore? {
        lock.lock()
        guard looping else {
            lock.unlock()
            return nil
        }
        let request = (parked: DispatchSemaphore(value: 0), done: DispatchSemaphore(value: 0))
        waiting.append(request)
        lock.unlock()
        request.parked.wait()
        return request.done
    }

    /// Called by the loop between passes: holds still for each waiting thread in turn, unless
    /// `busy` (checked under the lock) says work sent before them is still pending. `last` when
    /// the loop ends.
    func serve(last: Bool, busy: () -> Bool) {
        lock.lock()
        if !last && busy() {
            lock.unlock()
            return
        }
        let requests = waiting
        waiting.removeAll()
        if last { looping = false }
        lock.unlock()
        for r in requests {
            r.parked.signal()
            r.done.wait()
        }
    }
}
