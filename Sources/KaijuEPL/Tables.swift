public import KaijuCore

/// A handle on a table: its columns by alias (`m.counter`), `initial` values in an update, and keyed
/// reads from any expression (`MeanDurationPerOperation[key].meanDuration`).
@dynamicMemberLookup
public struct TableRef: Sendable {
    /// The table's name.
    public let name: String
    /// Its name in the statement.
    public let alias: String

    /// The table `name`, named `alias` in the statement (default: its name).
    public init(_ name: String, as alias: String? = nil) {
        self.name = name
        self.alias = alias ?? name
    }

    /// The pre-update values inside `update set` (EPL's `initial.col`).
    public static let initial = Fields<DynamicEvent>(alias: "initial")

    /// A column of the matched row.
    public subscript(dynamicMember column: String) -> Expr<Value> {
        Expr(.property(stream: self.alias, path: [column]))
    }

    /// The row under a primary key.
    public subscript<K>(key: Expr<K>) -> TableRow { TableRow(table: self.name, keys: [key.node]) }
}

/// `Table[key]`: read one column of the row, null when there is none.
@dynamicMemberLookup
public struct TableRow: Sendable {
    let table: String
    let keys: [ExprNode]
    /// A column of the keyed row (`table[key].column`).
    public subscript(dynamicMember column: String) -> Expr<Value> {
        Expr(.tableGet(table: self.table, keys: self.keys, column: column))
    }
}

/// `on Type as s merge Table as t where ... when ...` written as Swift code.
public struct OnMerge<E: EventKind>: Sendable {
    /// The plan this statement compiles to.
    public private(set) var plan: OnPlan

    /// Starts an on-merge triggered by a typed stream.
    public static func on(
        _ type: E.Type,
        as alias: String,
        where filter: ((Fields<E>) -> Expr<Bool>)? = nil,
        merge table: TableRef,
        matching correlation: (Fields<E>) -> Expr<Bool>
    ) -> OnMerge<E> {
        let trigger = StreamSpec.type(E.eventTypeName, filter: filter?(Fields(alias: alias)).node, alias: alias)
        return OnMerge(
            plan: OnPlan(
                on: trigger,
                table: table.name,
                as: table.alias,
                where: correlation(Fields(alias: alias)).node,
                action: .merge([])
            )
        )
    }

    private func adding(_ clause: MergeClause) -> OnMerge<E> {
        var m = self
        if case .merge(let clauses) = m.plan.action { m.plan.action = .merge(clauses + [clause]) }
        return m
    }

    /// `when matched [and condition] then update set col = expr, ...` (in order).
    public func whenMatched(
        and condition: Expr<Bool>? = nil,
        update assignments: KeyValuePairs<String, any ExprConvertible>
    ) -> OnMerge<E> {
        self.adding(
            MergeClause(
                matched: true,
                condition: condition?.node,
                .update(assignments.map { .init($0.key, $0.value.exprNode) })
            )
        )
    }

    /// `when matched [and condition] then delete`.
    public func whenMatchedDelete(and condition: Expr<Bool>? = nil) -> OnMerge<E> {
        self.adding(MergeClause(matched: true, condition: condition?.node, .delete))
    }

    /// `when not matched [and condition] then insert select expr as col, ...`.
    public func whenNotMatched(
        and condition: Expr<Bool>? = nil,
        insert values: KeyValuePairs<String, any ExprConvertible>
    ) -> OnMerge<E> {
        self.adding(
            MergeClause(
                matched: false,
                condition: condition?.node,
                .insert(values.map { .expression($0.value.exprNode, name: $0.key) })
            )
        )
    }
}

extension Runtime {
    /// Starts an on-merge written with the builder.
    @discardableResult
    public func add<E>(_ merge: OnMerge<E>, name: String? = nil) throws(PlanError) -> String {
        try self.add(merge.plan, name: name)
    }
}
