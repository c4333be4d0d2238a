import ArgumentParser
import Foundation
import ModelFiles
import NetCore

struct Bisect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model file's bisection search headless and print its transcript.",
        discussion: "Prints one line per evaluation, as the PyNEST paper shows it, then the result.")

    @Argument(help: "Model file with a 'bisection' block.") var file: String
    @Option(help: "Master seed.") var seed: UInt64?
    @Option(name: .customLong("param"), help: "Override a parameter: NAME=VALUE (repeatable).") var params: [String] = []
    @Flag(help: "Print {\"result\", \"evaluations\", \"seeds\"} as JSON.") var json = false

    func run() throws {
        let m = try loadModel(file, params: params, seed: seed)
        guard let spec = m.bisection else { throw fail("\(file): the model has no 'bisection' block") }
        let built: BuiltModel
        do { built = try m.build() } catch let e as ModelFileError { throw fail(e.description) }
        let search = Bisection(built: built, spec: spec)
        let start = Date()
        let outcome: Bisection.Outcome, evals: [Bisection.Evaluation]
        do {
            (outcome, evals) = try search.run(report: { e in
                if !json { print(search.line(e)) }
            })
        } catch let e as NetError { throw fail(e.description, code: 1) }
        guard case let .found(x) = outcome else { throw fail("cancelled", code: 1) }
        let seeds = built.kernel.seeds
        if json {
            let out = JSONOut.obj([
                ("result", .num(x)),
                ("evaluations", .arr(evals.map { .arr([.num($0.guess), .num($0.rate)]) })),
                ("seeds", .obj([("network", .int(Int(seeds.network))), ("stimulus", .int(Int(seeds.stimulus))), ("state", .int(Int(seeds.state)))])),
                ("seconds", .num(Date().timeIntervalSince(start))),
            ])
            print(out.render(pretty: false))
        } else {
            print(search.resultLine(x, evaluations: evals.count, seconds: Date().timeIntervalSince(start)))
        }
    }
}
