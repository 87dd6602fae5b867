/// A statement or schema the engine refuses: unknown type or property, misplaced aggregate, bad window.
///
/// Carries what kind of problem it is and, where one name is at fault, that name as the rule text spells
/// it (``subject``), so front ends can point at it without reading the message.
public struct PlanError: Error, Hashable, CustomStringConvertible {
    /// What kind of problem a ``PlanError`` is. New kinds can be added without breaking callers.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unknownType = "unknown type"
            case unknownProperty = "unknown property"
            case unknownFunction = "unknown function"
            case unknownStream = "unknown stream"
            case unknownTable = "unknown table"
            case duplicate = "duplicate name"
            case limit = "limit exceeded"
            case invalid = "invalid statement"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// An event type that is not declared.
        public static let unknownType = Kind(.unknownType)
        /// A property or column the type does not have.
        public static let unknownProperty = Kind(.unknownProperty)
        /// A function that does not exist.
        public static let unknownFunction = Kind(.unknownFunction)
        /// A stream name (alias or tag) that the statement does not define.
        public static let unknownStream = Kind(.unknownStream)
        /// A table that does not exist, or a name that is not a table.
        public static let unknownTable = Kind(.unknownTable)
        /// A name already taken (statement, type, table, column, alias, tag).
        public static let duplicate = Kind(.duplicate)
        /// A configured limit (window size, join streams) was exceeded.
        public static let limit = Kind(.limit)
        /// Anything else that does not fit: a clause in the wrong place, a bad period, a misplaced aggregate.
        public static let invalid = Kind(.invalid)

        /// The kind in words.
        public var description: String { self.base.rawValue }
    }

    /// What kind of problem this is.
    public let kind: Kind
    /// The name at fault, as the rule text spells it, when one is.
    public let subject: String?
    /// What is wrong, in words a rule author understands.
    public let message: String

    /// Creates an error.
    /// - Parameters:
    ///   - kind: What kind of problem it is.
    ///   - message: What is wrong.
    ///   - subject: The name at fault, if one is.
    public init(_ kind: Kind, _ message: String, subject: String? = nil) {
        self.kind = kind
        self.message = message
        self.subject = subject
    }

    /// The message.
    public var description: String { self.message }
}
