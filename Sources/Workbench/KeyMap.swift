/// A key as the backend reports it.
public enum Key: Equatable, Hashable, Sendable {
    case char(Character)
    case up, down, left, right, enter, escape, tab, backspace, resize
    case home, end, delete, pageUp, pageDown
    /// Ctrl with a letter (Ctrl-A is `.ctrl("a")`).
    case ctrl(Character)
}

/// What a key does in the main view.
public enum KeyAction: Equatable, Sendable {
    case togglePause, step, cancelRun, reseed, restart, faster, slower
    case nextCell, previousCell, nextPopulation, previousPopulation, typeCell
    case cycleFocus, openParameters, openSeeds, openBisection, openNetwork, openSweep, openHelp, closePane
    case save, plot, quit, commandLine
}

/// Keys, the label the help shows for them, what they do and the help's words.
public struct KeyBinding<Action: Equatable & Sendable>: Sendable {
    public let keys: [Key]
    public let label: String
    public let action: Action
    public let help: String
}

/// The key bindings: one table that the key handler and the help pane both read.
public enum KeyMap {
    public typealias Binding = KeyBinding<KeyAction>

    public static let bindings: [Binding] = [
        Binding(keys: [.char(" ")], label: "space", action: .togglePause, help: "pause / resume"),
        Binding(keys: [.char("s")], label: "s", action: .step, help: "step 10 ms while paused (:step MS sets how far)"),
        Binding(keys: [.char("x")], label: "x", action: .cancelRun, help: "cancel a :simulate or a step in progress (so does Esc)"),
        Binding(keys: [.char("r")], label: "r", action: .reseed, help: "reseed (asks which stream) and restart from t=0"),
        Binding(keys: [.char("R")], label: "R", action: .restart, help: "restart from t=0 with the same seeds"),
        Binding(keys: [.char("+"), .char("=")], label: "+", action: .faster, help: "run faster (raise the real-time cap)"),
        Binding(keys: [.char("-")], label: "-", action: .slower, help: "run slower (lower the real-time cap)"),
        Binding(keys: [.right, .char("]")], label: "→ ]", action: .nextCell, help: "next cell"),
        Binding(keys: [.left, .char("[")], label: "← [", action: .previousCell, help: "previous cell"),
        Binding(keys: [.down], label: "↓", action: .nextPopulation, help: "first cell of the next population"),
        Binding(keys: [.up], label: "↑", action: .previousPopulation, help: "first cell of the previous population"),
        Binding(keys: [.char("c")], label: "c", action: .typeCell, help: "type a cell id"),
        Binding(keys: [.tab], label: "Tab", action: .cycleFocus, help: "focus the next pane (arrows then move in it)"),
        Binding(keys: [.char("p")], label: "p", action: .openParameters, help: "parameters pane (Enter edits)"),
        Binding(keys: [.char("e")], label: "e", action: .openSeeds, help: "seeds pane"),
        Binding(keys: [.char("b")], label: "b", action: .openBisection, help: "bisection pane"),
        Binding(keys: [.char("n")], label: "n", action: .openNetwork, help: "network pane (PrintNetwork)"),
        Binding(keys: [.char("w")], label: "w", action: .openSweep, help: "sweep pane: a map over one or two parameters and seeds"),
        Binding(keys: [.char("?"), .char("h")], label: "?", action: .openHelp, help: "help: every key"),
        Binding(keys: [.escape], label: "Esc", action: .closePane, help: "close the side pane"),
        Binding(keys: [.char(":")], label: ":", action: .commandLine, help: "command line (set, get, defaults, models, simulate, reset, seed)"),
        Binding(keys: [.char("S")], label: "S", action: .save, help: "save the session"),
        Binding(keys: [.char("f")], label: "f", action: .plot, help: "write the view as a figure (SVG; :plot FILE names it)"),
        Binding(keys: [.char("q")], label: "q", action: .quit, help: "quit (asks when there are unsaved changes)"),
    ]

    public static func action(for key: Key) -> KeyAction? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// The one-line hint under the panes.
    public static let hint = "space pause  s step  r reseed  R restart  +/- speed  ←→ cell  p e b n w ? panes  : command  S save  q quit"
}
