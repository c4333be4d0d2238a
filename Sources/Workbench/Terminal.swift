import CNcursesw
import Foundation

/// The only file that talks to ncurses: sets the terminal up, flushes canvases, reads keys, and
/// restores the terminal on quit, on Ctrl-C, on SIGTERM and on a crash.
public final class Terminal {
    public private(set) var width = 0
    public private(set) var height = 0
    let unicode: Bool
    var previous: Canvas?
    nonisolated(unsafe) static var active = false

    /// Whether a workbench can start here: stdin and stdout are terminals and TERM is set.
    public static var available: Bool {
        isatty(0) != 0 && isatty(1) != 0 && !(ProcessInfo.processInfo.environment["TERM"] ?? "").isEmpty
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    public init() {
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        unicode = codeset.uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
        initscr()
        Terminal.active = true
        Terminal.installSignalHandlers()
        cbreak()
        noecho()
        keypad(stdscr, true)
        curs_set(0)
        timeout(30)
        if has_colors() {
            start_color()
            use_default_colors()
            let map: [Int32] = [-1, Int32(COLOR_RED), Int32(COLOR_GREEN), Int32(COLOR_YELLOW), Int32(COLOR_BLUE),
                                Int32(COLOR_MAGENTA), Int32(COLOR_CYAN), Int32(COLOR_WHITE), Int32(COLOR_WHITE)]
            for (i, fg) in map.enumerated() { init_pair(Int16(i + 1), Int16(fg), -1) }
        }
        measure()
    }

    func measure() {
        height = Int(getmaxy(stdscr))
        width = Int(getmaxx(stdscr))
    }

    /// Restores the terminal; safe to call twice.
    public static func restore() {
        if active {
            active = false
            endwin()
        }
    }

    public func close() { Terminal.restore() }

    static func installSignalHandlers() {
        // Ctrl-\ (SIGQUIT) quits like Ctrl-C; Swift's backtracer would otherwise draw an
        // interactive crash report over the screen.
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            signal(sig) { s in
                Terminal.restore()
                _exit(128 + s)
            }
        }
        // A crash restores the terminal and dies of its signal, without the runtime's report.
        for sig in [SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE] {
            signal(sig) { s in
                Terminal.restore()
                let message = "netview: internal error (signal \(s)); the terminal was restored\n"
                _ = message.withCString { write(2, $0, strlen($0)) }
                signal(s, SIG_DFL)
                raise(s)
            }
        }
    }

    /// Waits up to 30 ms for a key.
    public func readKey() -> Key? {
        let k = getch()
        switch k {
        case ERR: return nil
        case KEY_RESIZE:
            measure()
            previous = nil
            return .resize
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_ENTER, 10, 13: return .enter
        case KEY_BACKSPACE, 127, 8: return .backspace
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_DC: return .delete
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case 27: return .escape
        case 9: return .tab
        case 1, 5, 11, 21, 23: return .ctrl(Character(Unicode.Scalar(UInt8(k) + 96)))
        default:
            guard k >= 32 && k < 127, let u = Unicode.Scalar(UInt32(k)) else { return nil }
            return .char(Character(u))
        }
    }

    /// Writes the rows that changed since the last frame.
    public func draw(_ c: Canvas) {
        let full = previous == nil || previous!.width != c.width || previous!.height != c.height
        if full { erase() }
        for y in 0..<min(c.height, height) {
            if !full, let p = previous, p.line(y) == c.line(y), (0..<c.width).allSatisfy({ p.style(x: $0, y: y) == c.style(x: $0, y: y) }) {
                continue
            }
            var x = 0
            while x < min(c.width, width) {
                let s = c.style(x: x, y: y)
                var run: [wchar_t] = []
                var end = x
                while end < min(c.width, width) && c.style(x: end, y: y) == s {
                    let ch = c[end, y]
                    let scalar = unicode ? ch.unicodeScalars.first! : Terminal.ascii(ch)
                    run.append(wchar_t(bitPattern: scalar.value))
                    end += 1
                }
                if y == height - 1 && end == width { run.removeLast() }  // the last cell would scroll
                var attr: Int32 = 0
                if has_colors() { attr |= Int32(s.color.rawValue + 1) << 8 }
                if s.bold || s.color == .white { attr |= Int32(bitPattern: UInt32(1) << 21) }
                if s.reverse { attr |= Int32(bitPattern: UInt32(1) << 18) }
                if s.color == .gray { attr |= Int32(bitPattern: UInt32(1) << 20) }
                attrset(attr)
                run.append(0)
                mvaddwstr(Int32(y), Int32(x), run)
                x = end
            }
        }
        attrset(0)
        refresh()
        previous = c
    }

    /// A stand-in for terminals without UTF-8.
    static func ascii(_ ch: Character) -> Unicode.Scalar {
        let s = ch.unicodeScalars.first!
        if s.isASCII { return s }
        switch s.value {
        case 0x2800...0x28FF: return "."
        case 0x2500, 0x2501: return "-"
        case 0x2502: return "|"
        case 0x250C, 0x2510, 0x2514, 0x2518: return "+"
        case 0x2581...0x2588: return "#"
        case 0x25BC: return "v"
        case 0x2190: return "<"
        case 0x2192: return ">"
        case 0x2191: return "^"
        case 0x2193: return "v"
        default: return "?"
        }
    }
}
