import Foundation
import Interop
import ModelFiles
import XCTest

/// Model names and file names chosen to break out of the exported scripts: every string reaches
/// the script as a literal Python reads back unchanged, and the script's code is the same as for
/// a harmless name.
final class HostileExportTests: XCTestCase {
    /// Names that would close a docstring or literal, end a comment line, or not compile.
    static let names = [
        #"x"""; open("PWNED", "w").write("1"); """"#,
        #"x'''; open("PWNED", "w").write("1"); '''"#,
        #"back\slash\x41\u0041\N{BULLET}\"#,
        "new\nline\r\ncarriage\rtab\tform\u{0C}feed",
        "nul\u{0}byte and bell\u{07} and esc\u{1B}[31m",
        "# -*- coding: latin-1 -*-",
        "caf\u{E9} \u{65E5}\u{672C} \u{1F9E0} sep\u{2028}para\u{2029}bom\u{FEFF}del\u{7F}c1\u{85}",
        "\"", "\\", "", "..", "../../victim",
    ]

    /// A name as a file name: the same characters, but for NUL and '/', which no file name holds.
    static func fileName(_ name: String) -> String {
        let s = name.replacingOccurrences(of: "\u{0}", with: "0").replacingOccurrences(of: "/", with: "%")
        return (s.isEmpty || s == "." || s == ".." ? "m" + s : s) + ".json"
    }

