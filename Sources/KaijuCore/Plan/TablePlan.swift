/// `create table Name (col type primary key, col type, ...)`: rows keyed by their primary key columns,
/// updated by `on ... merge` and `on ... delete`, read by `Name[key].col` and on-demand queries.
public struct TableDeclaration: Sendable, Hashable {
    /// The table's name.
    public var name: String
    /// The table's columns.
    public var columns: [Column]
    /// The primary key columns, in key order.
    public var primaryKey: [String]

    /// A table `name` with `columns`, keyed by `primaryKey`.
    public init(_ name: String, columns: [Column], primaryKey: [String]) {
        self.name = name
        self.columns = columns
        self.primaryKey = primaryKey
    }
}

/// `on Stream as s merge|delete|select ... Table as t where ...`: what each triggering event does to (or reads from) a table.
public struct OnPlan: Sendable, Hashable {
    /// What a triggering event does.
    public enum Action: Sendable, Hashable {
        /// `merge`: `when matched` / `when not matched` clauses, tried in order; the first that applies wins.
        case merge([MergeClause])
        /// `delete from`: removes every row the `where` correlation matches.
        case delete
        /// `select items from Table`: one output row per table row the `where` correlation matches
        /// (`*` is the row's columns); nothing changes.
        case select([StatementPlan.SelectItem])
    }

    /// The triggering stream (a type with a filter, and its alias).
    public var trigger: StreamSpec
    /// The table acted on.
    public var table: String
    /// The table's name in the statement.
    public var tableAlias: String?
    /// Which rows the event concerns; `nil` is every row.
    public var whereClause: ExprNode?
    /// What the statement does to matching rows.
    public var action: Action
    /// `on ... select ... order by`: the order of an on-select's rows (primary-key order without it).
    public var orderBy: [StatementPlan.OrderItem] = []

    /// `on trigger merge|update|delete|select ... table as tableAlias where ...`.
    public init(
        on trigger: StreamSpec,
        table: String,
        as tableAlias: String? = nil,
        where whereClause: ExprNode? = nil,
        action: Action
    ) {
        self.trigger = trigger
        self.table = table
        self.tableAlias = tableAlias
        self.whereClause = whereClause
        self.action = action
    }
}

/// One `when [not] matched [and condition] then ...` clause of an on-merge.
public struct MergeClause: Sendable, Hashable {
    /// The action of a clause.
    public enum Action: Sendable, Hashable {
        /// `update set col = expr, ...`: assignments in order; a bare column reads the value already
        /// assigned, `initial.col` the value before the update.
        case update([Assignment])
        /// `insert select expr as col, ...` (not-matched clauses).
        case insert([StatementPlan.SelectItem])
        /// `delete` (matched clauses).
        case delete
    }

    /// `col = expr`.
    public struct Assignment: Sendable, Hashable {
        /// The column assigned.
        public var column: String
        /// The value assigned.
        public var value: ExprNode
        /// `set column = value`.
        public init(_ column: String, _ value: ExprNode) {
            self.column = column
            self.value = value
        }
    }

    /// Whether the clause applies to a matched row (else: when no row matched).
    public var matched: Bool
    /// The clause's extra condition (`when matched and ...`).
    public var condition: ExprNode?
    /// What the clause does.
    public var action: Action
    /// `on ... select ... order by`: the order of an on-select's rows (primary-key order without it).
    public var orderBy: [StatementPlan.OrderItem] = []

    /// A `when matched` or `when not matched` clause.
    public init(matched: Bool, condition: ExprNode? = nil, _ action: Action) {
        self.matched = matched
        self.condition = condition
        self.action = action
    }
}
