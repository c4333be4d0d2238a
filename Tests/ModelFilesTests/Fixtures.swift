import Foundation

/// Paths of the repository's test fixtures and assets, found from this source file.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let tests = root.appendingPathComponent("Tests/Fixtures")
    static let nest = tests.appendingPathComponent("nest")
    static let assets = root.appendingPathComponent("assets")

    /// The stress protocols: sensitive regimes of the conductance models (`regenerate.py` there).
    static let nestStress = tests.appendingPathComponent("nest-stress")

    static var protocols: [String] { protocols(in: nest) }

    /// The protocol names (model files with NEST's output beside them) in a fixture folder.
    static func protocols(in folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Rows of a CSV file with a header, as dictionaries of doubles.
    static func csv(_ path: String) throws -> (header: [String], rows: [[Double]]) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        return (header, lines.map { $0.split(separator: ",").map { Double($0)! } })
    }

    static func temporaryFolder() -> String {
        let dir = NSTemporaryDirectory() + "netview-test-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
