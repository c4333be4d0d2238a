import Foundation
import NetCore

/// A mistake in a model file: which file, where in it, what is wrong and what would be right.
public struct ModelFileError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var path: String
    public var line: Int
    public var message: String

    public init(file: String, path: String, line: Int, message: String) {
        self.file = file
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        var loc = file
        if line > 0 { loc += ":\(line)" }
        return path.isEmpty ? "\(loc): \(message)" : "\(loc): \(message) (at \(path))"
    }
}

/// Which neurons of a node: all, a slice or one element.
public struct Selection: Equatable, Sendable {
    public var node: String
    public var range: Range<Int>?
    public var text: String
}

public struct NodeSpec: Sendable {
    public var name: String
    public var model: String
    public var n: Int
    public var params: [(key: String, value: ParamValue)]
    /// Values set on parts of the node after it is created, in order (`slices`: a slice edited
    /// in the workbench, written back by `netview export --to model`).
    public var slices: [(range: Range<Int>, params: [(key: String, value: ParamValue)])] = []
}

public struct ConnectionSpec: Sendable {
    public var source: [Selection]
    public var target: [Selection]
    /// The source and target as written, for summary.json.
    public var sourceText: Value
    public var targetText: Value
    public var conn: ConnSpec
    public var syn: SynSpec
}

public struct BisectionSpec: Sendable {
    public var node: String
    public var param: String
    public var scale: Double
    public var recorder: String
    public var target: Double
    public var lower: Double
    public var upper: Double
    public var xtol: Double
    public var tEval: Double
    public var resetBetween: Bool
    /// How transcripts name the varied quantity ("Inhibitory rate").
    public var label: String?
}

/// A model file as the spec defines it, read and checked.
public struct ModelFile: Sendable {
    public var path: String
    public var name: String
    public var description: String
    public var resolution: Double
    public var seed: UInt64
    public var explicitSeeds: (network: UInt64?, stimulus: UInt64?, state: UInt64?)
    /// How normal values are drawn (`kernel.normal_draws`).
    public var normals: NormalDraws = .ziggurat
    public var threads: Int
    public var parameters: [(name: String, value: Double)]
    public var nodes: [NodeSpec]
    public var connections: [ConnectionSpec]
    public var simulate: Double
    public var bisection: BisectionSpec?
    /// The document as read, for saving with sessions.
    public var document: Node
    /// The `--param` values and the `--seed` it was read with, so a session rebuilds it exactly.
    public var overrides: [String: Double] = [:]
    public var seedOverride: UInt64?
    /// SHA-256 of the file's bytes as read (nil for a model parsed from text).
    public var sourceSHA256: String?

    public var seeds: Seeds {
        let derived = Seeds(master: seed)
        return Seeds(network: explicitSeeds.network ?? derived.network,
                     stimulus: explicitSeeds.stimulus ?? derived.stimulus,
                     state: explicitSeeds.state ?? derived.state, normals: normals)
    }

    public func node(named name: String) -> NodeSpec? { nodes.first { $0.name == name } }
}

extension ModelFile {
    /// The largest model file read (256 MiB).
    public static let maxBytes = 256 << 20

    /// Reads and checks a model file. `overrides` replace entries of `parameters` (`--param`),
    /// `seed` replaces the master seed (`--seed`).
    public static func load(path: String, overrides: [String: Double] = [:], seed: UInt64? = nil) throws -> ModelFile {
        let display = path
        let data: Data
        do { data = try SafeFile.read(path, maxBytes: maxBytes) } catch let e as SafeFile.Failure {
            throw ModelFileError(file: display, path: "", line: 0, message: "the file \(e.reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ModelFileError(file: display, path: "", line: 0, message: "the file is not UTF-8 text")
        }
        let yaml = path.hasSuffix(".yaml") || path.hasSuffix(".yml")
        var m = try parse(text: text, file: display, yaml: yaml, overrides: overrides, seed: seed)
        m.sourceSHA256 = SHA256.hex([UInt8](data))
        return m
    }

    public static func parse(text: String, file: String = "<model>", yaml: Bool = false,
                             overrides: [String: Double] = [:], seed: UInt64? = nil) throws -> ModelFile {
        let root: Node
        do {
            if yaml {
                root = try YAMLReader.parse(text)
            } else {
                var r = JSONReader(text)
                root = try r.parseDocument()
            }
        } catch let f as JSONReader.Failure {
            throw ModelFileError(file: file, path: "", line: f.line, message: "malformed JSON at line \(f.line), column \(f.column): \(f.message)")
        } catch let f as YAMLReader.Failure {
            throw ModelFileError(file: file, path: "", line: f.line, message: "malformed YAML at line \(f.line), column \(f.column): \(f.message)")
        }
        var reader = ModelFileReader(file: file, overrides: overrides)
        var m = try reader.read(root, seedOverride: seed)
        m.overrides = overrides
        m.seedOverride = seed
        return m
    }
}
