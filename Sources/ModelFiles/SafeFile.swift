import Foundation

/// Opening and replacing files named by a user or by a file's content: a path is checked for what
/// it is before it is read or replaced, so a folder, a FIFO, a device or a socket given as a file
/// is one clear error, never a hang or a trap, and saving never replaces anything but a regular file.
public enum SafeFile {
    /// What a path names, as `lstat` (or `fstat`) sees it.
    public enum Kind: Equatable, Sendable {
        case missing, regular, folder, fifo, device, socket, symlink, other

        init(mode: mode_t) {
            switch mode & S_IFMT {
            case S_IFREG: self = .regular
            case S_IFDIR: self = .folder
            case S_IFIFO: self = .fifo
            case S_IFCHR, S_IFBLK: self = .device
            case S_IFSOCK: self = .socket
            case S_IFLNK: self = .symlink
            default: self = .other
            }
        }

        /// "is a folder", "is a FIFO", ... for a message.
        public var phrase: String {
            switch self {
            case .missing: return "does not exist"
            case .regular: return "is a file, not a folder"
            case .folder: return "is a folder, not a file"
            case .fifo: return "is a FIFO (named pipe), not a regular file"
            case .device: return "is a device, not a regular file"
            case .socket: return "is a socket, not a regular file"
            case .symlink: return "is a symbolic link"
            case .other: return "is not a regular file"
            }
        }
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var path: String
        /// What is wrong, without the path: "is a folder, not a file".
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The kind of `path` itself (a symbolic link is not followed).
    public static func kind(_ path: String) -> Kind {
        var st = stat()
        guard lstat(path, &st) == 0 else { return .missing }
        return Kind(mode: st.st_mode)
    }

    /// The kind of what `path` leads to (symbolic links followed).
    public static func targetKind(_ path: String) -> Kind {
        var st = stat()
        guard stat(path, &st) == 0 else { return .missing }
        return Kind(mode: st.st_mode)
    }

    /// The whole content of a regular file. Opens without blocking (a FIFO is refused, not waited
    /// on) and checks the opened file, so a path swapped after a check is caught too.
    public static func read(_ path: String, maxBytes: Int = Int.max) throws -> Data {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            switch e {
            case ENOENT, ENOTDIR: throw Failure(path: path, reason: "does not exist")
            case EACCES, EPERM: throw Failure(path: path, reason: "cannot be read: permission denied")
            case ENXIO: throw Failure(path: path, reason: Kind.socket.phrase)
            default: throw Failure(path: path, reason: "cannot be read: \(String(cString: strerror(e)))")
            }
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure(path: path, reason: "cannot be read: \(String(cString: strerror(errno)))") }
        let kind = Kind(mode: st.st_mode)
        guard kind == .regular else { throw Failure(path: path, reason: kind.phrase) }
        if Int(st.st_size) > maxBytes {
            throw Failure(path: path, reason: "is \(Int(st.st_size)) bytes, more than the \(maxBytes) bytes a file of this kind may have")
        }
        // Regular files never block; clear O_NONBLOCK anyway so reads behave as usual.
        _ = fcntl(fd, F_SETFL, 0)
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw Failure(path: path, reason: "cannot be read: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            if data.count > maxBytes {
                throw Failure(path: path, reason: "holds more than the \(maxBytes) bytes a file of this kind may have")
            }
        }
        return data
    }

    /// The first `bytes` bytes of a regular file, or nil for anything else (a quick look, no error).
    public static func head(_ path: String, bytes: Int) -> Data? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, Kind(mode: st.st_mode) == .regular else { return nil }
        var buffer = [UInt8](repeating: 0, count: bytes)
        let n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
        return n > 0 ? Data(buffer[0..<n]) : Data()
    }

    /// Refuses to replace anything at `path` but a regular file: nothing there, or a regular file,
    /// may be replaced by a save; a folder, FIFO, device, socket or symbolic link may not.
    public static func checkReplaceable(_ path: String) throws {
        let k = kind(path)
        guard k == .missing || k == .regular else {
            throw Failure(path: path, reason: "\(k.phrase); netview only replaces regular files")
        }
    }

    /// Removes the entries of `folder` named `<prefix>...<marker>PID...` whose process PID is gone:
    /// what a killed write left behind. The caller's own process is never matched.
    public static func removeStaleTemporaries(in folder: String, prefix: String, marker: String = "") {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let m = marker.isEmpty ? rest.startIndex : rest.range(of: marker)?.upperBound,
                  let pid = Int32(rest[m...].prefix { $0.isNumber }), pid != getpid(), !processAlive(pid) else { continue }
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    /// Whether two paths name the same file (same device and inode).
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }
}

extension Unicode.Scalar {
    /// A character a terminal or a source file takes as control rather than text: C0 controls,
    /// DEL, C1 controls and the Unicode line and paragraph separators.
    public var isControlOrSeparator: Bool {
        value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
    }
}

/// A message for one line of a terminal: control characters (ESC, BEL, CR, LF, ...) shown as
/// escapes rather than sent to the terminal, and a message longer than `limit` characters cut in
/// the middle (its start says what went wrong, its end where).
public func oneLine(_ message: String, limit: Int = 480) -> String {
    var out = ""
    for u in message.unicodeScalars {
        let v = u.value
        switch u {
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.isControlOrSeparator {
                out += String(format: v < 0x100 ? "\\x%02x" : "\\u%04x", v)
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    guard out.count > limit else { return out }
    let keep = limit / 2
    return String(out.prefix(keep)) + " [... \(out.count - 2 * keep) characters cut ...] " + String(out.suffix(keep))
}
