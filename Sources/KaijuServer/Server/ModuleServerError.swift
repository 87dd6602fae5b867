/// A listener the server could not start, and why.
public struct ModuleServerError: Error, Hashable, CustomStringConvertible {
    /// The listener's name.
    public let listener: String
    /// What went wrong.
    public let reason: String

    /// "listener NAME REASON".
    public var description: String { "listener \(self.listener) \(self.reason)" }
}
