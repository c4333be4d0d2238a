/// A problem with the input of `compare` or `export`, reported in one line.
public struct InteropError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
