import Foundation
import ModelFiles
import NetCore

/// The model file's `parameters` as Python variables at the top of an exported script, and every
/// value the file derives from them written as the same expression in Python, so that changing
/// `g` in the script changes the network as `--param g=...` would.
///
/// A parameter keeps its name when it is a plain ASCII identifier that does not start with `__`
/// and is not a Python keyword or builtin or a name the script itself uses
/// (`PythonParameters.reserved`); any other is
/// written `p_NAME` (characters outside `[A-Za-z0-9_]` become `_`, and `_2`, `_3`... follow
/// when that still clashes).
struct PythonParameters {
    let model: ModelFile
    /// Model parameter name -> Python identifier.
    let names: [String: String]

    static let reserved: Set<String> = [
        // Python keywords and the builtins and modules the scripts use
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
        "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
        "pass", "raise", "return", "try", "while", "with", "yield", "round", "abs", "min", "max", "int", "float", "len", "sum",
        "print", "range", "set", "sorted", "zip", "list", "dict", "open", "isinstance", "bool", "str", "math", "nest", "np",
        "json", "os", "sys", "time", "argparse", "resource", "platform", "sim", "pyNN", "MPI",
        // the scripts' own names
        "MODEL", "OUT_NAME", "RNG_SEED", "NETWORK_SEED", "FACTS", "SEEDS", "RANK", "SIZE", "RES", "args", "parser", "nodes", "pops",
        "rng", "ids", "whole", "capped_bernoulli", "normal_redraw", "clear_earlier_files", "write_events", "synapses", "before",
        "pre", "post", "by_source", "drawn_weight", "drawn_delay", "counter", "senders", "populations",
        "summary", "per_rank_summary", "peak_mb", "comm", "t_start", "t_built", "t_done", "suffix", "left_out", "found", "rows",
        "recorded_ids", "poisson", "id_runs",
        // the PyNN scripts' own names
        "SIZES", "FIRST", "MIN_DELAY", "draws", "positions", "made", "part", "connections_list", "src", "tgt", "at", "data",
        "on_grid", "write_rows", "spikes", "samples", "LAST_SAMPLE", "TICS_PER_STEP", "NumpyRNG", "RandomDistribution", "got",
    ]

    init(_ model: ModelFile) {
        self.model = model
        var used = PythonParameters.reserved, out: [String: String] = [:]
        for p in model.parameters {
            let plain = p.name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") }
                && !(p.name.first?.isNumber ?? true) && !p.name.hasPrefix("__")
            var id = plain && !used.contains(p.name) ? p.name
                : "p_" + String(p.name.unicodeScalars.map { $0.isASCII && CharacterSet.alphanumerics.contains($0) ? Character($0) : "_" })
            if used.contains(id) {
                var k = 2
                while used.contains("\(id)_\(k)") { k += 1 }
                id = "\(id)_\(k)"
            }
            used.insert(id)
            out[p.name] = id
        }
        names = out
    }

    /// The block of assignments, in file order (each may use those before it).
    var block: String {
        guard !model.parameters.isEmpty else { return "" }
        var s = "# --- parameters (model file: parameters): change them here; the values below are derived from them\n"
        for p in model.parameters {
            let id = names[p.name]!
            let comment = id == p.name ? "" : "  # \(Py.comment(p.name))"
            if model.overrides[p.name] != nil {
                s += "\(id) = \(Py.number(p.value))  # --param \(Py.comment(p.name))=\(Py.comment(formatNumber(p.value)))\n"
            } else if let e = source(["parameters", p.name]).flatMap(translate) {
                s += "\(id) = \(e)\(comment)\n"
            } else {
                s += "\(id) = \(Py.number(p.value))\(comment)\n"
            }
        }
        return s + "\n"
    }

    /// The file's text at `path` (object keys and array indices) as a Python expression, when it
    /// is an expression over parameters; nil for a plain number.
    func expression(_ path: [Any]) -> String? {
        guard let raw = source(path).flatMap(translate) else { return nil }
        let simple = raw.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
        return simple ? raw : "(" + raw + ")"
    }

    /// The text of an expression at `path` in the file (nil: not an expression).
    func source(_ path: [Any]) -> String? {
        var node: Node? = model.document
        for step in path {
            guard let cur = node else { return nil }
            if let key = step as? String { node = cur[key] } else if let i = step as? Int, case let .array(items) = cur.value, i < items.count {
                node = items[i]
            } else { return nil }
        }
        guard case let .string(text)? = node?.value else { return nil }
        let t = text.trimmingCharacters(in: .whitespaces)
        if ["inf", "+inf", "-inf", "Infinity", "-Infinity"].contains(t) { return nil }
        return t
    }

    /// An expression value, or the number when the file gives a number.
    func value(_ path: [Any], _ x: Double) -> String { expression(path) ?? Py.number(x) }

    /// An integer the file may give as an expression: `whole(expr)` snaps it as netview does.
    func integer(_ path: [Any], _ x: Int, what: String) -> String {
        expression(path).map { "whole(\($0), \(Py.string(what)))" } ?? String(x)
    }

    static let functions = ["round": "round", "floor": "math.floor", "ceil": "math.ceil", "abs": "abs", "exp": "math.exp",
                            "log": "math.log", "sqrt": "math.sqrt", "min": "min", "max": "max"]

    /// Token by token: names become their Python identifiers, functions Python's, the rest as written
    /// (the operators and their precedence are Python's already). Only parameter names, the listed
    /// functions, numbers, `+ - * / ( ) ,` and spaces pass; anything else (an attribute, a call of
    /// something else, a string) gives nil and the resolved number is written instead.
    func translate(_ text: String) -> String? {
        let chars = Array(text)
        var out = "", i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isLetter || c == "_" {
                let j = ExpressionTokens.nameEnd(chars, from: i)
                let word = String(chars[i..<j])
                var k = j
                while k < chars.count && chars[k] == " " { k += 1 }
                if k < chars.count && chars[k] == "(" {
                    guard let f = PythonParameters.functions[word] else { return nil }
                    out += f
                } else {
                    guard let id = names[word] else { return nil }
                    out += id
                }
                i = j
            } else if c.isNumber || c == "." {
                let j = ExpressionTokens.numberEnd(chars, from: i)
                out += String(chars[i..<j])
                i = j
            } else if "+-*/(), ".contains(c) {
                out.append(c)
                i += 1
            } else {
                return nil
            }
        }
        return out
    }
}
