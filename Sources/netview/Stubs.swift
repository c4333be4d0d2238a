import ArgumentParser

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmark the shipped scenarios.")
    func run() throws { throw fail("bench is not built yet") }
}