    func model(named name: String) throws -> ModelFile {
        var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Support.protocolFile))) as! [String: Any]
        doc["name"] = name
        doc["description"] = name + " \"\"\" " + name
        doc["simulate"] = 20.0
        var nodes = doc["nodes"] as! [[String: Any]]
        for i in nodes.indices where nodes[i]["model"] as? String == "multimeter" { nodes[i]["params"] = ["record_from": ["V_m"], "interval": 0.1] }
        doc["nodes"] = nodes
        let text = String(decoding: try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys]), as: UTF8.self)
        return try ModelFile.parse(text: text)
    }

    func scripts(for name: String, file: String) throws -> [(String, String)] {
        let m = try model(named: name)
        return [("pynest", try PyNESTExport(model: m, sourcePath: "/some/folder/" + file).script()),
                ("pynn-nest", try PyNNExport(model: m, sourcePath: file, backend: .nest).script()),
                ("pynn-neuron", try PyNNExport(model: m, sourcePath: file, backend: .neuron).script())]
    }

    func testHostileNamesStayLiteralsAndAddNoCode() throws {
        guard let python = Support.python else { throw XCTSkip("no python3 to parse the scripts with") }
        let dir = Support.temporaryFolder()
        let benign = try scripts(for: "plain", file: "plain.json")
        for (k, (kind, text)) in benign.enumerated() { Support.write(text, "\(dir)/benign-\(k).py"); _ = kind }
        var checked = 0
        for (i, name) in Self.names.enumerated() {
            let file = Self.fileName(name)
            for (k, (kind, text)) in try scripts(for: name, file: file).enumerated() {
                let path = "\(dir)/hostile-\(i)-\(k).py"
                Support.write(text, path)
                let facts = try JSONSerialization.data(withJSONObject: ["name": name, "file": file, "slug": PathSlug.make(name)])
                try facts.write(to: URL(fileURLWithPath: path + ".facts.json"))
                let r = Support.process(python, ["-c", Self.checker, path, "\(dir)/benign-\(k).py", path + ".facts.json"])
                XCTAssertEqual(r.code, 0, "\(kind) script for name \(name.debugDescription): \(r.out) \(r.err)")
                checked += 1
            }
        }
        print("hostile export: \(checked) scripts parsed and compared")
    }

    /// Runs the scripts up to their first third-party import (stand-ins for numpy, nest and pyNN exit there):
    /// whatever ran before it would have left a file in the empty working folder.
    func testHostileScriptsRunNothingBeforeTheirImports() throws {
        guard let python = Support.python else { throw XCTSkip("no python3 to run the scripts with") }
        let stubs = Support.temporaryFolder()
        try FileManager.default.createDirectory(atPath: stubs + "/pyNN", withIntermediateDirectories: true)
        Support.write("raise SystemExit(0)\n", stubs + "/numpy.py")
        Support.write("raise SystemExit(0)\n", stubs + "/nest.py")
        Support.write("", stubs + "/pyNN/__init__.py")
        Support.write("raise SystemExit(0)\n", stubs + "/pyNN/nest.py")
        Support.write("raise SystemExit(0)\n", stubs + "/pyNN/neuron.py")
        for name in Self.names {
            for (kind, text) in try scripts(for: name, file: Self.fileName(name)) {
                let work = Support.temporaryFolder()
                let path = Support.temporaryFolder() + "/script.py"
                Support.write(text, path)
                let r = Support.process(python, [path], env: ["PYTHONPATH": stubs, "PATH": "/usr/bin:/bin"], cwd: work)
                XCTAssertEqual(r.code, 0, "\(kind), \(name.debugDescription): \(r.err)")
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work), [], "\(kind), \(name.debugDescription)")
            }
        }
    }

    func testHostileNameRunsWithNESTIntoItsSlugFolder() throws {
        guard let python = ProcessInfo.processInfo.environment["NETVIEW_NEST_PYTHON"], !python.isEmpty,
              Support.process(python, ["-c", "import nest"]).code == 0 else {
            throw XCTSkip("NEST-backed test skipped: set NETVIEW_NEST_PYTHON to a python with NEST 3.10")
        }
        let name = Self.names[0] + "/../../victim"
        let work = Support.temporaryFolder()
        let path = Support.temporaryFolder() + "/script.py"
        Support.write(try PyNESTExport(model: try model(named: name), sourcePath: Self.fileName(name)).script(), path)
        let r = Support.process(python, [path], cwd: work)
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work), ["out"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work + "/out"), [PathSlug.make(name)])
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(work)/out/\(PathSlug.make(name))/summary.json"))
    }

    func testSlugRule() {
        XCTAssertEqual(PathSlug.make("../../victim"), ".._.._victim")
        XCTAssertEqual(PathSlug.make(".."), "model")
        XCTAssertEqual(PathSlug.make("."), "model")
        XCTAssertEqual(PathSlug.make(""), "model")
        XCTAssertEqual(PathSlug.make("a/b"), "a_b")
        XCTAssertEqual(PathSlug.make("brunel-2000_v1.2"), "brunel-2000_v1.2")
        XCTAssertEqual(PathSlug.make("caf\u{E9}\r\n"), "caf__")
        XCTAssertEqual(PathSlug.make(String(repeating: "x", count: 500)).count, 64)
        for name in Self.names {
            let s = PathSlug.make(name)
            XCTAssertTrue(!s.isEmpty && s.count <= 64 && s != "." && s != "..", name.debugDescription)
            XCTAssertTrue(s.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }, s)
        }
    }

    /// Checks a hostile script against the benign one: same code (every string constant blanked),
    /// the docstring and MODEL read back as the name, OUT_NAME as its slug, nothing before the imports.
    static let checker = #"""
    import ast, json, sys
    hostile, benign, facts = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3], encoding="utf-8"))
    def tree(p):
        src = open(p, "rb").read()
        compile(src, p, "exec")
        return ast.parse(src)
    def blank(t):
        for n in ast.walk(t):
            if isinstance(n, ast.Constant) and isinstance(n.value, str):
                n.value = ""
        return ast.dump(t)
    h, b = tree(hostile), tree(benign)
    doc = ast.get_docstring(h, clean=False)
    assert doc.startswith(facts["name"] + ": "), "docstring: %r" % doc[:200]
    assert facts["file"] in doc, "file name not in the docstring"
    assert isinstance(h.body[1], (ast.Import, ast.ImportFrom)), "statement before the imports: %s" % ast.dump(h.body[1])[:200]
    consts = {n.targets[0].id: n.value.value for n in h.body if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
              and isinstance(n.value, ast.Constant)}
    assert consts["MODEL"] == facts["name"], "MODEL %r" % consts["MODEL"]
    assert consts["OUT_NAME"] == facts["slug"], "OUT_NAME %r" % consts["OUT_NAME"]
    assert blank(h) == blank(b), "the code differs from the benign script's"
    """#
}
