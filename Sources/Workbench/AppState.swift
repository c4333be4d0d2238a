import ModelFiles
import NetCore
import Session

/// The side panes, one open at a time.
public enum Pane: String, CaseIterable, Sendable {
    case parameters, seeds, bisection, network, sweep, help, output
}

/// What the person is typing, if anything.
public enum Prompt: Equatable, Sendable {
    case none
    case command(String)
    case cell(String)
    case edit(row: Int, text: String)
    case reseed
    case confirmQuit
    /// Unsaved changes: open a sweep's point anyway?
    case confirmOpen(point: Int)
}

/// The workbench's own state: what is open, chosen and typed. The network's state is in the frame.
public struct AppState: Sendable {
    public var pane: Pane?
    public var focusOnPane = false
    public var selectedRow = 0
    public var prompt: Prompt = .none
    public var message = ""
    public var lastSaved: String?
    public var quit = false
    public var history: [String] = []
    /// Where Up/Down are in the history (nil: at the line being typed, kept in `draft`).
    public var historyIndex: Int?
    public var draft = ""
    /// The cursor in the text being typed (characters from the start).
    public var cursor = 0
    /// The full text of the last command's output, for the Output pane.
    public var output = ""
    /// The first line shown of a scrolled pane (Help, Output, Network).
    public var scroll = 0
    /// The population the main area shows alone (`:zoom NAME`), nil for all.
    public var zoom: String?
    public var bisectionSettings: BisectionSpec?

    public init() {}
}
