/// A statement or schema the engine refuses: unknown type or property, misplaced aggregate, bad window.
public struct PlanError: Error, Hashable, CustomStringConvertible {
    /// What is wrong, in words a rule author understands.
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { self.message }
}
