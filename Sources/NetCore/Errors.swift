/// An error of the simulator, like PyNEST's NESTError: which call, which model, what went wrong.
public struct NetError: Error, CustomStringConvertible, Equatable, Sendable {
    public var function: String
    public var model: String
    public var message: String

    public init(_ function: String, model: String = "", _ message: String) {
        self.function = function
        self.model = model
        self.message = message
    }

    public var description: String {
        model.isEmpty ? "\(function): \(message)" : "\(function) (\(model)): \(message)"
    }
}
