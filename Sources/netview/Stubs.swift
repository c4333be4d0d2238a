import ArgumentParser

struct WorkbenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "workbench", abstract: "Open the workbench (the default).")
    @Argument(help: "A model file or a saved session.") var file: String?
    func run() throws { throw fail("the workbench is not built yet; use netview run FILE") }
}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmark the shipped scenarios.")
    func run() throws { throw fail("bench is not built yet") }
}
