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
    /// `on ... select and delete ...`: the rows an on-select reads are then deleted.
    public var deletesSelected = false
    /// `on ... select ... group by` (named windows): the groups an on-select's aggregates cover.
    public var groupBy: [ExprNode] = []
    /// `on ... select ... having` (named windows): which aggregated rows an on-select outputs.
    public var having: ExprNode?

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
    /// `then insert into Stream select ...`: the insert goes to this stream (as an event) instead of
    /// the table or window.
    public var insertInto: String?

    /// A `when matched` or `when not matched` clause.
    public init(matched: Bool, condition: ExprNode? = nil, _ action: Action) {
        self.matched = matched
        self.condition = condition
        self.action = action
    }
}

/// `on Trigger insert into A select ... [where ...] insert into B select ... [where ...] [output all|first]`
/// (Esper's split stream): each triggering event is inserted, as each branch selects it, into the
/// stream of the first branch whose `where` holds — or of every such branch (`output all`).
public struct SplitStreamPlan: Sendable, Hashable {
    /// One `insert into T[(cols)] select ... [where ...]`.
    public struct Branch: Sendable, Hashable {
        /// The stream the branch inserts into.
        public var insertInto: String
        /// The target's column names for the selected values (`insert into T(a, b)`), if given.
        public var insertColumns: [String]?
        /// What the branch selects from the triggering event.
        public var select: [StatementPlan.SelectItem]
        /// When the branch applies; `nil` always.
        public var whereClause: ExprNode?

        /// A branch inserting `select` into `insertInto` when `whereClause` holds.
        public init(
            insertInto: String,
            columns: [String]? = nil,
            select: [StatementPlan.SelectItem],
            where whereClause: ExprNode? = nil
        ) {
            self.insertInto = insertInto
            self.insertColumns = columns
            self.select = select
            self.whereClause = whereClause
        }
    }

    /// The triggering stream (a type with a filter, and its alias).
    public var trigger: StreamSpec
    /// The branches, in order.
    public var branches: [Branch]
    /// Whether every branch that applies inserts (`output all`), else only the first (`output first`, the default).
    public var outputAll: Bool

    /// `on trigger` followed by `branches`.
    public init(on trigger: StreamSpec, branches: [Branch], outputAll: Bool = false) {
        self.trigger = trigger
        self.branches = branches
        self.outputAll = outputAll
    }
}

/// `create [unique] index Name on WindowOrTable (col [hash|btree], ...)`: declared for compatibility
/// with Esper modules; checked against the table or named window it names.
public struct IndexDeclaration: Sendable, Hashable {
    /// The index's name.
    public var name: String
    /// The table or named window indexed.
    public var target: String
    /// The indexed columns.
    public var columns: [String]
    /// Whether the index is declared unique.
    public var unique: Bool

    /// An index `name` on `columns` of `target`.
    public init(_ name: String, on target: String, columns: [String], unique: Bool = false) {
        self.name = name
        self.target = target
        self.columns = columns
        self.unique = unique
    }
}
