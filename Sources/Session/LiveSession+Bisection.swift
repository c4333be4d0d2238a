import Foundation
import ModelFiles
import NetCore

extension LiveSession {
    /// Runs the file's search on a copy of the model as edited, rebuilt at t = 0 with the
    /// session's seeds in a kernel of its own (as `netview bisect` does): the live network is
    /// left as it was. The transcript is `netview bisect`'s.
    func bisect(_ spec: BisectionSpec) {
        lock.lock()
        bisectionCancelled = false
        lock.unlock()
        var state = BisectionState()
        state.running = true
        setBisection(state)
        say("bisection: building a copy of the network at t = 0")
        let copy: BuiltModel
        do {
            copy = try model.build(threads: built.kernel.threads, seeds: built.kernel.seeds)
            for e in edits { _ = try copy.apply(try SessionCommand.parse(e)) }
        } catch {
            state.running = false
            state.error = "\(error)"
            setBisection(state)
            say("bisection failed: \(error)")
            return
        }
        let search = Bisection(built: copy, spec: spec)
        state.label = search.label
        state.unit = search.unit
        state.varies = search.varies
        setBisection(state)
        let start = Date()
        do {
            let (outcome, evals) = try search.run(report: { [self] e in
                state.evaluations.append((e.guess, e.rate))
                state.lines.append(search.line(e))
                setBisection(state)
                say(search.line(e))
            }, cancelled: { [self] in
                lock.lock()
                defer { lock.unlock() }
                let pending = actions.contains { if case .cancelBisection = $0 { return true }; return false }
                if pending { actions.removeAll { if case .cancelBisection = $0 { return true }; return false } }
                return bisectionCancelled || pending || !alive
            })
            if case let .found(x) = outcome {
                state.result = x
                state.lines.append(search.resultLine(x, evaluations: evals.count, seconds: Date().timeIntervalSince(start)))
                say(state.lines.last!)
            } else {
                state.cancelled = true
                state.lines.append("Cancelled after \(evals.count) evaluations; the live network is as it was.")
                say("bisection cancelled; the live network is as it was")
            }
        } catch {
            state.error = "\(error)"
            state.lines.append("Failed: \(error)")
            say("bisection failed: \(error)")
        }
        state.running = false
        setBisection(state)
    }

    private func setBisection(_ s: BisectionState) {
        lock.lock()
        current.bisection = s
        lock.unlock()
    }
}
