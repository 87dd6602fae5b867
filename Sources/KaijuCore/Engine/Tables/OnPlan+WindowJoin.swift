extension OnPlan {
    /// An on-select over a named window as the statement Esper treats it as: the trigger stream,
    /// unidirectional, joined with the window (`*` selects the window's columns).
    var asWindowJoin: StatementPlan {
        guard case .select(let items) = self.action else { return StatementPlan(streams: []) }
        let windowAlias = self.tableAlias ?? self.table
        var trigger = self.trigger
        trigger.unidirectional = true
        var plan = StatementPlan(
            streams: [trigger, StreamSpec(.type(self.table, filter: nil), alias: windowAlias)],
            where: self.whereClause,
            select: items.map { $0 == .wildcard ? .streamWildcard(windowAlias) : $0 },
            groupBy: self.groupBy,
            having: self.having
        )
        plan.orderBy = self.orderBy
        return plan
    }
}
