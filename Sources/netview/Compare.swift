import ArgumentParser
import Foundation
import Interop
import ModelFiles

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two output folders (netview's, NEST's from an exported script, or any in the same format).",
        discussion: """
        Reads R.csv per recorder (or R.rank-K.csv per MPI rank, merged) and summary.json (or summary.rank-K.json). \
        Spike recorders: equal spike times when the inputs are deterministic (both summaries say \
        "deterministic": true, or --exact), and always per population the mean rate, the mean CV of ISI and a \
        Kolmogorov-Smirnov test on per-cell rates. Meters: max abs difference per column on common \
        (sender, time) rows, judged for deterministic inputs or equal spikes. \
        A folder of runs (subfolders that are output folders, e.g. one per seed) is compared as a set: per \
        population the mean over runs of the rate and of the CV of ISI, each with Welch's t-test, and a \
        Kolmogorov-Smirnov test on the runs' rates (each fails when p < --alpha); this is how chaotic networks \
        such as Destexhe 2009 are compared. With --from/--to, spike statistics cover that window of model time \
        (rates over its length) and whole-run summary rates are not compared. \
        Exit 0 when every statistic agrees, 3 when one differs, 2 on bad input.
        """)

    @Argument(help: "First output folder.") var dirA: String
    @Argument(help: "Second output folder.") var dirB: String
    @Flag(help: "Print the verdicts as JSON.") var json = false
    @Option(name: .customLong("trace-tol"), help: "Largest abs difference of a trace value (mV, nS, pA).") var traceTol = 1e-3
    @Option(name: .customLong("rate-tol"), help: "Largest relative difference of a population rate.") var rateTol = 0.1
    @Option(name: .customLong("cv-tol"), help: "Largest abs difference of the mean CV of ISI.") var cvTol = 0.05
    @Option(help: "Significance level of the Kolmogorov-Smirnov and t-tests.") var alpha = 0.01
    @Flag(help: "Require equal spike times whatever the summaries say.") var exact = false
    @Option(help: "Spike statistics from this model time on (ms), e.g. to leave out an initial transient.") var from: Double?
    @Option(help: "Spike statistics up to this model time (ms, excluded; default: the end of each run).") var to: Double?

    func run() throws {
        for (name, v) in [("--trace-tol", traceTol), ("--rate-tol", rateTol), ("--cv-tol", cvTol), ("--alpha", alpha)] where !(v.isFinite && v >= 0) {
            throw fail("\(name) must be a number >= 0, got \(v)")
        }
        if let f = from, !(f.isFinite && f >= 0) { throw fail("--from must be a time >= 0 ms, got \(f)") }
        if let t = to, !(t.isFinite && t > (from ?? 0)) { throw fail("--to must be a time after --from, got \(t)") }
        var o = CompareOptions()
        o.from = from ?? 0; o.to = to
        o.traceTolerance = traceTol; o.rateTolerance = rateTol; o.cvTolerance = cvTol; o.alpha = alpha; o.exact = exact
        let report: ComparisonReport
        do {
            report = try compare(runs: try OutputFolder.readRuns(dirA), try OutputFolder.readRuns(dirB), options: o,
                                 names: (dirA, dirB))
        } catch let e as InteropError {
            throw fail(e.message)
        }
        print(json ? report.json.render() : report.text, terminator: json ? "\n" : "")
        if !report.agree { throw ExitCode(3) }
    }
}
