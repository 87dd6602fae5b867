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

    /// The `from` clause: one stream, or several joined through their windows.
    public var streams: [StreamSpec]
    public var whereClause: ExprNode?
    public var select: [SelectItem]
    public var groupBy: [ExprNode]
    public var having: ExprNode?
    public var output: OutputSpec?
    /// The stream output rows are inserted into (`Event`, a declared schema, or a new name).
    public var insertInto: String?
    /// `select rstream`: rows for events leaving the windows instead of entering (statements without
    /// aggregates or `group by`).
    public var removeStream = false
    /// `order by`: sorts the rows of each output batch.
    public var orderBy: [OrderItem] = []
    /// `limit n [offset m]`: keeps at most `n` rows of each output batch, after skipping `m`.
    public var limit: RowLimit?

    /// One `order by` item.
    public struct OrderItem: Sendable, Hashable {
        public var expression: ExprNode
        public var descending: Bool
        public init(_ expression: ExprNode, descending: Bool = false) {
            self.expression = expression
            self.descending = descending
        }
    }

    /// `limit count offset offset`.
    public struct RowLimit: Sendable, Hashable {
        public var count: Int
        public var offset: Int
        public init(count: Int, offset: Int = 0) {
            self.count = count
            self.offset = offset
        }
    }

    public init(
        from source: Source, windows: [WindowSpec] = [], where whereClause: ExprNode? = nil,
        select: [SelectItem] = [.wildcard], groupBy: [ExprNode] = [], having: ExprNode? = nil,
        output: OutputSpec? = nil, insertInto: String? = nil
    ) {
        self.init(
            streams: [], where: whereClause, select: select, groupBy: groupBy, having: having, output: output,
            insertInto: insertInto
        )
        self.streams = [StreamSpec(.type(source.typeName, filter: source.filter), alias: source.alias, windows: windows)]
    }

    public init(
        streams: [StreamSpec], where whereClause: ExprNode? = nil, select: [SelectItem] = [.wildcard],
        groupBy: [ExprNode] = [], having: ExprNode? = nil, output: OutputSpec? = nil, insertInto: String? = nil
    ) {
        self.streams = streams
        self.whereClause = whereClause
        self.select = select
        self.groupBy = groupBy
        self.having = having
        self.output = output
        self.insertInto = insertInto
    }

    /// The windows of the first stream.
    public var windows: [WindowSpec] {
        get { self.streams.first?.windows ?? [] }
        set { self.streams[0].windows = newValue }
    }

    /// Adds a filter to the first stream (ANDed with any it has). Returns false when that stream is not
    /// a plain typed stream (a pattern or contained selection), so the caller can use `where` instead.
    public mutating func addStreamFilter(_ f: ExprNode) -> Bool {
        func and(_ a: ExprNode?) -> ExprNode { a.map { .binary(.and, $0, f) } ?? f }
        switch self.streams[0].input {
        case .type(let name, let filter): self.streams[0].input = .type(name, filter: and(filter))
        case .contained, .pattern: return false
        }
        return true
    }
}
