/// A compiled-ready statement: what `select ... from ...` says, independent of how it was written.
///
/// The EPL text front end and the typed query builder both produce this; the ``Runtime`` compiles it.
public struct StatementPlan: Sendable, Hashable {
    /// One item of the select list.
    public enum SelectItem: Sendable, Hashable {
        /// `*`: every property of the event.
        case wildcard
        /// `expr as name`.
        case expression(ExprNode, name: String)

        /// `expr`, named after its text.
        public static func expression(_ e: ExprNode) -> SelectItem { .expression(e, name: e.description) }
    }

    /// The stream a statement reads: a type, with a filter applied before any window.
    public struct Source: Sendable, Hashable {
        public var typeName: String
        public var filter: ExprNode?
        public var alias: String?
        public init(_ typeName: String, filter: ExprNode? = nil, alias: String? = nil) {
            self.typeName = typeName
            self.filter = filter
            self.alias = alias
        }
    }

    public var source: Source
    public var windows: [WindowSpec]
    public var whereClause: ExprNode?
    public var select: [SelectItem]
    public var groupBy: [ExprNode]
    public var having: ExprNode?
    public var output: OutputSpec?
    /// The stream output rows are inserted into (`Event`, a declared schema, or a new name).
    public var insertInto: String?

    public init(
        from source: Source, windows: [WindowSpec] = [], where whereClause: ExprNode? = nil,
        select: [SelectItem] = [.wildcard], groupBy: [ExprNode] = [], having: ExprNode? = nil,
        output: OutputSpec? = nil, insertInto: String? = nil
    ) {
        self.source = source
        self.windows = windows
        self.whereClause = whereClause
        self.select = select
        self.groupBy = groupBy
        self.having = having
        self.output = output
        self.insertInto = insertInto
    }
}
