import Foundation

/// The built `netview` executable next to the test bundle, and helpers to run it.
enum Binary {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static var path: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("netview").path
    }

    @discardableResult
    static func run(_ args: [String], cwd: String = root) -> (code: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        let o = Pipe(), e = Pipe()
        p.standardOutput = o
        p.standardError = e
        p.standardInput = FileHandle.nullDevice
        try! p.run()
        let out = o.fileHandleForReading.readDataToEndOfFile(), err = e.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// Runs a shell command with no pipes to us (a tmux server it starts would keep them open).
    static func detached(_ command: String) {
        _ = shell(command + " </dev/null >/dev/null 2>&1")
    }

    /// Runs a shell command and returns its standard output (popen: no run loop involved).
    static func shell(_ command: String) -> String {
        guard let f = popen(command, "r") else { return "" }
        var data = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            data.append(contentsOf: buf[0..<n])
        }
        pclose(f)
        return String(decoding: data, as: UTF8.self)
    }
}
