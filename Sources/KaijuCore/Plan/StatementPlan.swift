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

        /// `s.*`: every property of stream `s` (of a join or pattern), each its own column.
        public static func streamWildcard(_ alias: String) -> SelectItem {
            .expression(.property(stream: alias, path: []), name: "\(alias).*")
        }

        /// The stream of an `s.*` item.
        public var streamWildcardAlias: String? {
            guard case .expression(.property(let stream?, let path), let name) = self, path.isEmpty,
                name == "\(stream).*"
            else { return nil }
            return stream
        }
    }

    /// The stream a statement reads: a type, with a filter applied before any window.
    public struct Source: Sendable, Hashable {
        /// The event type read.
        public var typeName: String
        /// The stream filter (`Metric(name='cpu')`).
        public var filter: ExprNode?
        /// The stream's name in the statement (`as m`).
        public var alias: String?
        /// A stream of `typeName`, filtered by `filter`, named `alias`.
        public init(_ typeName: String, filter: ExprNode? = nil, alias: String? = nil) {
            self.typeName = typeName
            self.filter = filter
            self.alias = alias
        }
    }

    /// The `from` clause: one stream, or several joined through their windows.
    public var streams: [StreamSpec]
    /// The `where` clause.
    public var whereClause: ExprNode?
    /// The select list.
    public var select: [SelectItem]
    /// The `group by` expressions.
    public var groupBy: [ExprNode]
    /// `group by rollup(...)`, `cube(...)`, `grouping sets (...)`: the levels of aggregation, each the
    /// indices into ``groupBy`` it groups by (empty: one group for all). Rows come level by level, and a
    /// level's rows have null for the group-by expressions it does not group by.
    public var groupingSets: [[Int]]?
    /// The `having` clause.
    public var having: ExprNode?
    /// Output rate limiting (`output last every 1 min`).
    public var output: OutputSpec?
    /// The stream output rows are inserted into (`Event`, a declared schema, or a new name).
    public var insertInto: String?
    /// `insert into X(a, b)`: the names the select items take, in order (the inserted columns).
    public var insertColumns: [String]?
    /// `select distinct`: equal rows of one output batch are delivered once.
    public var distinct = false
    /// `into table T select ... group by k`: each group's row is written into the table's row of key `k`
    /// (the group-by values, in the table's key order), under the columns of the same names.
    public var intoTable: String?
    /// Which rows the statement delivers (`select istream|rstream|irstream`, `insert ... into`).
    public var outputStreams: OutputStreams = .insert
    /// `order by`: sorts the rows of each output batch.
    public var orderBy: [OrderItem] = []
    /// `limit n [offset m]`: keeps at most `n` rows of each output batch, after skipping `m`.
    public var limit: RowLimit?

    /// One `order by` item.
    public struct OrderItem: Sendable, Hashable {
        /// The expression ordered by.
        public var expression: ExprNode
        /// Whether the order is descending.
        public var descending: Bool
        /// An `order by` item.
        public init(_ expression: ExprNode, descending: Bool = false) {
            self.expression = expression
            self.descending = descending
        }
    }

    /// `limit count offset offset`.
    public struct RowLimit: Sendable, Hashable {
        /// How many rows at most.
        public var count: Int
        /// How many rows to skip first.
        public var offset: Int
        /// `limit count offset offset`.
        public init(count: Int, offset: Int = 0) {
            self.count = count
            self.offset = offset
        }
    }

    /// A statement over one typed stream: `select ... from source#windows where ... group by ... having ... output ...`.
    public init(
        from source: Source,
        windows: [WindowSpec] = [],
        where whereClause: ExprNode? = nil,
        select: [SelectItem] = [.wildcard],
        groupBy: [ExprNode] = [],
        having: ExprNode? = nil,
        output: OutputSpec? = nil,
        insertInto: String? = nil
    ) {
        self.init(
            streams: [],
            where: whereClause,
            select: select,
            groupBy: groupBy,
            having: having,
            output: output,
            insertInto: insertInto
        )
        self.streams = [
            StreamSpec(.type(source.typeName, filter: source.filter), alias: source.alias, windows: windows)
        ]
    }

    /// A statement over `streams` (several make a join): the clauses as in EPL.
    public init(
        streams: [StreamSpec],
        where whereClause: ExprNode? = nil,
        select: [SelectItem] = [.wildcard],
        groupBy: [ExprNode] = [],
        having: ExprNode? = nil,
        output: OutputSpec? = nil,
        insertInto: String? = nil
    ) {
        self.streams = streams
        self.whereClause = whereClause
        self.select = select
        self.groupBy = groupBy
        self.having = having
        self.output = output
        self.insertInto = insertInto
    }

    /// `context Name select ...`: the context whose partitions each run a copy of the statement.
    public var context: String?

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

/// Esper's stream selector: which of a statement's results it delivers and inserts.
public enum OutputStreams: Sendable, Hashable {
    /// `istream` (the default): the rows of what entered (for aggregates, the values after each change).
    case insert
    /// `rstream`: the rows of what left (for aggregates, the values before each change), delivered and
    /// inserted as the statement's rows.
    case remove
    /// `irstream`: both; listeners get the insert rows as new rows and the remove rows as old rows, and
    /// `insert into` inserts the new rows, then the old ones.
    case insertAndRemove
}
