import Foundation

/// An output folder that holds exactly one run. A run's files are written into a fresh hidden
/// sibling (`.NAME.tmp-PID-N`) and swapped in whole at the end (an atomic exchange where the
/// system has one), so the folder holds either the previous run or the new one, never a mix.
///
/// netview replaces only an empty folder or one holding its marker file `.netview-run` (which
/// every run folder it writes has); any other folder, such as `.` or a home folder, is refused
/// untouched. While a run is going on it holds a lock on `.NAME.lock` beside the folder, so a
/// second run into the same folder is refused at once. Temporary siblings left by a killed run are
/// removed by the next run into that folder.
public final class RunFolder {
    public static let marker = ".netview-run"

    /// The folder as given, and as resolved (symbolic links followed, so `out` may be a link).
    public let path: String
    let resolved: String
    private var lockFD: Int32 = -1

    /// Checks that `path` may hold a run and takes its lock. Throws a one-line reason otherwise.
    public init(_ path: String) throws {
        self.path = path
        func refuse(_ why: String) -> ModelFileError { ModelFileError(file: path, path: "", line: 0, message: why) }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var url = URL(fileURLWithPath: absolute).standardizedFileURL
        switch SafeFile.targetKind(url.path) {
        case .missing:
            break
        case .folder:
            url = url.resolvingSymlinksInPath()
            guard RunFolder.mayReplace(url.path) else {
                throw refuse("the output folder holds files that are not a netview run (no \(RunFolder.marker)); choose an empty or new folder")
            }
        case let k:
            throw refuse("the output path \(k.phrase)")
        }
        resolved = url.path
        let parent = url.deletingLastPathComponent().path
        guard !url.lastPathComponent.isEmpty, url.path != "/" else { throw refuse("not a folder a run can be written to") }
        do { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
            throw refuse("cannot create the folder \(parent)")
        }
        let lock = RunFolder.lockPath(url.path)
        let fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw refuse("cannot create the lock file \(lock): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw refuse("another run is writing this output folder now (\(lock) is locked)")
        }
        lockFD = fd
        removeStaleSiblings()
    }

    deinit { if lockFD >= 0 { close(lockFD) } }

    /// The lock file a run holds while it writes `folder`: `.NAME.lock` beside it.
    public static func lockPath(_ folder: String) -> String {
        let url = URL(fileURLWithPath: folder)
        return "\(url.deletingLastPathComponent().path)/.\(url.lastPathComponent).lock"
    }

    /// An empty folder, or one a netview run wrote.
    public static func mayReplace(_ folder: String) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? ["?"]
        return names.isEmpty || SafeFile.kind(folder + "/" + marker) == .regular
    }

    /// Writes the run's files with `write(tmp)` into a fresh sibling, marks it, and swaps it in.
    public func commit(_ write: (String) throws -> Void) throws {
        let tmp = try stage()
        do { try write(tmp) } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw error
        }
        try publish(tmp)
    }

    /// A fresh hidden sibling (`.NAME.tmp-PID-N`) for a run's files to be written into.
    public func stage() throws -> String {
        let url = URL(fileURLWithPath: resolved)
        let tmp = "\(url.deletingLastPathComponent().path)/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard mkdir(tmp, 0o755) == 0 else { throw failure("cannot create \(tmp): \(String(cString: strerror(errno)))") }
        return tmp
    }

    private func failure(_ why: String) -> ModelFileError {
        ModelFileError(file: path, path: "", line: 0, message: "cannot write the run: \(why); the folder is unchanged")
    }

    /// Marks a staged sibling as a run and swaps it in for the folder (the staged files are removed on failure).
    public func publish(_ tmp: String) throws {
        let url = URL(fileURLWithPath: resolved)
        let parent = url.deletingLastPathComponent().path, base = url.lastPathComponent
        do {
            try writeAtomically("{\"netview\": \"\(netviewVersion)\"}\n", to: "\(tmp)/\(RunFolder.marker)")
        } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw error
        }
        switch SafeFile.kind(resolved) {
        case .missing:
            guard rename(tmp, resolved) == 0 else {
                let why = String(cString: strerror(errno))
                try? FileManager.default.removeItem(atPath: tmp)
                throw failure(why)
            }
        case .folder:
            // The previous run stays whole until the new one is in place.
            guard RunFolder.mayReplace(resolved) else {
                try? FileManager.default.removeItem(atPath: tmp)
                throw failure("it now holds files that are not a netview run")
            }
            if RunFolder.exchange(tmp, resolved) {
                try? FileManager.default.removeItem(atPath: tmp)
            } else {
                let old = "\(parent)/.\(base).old-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
                guard rename(resolved, old) == 0 else {
                    let why = String(cString: strerror(errno))
                    try? FileManager.default.removeItem(atPath: tmp)
                    throw failure(why)
                }
                guard rename(tmp, resolved) == 0 else {
                    let why = String(cString: strerror(errno))
                    _ = rename(old, resolved)
                    try? FileManager.default.removeItem(atPath: tmp)
                    throw failure(why)
                }
                try? FileManager.default.removeItem(atPath: old)
            }
        case let k:
            try? FileManager.default.removeItem(atPath: tmp)
            throw failure("the output path \(k.phrase)")
        }
        let fd = open(parent, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    /// Swaps two paths in one step (Linux's renameat2 with RENAME_EXCHANGE), if the system can.
    static func exchange(_ a: String, _ b: String) -> Bool {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let sym = dlsym(nil, "renameat2") else { return false }
        let renameat2 = unsafeBitCast(sym, to: RenameAt2.self)
        let exchangeFlag: UInt32 = 2  // RENAME_EXCHANGE
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, exchangeFlag) == 0
    }

    /// Removes `.NAME.tmp-PID-*` and `.NAME.old-PID-*` siblings whose process is gone.
    private func removeStaleSiblings() {
        let url = URL(fileURLWithPath: resolved)
        let parent = url.deletingLastPathComponent().path, base = url.lastPathComponent
        for kind in ["tmp", "old"] { SafeFile.removeStaleTemporaries(in: parent, prefix: ".\(base).\(kind)-") }
    }
}

/// Whether a process with this id exists (it may belong to another user).
public func processAlive(_ pid: Int32) -> Bool {
    pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
}
