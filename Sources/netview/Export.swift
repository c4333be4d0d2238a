import ArgumentParser
import Foundation
import Interop
import ModelFiles

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a model file as a standalone simulator script (PyNEST 3 or PyNN 0.13).",
        discussion: """
        The script builds exactly the file's network (node ids, parameters, every connection rule; \
        pairwise_bernoulli with max_indegree as explicit lists drawn with numpy from the network seed), \
        simulates the file's simulate (or its own --time) and writes its recorders and summary.json in netview's \
        format to its --out folder (default out/<model name>). It runs unchanged under mpirun with an MPI \
        build of NEST (per-rank R.rank-K.csv files); check it with `netview compare`. \
        --to pynn writes the same for PyNN 0.13 (--sim nest or neuron) with PyNN's standard cell types and \
        units (nF, nA, uS); a construct PyNN lacks is one line naming it, and nothing is written.
        """)

    enum Target: String, ExpressibleByArgument, CaseIterable { case pynest, pynn }

    @Argument(help: "Model file (.json, .yaml).") var file: String
    @Option(help: "Target: pynest or pynn.") var to: Target
    @Option(help: "PyNN's backend for --to pynn: nest or neuron.") var sim: PyNNExport.Backend = .nest
    @Option(name: .shortAndLong, help: "Output script (default: standard output).") var output: String?
    @Option(help: "Master seed (explicit seeds in the file still win).") var seed: UInt64?
    @Option(name: .customLong("param"), help: "Override a parameter: NAME=VALUE (repeatable).") var params: [String] = []

    func run() throws {
        let m = try loadModel(file, params: params, seed: seed)
        let text: String
        do {
            switch to {
            case .pynest: text = try PyNESTExport(model: m, sourcePath: file).script()
            case .pynn: text = try PyNNExport(model: m, sourcePath: file, backend: sim).script()
            }
        } catch let e as InteropError {
            throw fail(e.message)
        }
        guard let output else { print(text, terminator: ""); return }
        if SafeFile.sameFile(file, output) { throw fail("-o \(output) is the model file itself: choose another name for the script") }
        do { try SafeFile.checkReplaceable(output) } catch let e as SafeFile.Failure { throw fail("-o \(e.description)") }
        do { try writeAtomically(text, to: output) } catch let e as ModelFileError { throw fail(e.description, code: 1) }
        FileHandle.standardError.write(Data("netview: wrote \(output)\n".utf8))
    }
}

extension PyNNExport.Backend: ExpressibleByArgument {}
