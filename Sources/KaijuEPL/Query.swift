public import KaijuCore

/// A statement written as Swift code. It compiles to the same ``StatementPlan`` as the EPL text.
///
/// # Usage
/// ```swift
/// let idle = Query.from(Metric.self)
///     .where { $0.name == "cpu" }
///     .window(.time(.minutes(1)))
///     .groupBy { $0.tags["host"] }
///     .select { m in ["host": m.tags["host"], "idle": avg(m.fields["usage_idle"])] }
///     .output(.last, every: .minutes(1))
///     .insert(into: "HostIdle")
/// try runtime.add(idle, name: "HostIdle")
/// ```
/// `where` before any `window` filters the stream (events that fail never enter the window, like
/// EPL's `Metric(name='cpu')#time(1 min)`); `where` after a window is EPL's `where` clause.
public struct Query<E: EventKind>: Sendable {
    /// The plan this query compiles to.
    public private(set) var plan: StatementPlan
    private var fields: Fields<E> { Fields(alias: self.plan.streams[0].alias) }

    init(plan: StatementPlan) { self.plan = plan }

    /// Starts a query over a typed stream, optionally naming the stream (`from Metric as m`).
    public static func from(_ type: E.Type, as alias: String? = nil) -> Query<E> {
        Query(plan: StatementPlan(from: .init(E.eventTypeName, alias: alias)))
    }

    /// Filters events: a stream filter before any window, the `where` clause after one.
    public func `where`(_ predicate: (Fields<E>) -> Expr<Bool>) -> Query<E> {
        var q = self
        let node = predicate(self.fields).node
        if q.plan.streams.count == 1 && q.plan.windows.isEmpty && q.plan.addStreamFilter(node) { return q }
        q.plan.whereClause = q.plan.whereClause.map { .binary(.and, $0, node) } ?? node
        return q
    }

    /// Adds a data window; several intersect (`#unique(k)#time(d)`).
    public func window(_ spec: WindowSpec) -> Query<E> {
        var q = self
        q.plan.windows.append(spec)
        return q
    }

    /// Adds `#unique(keys)`: the latest event per key.
    public func unique(_ keys: (Fields<E>) -> [any ExprConvertible]) -> Query<E> {
        self.window(.unique(keys(self.fields).map(\.exprNode)))
    }

    /// Groups by one expression.
    public func groupBy<T>(_ key: (Fields<E>) -> Expr<T>) -> Query<E> {
        var q = self
        q.plan.groupBy = [key(self.fields).node]
        return q
    }

    /// Groups by several expressions.
    public func groupByKeys(_ keys: (Fields<E>) -> [any ExprConvertible]) -> Query<E> {
        var q = self
        q.plan.groupBy = keys(self.fields).map(\.exprNode)
        return q
    }

    /// Selects named columns, in the order written.
    public func select(_ columns: (Fields<E>) -> KeyValuePairs<String, any ExprConvertible>) -> Query<E> {
        var q = self
        q.plan.select = columns(self.fields).map { .expression($0.value.exprNode, name: $0.key) }
        return q
    }

    /// Selects items built with `.as(_:)` (or ``SelectItem/all``).
    public func selectItems(_ items: (Fields<E>) -> [SelectItem]) -> Query<E> {
        var q = self
        q.plan.select = items(self.fields).map(\.item)
        return q
    }

    /// Filters output rows on aggregates.
    public func having(_ predicate: (Fields<E>) -> Expr<Bool>) -> Query<E> {
        var q = self
        q.plan.having = predicate(self.fields).node
        return q
    }

    /// Limits output to every period of engine time.
    public func output(_ selection: OutputSpec.Selection = .all, every period: TimePeriod) -> Query<E> {
        var q = self
        q.plan.output = OutputSpec(selection, every: .time(period))
        return q
    }

    /// Limits output to every n events.
    public func output(_ selection: OutputSpec.Selection = .all, everyEvents n: Int) -> Query<E> {
        var q = self
        q.plan.output = OutputSpec(selection, every: .events(n))
        return q
    }

    /// Routes output rows into a stream (`Event`, a declared type, or a new name).
    public func insert(into stream: String) -> Query<E> {
        var q = self
        q.plan.insertInto = stream
        return q
    }
}

extension Query where E == DynamicEvent {
    /// Starts a query over the matches of an event pattern (`select ... from pattern [...]`); read the
    /// tags through their handles (`Fields<Metric>(alias: "m1")`).
    public static func from(pattern: Pattern) -> Query<DynamicEvent> {
        Query(plan: StatementPlan(streams: [StreamSpec(.pattern(pattern.node))]))
    }

    /// Starts a join of streams through their windows; read each through its alias's handle.
    public static func join(_ streams: JoinStream...) -> Query<DynamicEvent> {
        Query(plan: StatementPlan(streams: streams.map(\.spec)))
    }

    /// Starts a query over a declared or `insert into` stream, read by column name.
    public static func from(stream name: String, as alias: String? = nil) -> Query<DynamicEvent> {
        Query(plan: StatementPlan(from: .init(name, alias: alias)))
    }
}

extension Runtime {
    /// Compiles and starts a builder query. See ``Runtime/add(_:name:listener:)``.
    @discardableResult
    public func add<E>(
        _ query: Query<E>,
        name: String? = nil,
        listener: StatementListener? = nil
    ) throws(PlanError) -> String {
        try self.add(query.plan, name: name, listener: listener)
    }
}

extension Query where E == Span {
    /// `Batch[select <carried> , * from spans as alias]`: one row per span of each batch, carrying values
    /// of the batch under names (read them with `Fields<DynamicEvent>(alias: name)`).
    public static func spans(
        as alias: String? = nil,
        carrying carried: (Fields<Batch>) -> KeyValuePairs<String, any ExprConvertible> = { _ in [:] }
    ) -> Query<Span> {
        let items = carried(Fields<Batch>(alias: nil)).map {
            StatementPlan.SelectItem.expression($0.value.exprNode, name: $0.key)
        }
        let selection = ContainedSelection(property: "spans", alias: alias, items: items + [.wildcard])
        return Query(plan: StatementPlan(streams: [StreamSpec(.contained("Batch", filter: nil, selection))]))
    }
}

/// One stream of a builder join: a type or named stream, its alias, filter and windows.
public struct JoinStream: Sendable {
    /// The stream.
    public let spec: StreamSpec

    /// A typed stream.
    public static func of<T: EventKind>(
        _ type: T.Type,
        as alias: String,
        where filter: ((Fields<T>) -> Expr<Bool>)? = nil,
        window: WindowSpec...
    ) -> JoinStream {
        JoinStream(
            spec: .type(T.eventTypeName, filter: filter?(Fields(alias: alias)).node, alias: alias, windows: window)
        )
    }

    /// A declared or `insert into` stream.
    public static func named(
        _ name: String,
        as alias: String,
        where filter: ((Fields<DynamicEvent>) -> Expr<Bool>)? = nil,
        window: WindowSpec...
    ) -> JoinStream {
        JoinStream(spec: .type(name, filter: filter?(Fields(alias: alias)).node, alias: alias, windows: window))
    }
}
