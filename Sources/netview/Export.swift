import ArgumentParser
import Foundation
import Interop
import ModelFiles
import NetCore
import Session

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
        units (nF, nA, uS); a construct PyNN lacks is one line naming it, and nothing is written. \
        --to model writes the model file back with --param values and --seed in it. Given a session file, each \
        target takes the session's model as edited (parameters, node edits, slices, weights) and its seeds; the \
        script starts at t = 0 (the saved state is not carried: notes on stderr say so).
        """)

    enum Target: String, ExpressibleByArgument, CaseIterable { case pynest, pynn, model }

    @Argument(help: "Model file (.json, .yaml) or session file (.netview.json).") var file: String
    @Option(help: "Target: pynest, pynn or model.") var to: Target
    @Option(help: "PyNN's backend for --to pynn: nest or neuron.") var sim: PyNNExport.Backend = .nest
    @Option(name: .shortAndLong, help: "Output script (default: standard output).") var output: String?
    @Option(help: "Master seed (explicit seeds in the file still win).") var seed: UInt64?
    @Option(name: .customLong("param"), help: "Override a parameter: NAME=VALUE (repeatable).") var params: [String] = []

    func run() throws {
        var m: ModelFile
        var notes: [String] = []
        var edited: ModelExport.Result?
        if isSessionFile(file) {
            guard params.isEmpty, seed == nil else {
                throw fail("--param and --seed do not apply to a session file (its model and seeds are saved in it)")
            }
            let session: LoadedSession
            do { session = try Snapshot.load(path: file, threads: 1) } catch let e as SnapshotError { throw fail(e.description) }
            do {
                edited = try ModelExport.edited(session.built.model, edits: session.edits, log: session.log, seeds: session.seeds)
            } catch { throw fail("\(file): \(error)") }
            notes = edited!.notes
            if to != .model {
                notes.append("the script starts at t = 0 with the session's model and seeds; its state at t = \(formatNumber(session.savedTime)) ms (V_m, synaptic currents, spikes in flight) is not carried: NEST cannot set spikes in flight")
            }
            do {
                m = try ModelFile.parse(text: edited!.text, file: session.built.model.path)
            } catch let e as ModelFileError { throw fail("the session's model as edited does not read back: \(e.description)", code: 1) }
        } else {
            m = try loadModel(file, params: params, seed: seed)
            if to == .model {
                do { edited = try ModelExport.edited(m) } catch { throw fail("\(error)") }
            }
        }
        let text: String
        do {
            switch to {
            case .pynest: text = try PyNESTExport(model: m, sourcePath: file).script()
            case .pynn: text = try PyNNExport(model: m, sourcePath: file, backend: sim).script()
            case .model: text = edited!.text
            }
        } catch let e as InteropError {
            throw fail(e.message)
        }
        for n in notes { FileHandle.standardError.write(Data("netview: note: \(oneLine(n))\n".utf8)) }
        guard let output else { print(text, terminator: ""); return }
        if SafeFile.sameFile(file, output) { throw fail("-o \(output) is the model file itself: choose another name for the script") }
        do { try SafeFile.checkReplaceable(output) } catch let e as SafeFile.Failure { throw fail("-o \(e.description)") }
        do { try writeAtomically(text, to: output) } catch let e as ModelFileError { throw fail(e.description, code: 1) }
        FileHandle.standardError.write(Data("netview: wrote \(output)\n".utf8))
    }
}

extension PyNNExport.Backend: ExpressibleByArgument {}
