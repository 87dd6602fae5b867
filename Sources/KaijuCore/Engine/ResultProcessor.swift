/// Turns what entered and left a statement's window into output rows, with Esper's four shapes:
/// - no aggregates, no `group by`: one row per entering event;
/// - only aggregates, no `group by`: one row per update, also when events only leave;
/// - aggregates and plain properties, no `group by`: one row per entering event, with current aggregates;
/// - `group by`: one row per group touched by the update, in the order first touched;
/// - `group by` with a select item reading the event outside the group-by expressions: one row per
///   entering event, with its group's aggregates after the update.
final class ResultProcessor {
    enum Shape {
        case plain, rowForAll, rowPerEvent, rowPerGroup, rowPerGroupedEvent
    }

    /// A row with the key of the group it belongs to (`.null` when ungrouped), for output rate limiting.
    /// `row` is nil while its projection is deferred (``defersProjection``): ``row(of:)`` builds it.
    struct KeyedRow {
        let key: HashedValue
        let row: Row?
        var group: GroupState? = nil
        /// A remove-stream row (the values before a change, or a leaving event's row).
        var isOld = false
    }

    let shape: Shape
    let context: EvalContext
    let whereClause: CompiledExpr?
    let groupBy: [CompiledExpr]
    let having: CompiledExpr?
    /// What each new group's aggregators are made from.
    private let recipes: [Aggregator.Recipe]
    /// Each aggregate's input (``AggregateInputs``), `true` for `count(*)`: one closure call per aggregate, no optional.
    private let aggregateInputs: [CompiledExpr]
    /// Each aggregate's `filter:` condition; `nil` when no aggregate has one.
    private let aggregateFilters: [CompiledExpr?]?
    let projection: Projection
    /// Whether groups are dropped when their last event leaves (statements with windows).
    let retiresEmptyGroups: Bool
    /// Whether a group's row is built only when output releases it (`output last` keeps one row per
    /// group per period, so the rest need never be built). The row is the same as if built at once:
    /// a group changes only when touched, and a touch replaces the held row; `now` is the touch time.
    let defersProjection: Bool
    let maxGroups: Int
    /// Whether the statement delivers insert-stream rows (`istream`, `irstream`).
    let producesNew: Bool
    /// Whether it delivers remove-stream rows (`rstream`, `irstream`).
    let producesOld: Bool

    @exclusivity(unchecked) private var groups = GroupIndex()
    /// The levels of `rollup`/`cube`/`grouping sets`, which process every update in turn (this processor then
    /// only hands on). They share the window's entries, so each finds a leaving entry's group by its key.
    @exclusivity(unchecked) var levels: [ResultProcessor] = [] {
        didSet { for l in self.levels { l.findsGroupsByKey = true } }
    }
    /// Whether a leaving entry's group is found by key rather than remembered on the entry.
    @exclusivity(unchecked) var findsGroupsByKey = false
    /// Whether each update aggregates only its own rows (a unidirectional join: Esper starts afresh per
    /// triggering event).
    let aggregatesEachUpdateAlone: Bool
    /// Whether a group stays when its last event leaves (grouped `output all` still reports it).
    let keepsEmptyGroups: Bool
    /// Whether ``creationOrder`` is kept (for ``currentRows(contents:)``).
    let keepsCreationOrder: Bool
    /// The groups in the order they were created (retired ones dropped lazily).
    @exclusivity(unchecked) private var creationOrder: [GroupState] = []
    /// Component values of a several-expression group key being looked up.
    @exclusivity(unchecked) private var keyParts: [Value] = []
    @exclusivity(unchecked) private var single: GroupState?
    @exclusivity(unchecked) private var update: Int64 = 0
    @exclusivity(unchecked) private var touched: [GroupState] = []
    /// The events of one update that passed `where` (reused: no array per update).
    @exclusivity(unchecked) private var entered: [EngineEvent] = []
    /// The remove-stream rows of one update, built before the aggregates change (reused).
    @exclusivity(unchecked) private var oldRows: [KeyedRow] = []
    /// Events not aggregated because ``maxGroups`` was reached.
    @exclusivity(unchecked) private(set) var groupOverflows = 0

    init(
        shape: Shape,
        context: EvalContext,
        whereClause: CompiledExpr?,
        groupBy: [CompiledExpr],
        having: CompiledExpr?,
        aggregates: [AggregateCall],
        aggregateArguments: [CompiledExpr?],
        aggregateFilters: [CompiledExpr?] = [],
        projection: Projection,
        retiresEmptyGroups: Bool,
        defersProjection: Bool,
        maxGroups: Int,
        outputStreams: OutputStreams = .insert,
        keepsEmptyGroups: Bool = false,
        keepsCreationOrder: Bool = false,
        aggregatesEachUpdateAlone: Bool = false
    ) {
        self.aggregatesEachUpdateAlone = aggregatesEachUpdateAlone
        self.keepsEmptyGroups = keepsEmptyGroups
        self.keepsCreationOrder = keepsCreationOrder
        self.producesNew = outputStreams != .remove
        self.producesOld = outputStreams != .insert
        self.shape = shape
        self.context = context
        self.whereClause = whereClause
        self.groupBy = groupBy
        self.having = having
        self.recipes = aggregates.map(Aggregator.Recipe.init)
        self.aggregateInputs = aggregateArguments.map { $0 ?? { _ in .bool(true) } }
        self.aggregateFilters = aggregateFilters.contains { $0 != nil } ? aggregateFilters : nil
        self.projection = projection
        self.retiresEmptyGroups = retiresEmptyGroups
        self.defersProjection = defersProjection && shape == .rowPerGroup && having == nil
        self.maxGroups = maxGroups
        if shape == .rowForAll || shape == .rowPerEvent {
            self.single = GroupState(key: .null, aggregates: self.recipes)
        }
    }

    /// Number of live groups.
    var groupCount: Int { self.groups.count }

    private func passes(_ e: WindowEntry) -> Bool {
        guard let w = self.whereClause else { return true }
        self.context.event = e.event
        return w(self.context).isTrue
    }

    @inline(__always) private func apply(_ g: GroupState, _ e: WindowEntry, entering: Bool) {
        self.context.event = e.event
        let aggregators = g.aggregators
        if let filters = self.aggregateFilters {
            for i in aggregators.indices {
                if let f = filters[i], !f(self.context).isTrue { continue }
                let v = self.aggregateInputs[i](self.context)
                if entering { aggregators[i].enter(v, seq: e.seq) } else { aggregators[i].leave(v, seq: e.seq) }
            }
            g.eventCount += entering ? 1 : -1
            return
        }
        for i in aggregators.indices {
            let v = self.aggregateInputs[i](self.context)
            if entering { aggregators[i].enter(v, seq: e.seq) } else { aggregators[i].leave(v, seq: e.seq) }
        }
        g.eventCount += entering ? 1 : -1
    }

    /// The group of the event in ``context``, if it exists; else its key, to create it under.
    private func findGroup() -> (GroupState?, HashedValue?) {
        if self.groupBy.count == 1 {
            let key = HashedValue(self.groupBy[0](self.context))
            return self.groups.find(key).map { ($0, nil) } ?? (nil, key)
        }
        if self.keyParts.count != self.groupBy.count {
            self.keyParts = Array(repeating: .null, count: self.groupBy.count)
        }
        for i in self.groupBy.indices { self.keyParts[i] = self.groupBy[i](self.context) }
        let hash = KeyHasher.hash(ofArray: self.keyParts)
        if let g = self.groups.find(components: self.keyParts, hash: hash) { return (g, nil) }
        return (nil, HashedValue(.array(self.keyParts)))
    }

    private func row(for event: EngineEvent, group: GroupState?) -> Row? {
        self.context.event = event
        self.context.group = group
        if let h = self.having, !h(self.context).isTrue { return nil }
        return self.projection.row(self.context)
    }

    /// Processes one update: `new` entered, `old` left. Appends the rows produced to `out`: the insert
    /// stream's, then the remove stream's (``KeyedRow/isOld``). Remove-stream rows of aggregates show the
    /// values before the update, as Esper's do.
    func process(new: [WindowEntry], old: [WindowEntry], into out: inout [KeyedRow]) {
        if !self.levels.isEmpty {
            for level in self.levels {
                level.context.now = self.context.now
                level.process(new: new, old: old, into: &out)
            }
            return
        }
        if self.aggregatesEachUpdateAlone {
            if self.single != nil { self.single = GroupState(key: .null, aggregates: self.recipes) }
            self.groups = GroupIndex()
            self.creationOrder.removeAll()
        }
        switch self.shape {
        case .plain:
            if self.producesNew {
                for e in new where self.passes(e) {
                    if let r = self.row(for: e.event, group: nil) { out.append(KeyedRow(key: .null, row: r)) }
                }
            }
            if self.producesOld {
                for e in old where self.passes(e) {
                    if let r = self.row(for: e.event, group: nil) {
                        out.append(KeyedRow(key: .null, row: r, isOld: true))
                    }
                }
            }
        case .rowForAll, .rowPerEvent:
            guard let g = self.single else { return }
            if self.producesOld {
                self.oldRows.clear()
                // The values before the update: one row for all, or one per leaving event.
                if self.shape == .rowForAll {
                    if let rep = (new.first { self.passes($0) } ?? old.first { self.passes($0) })?.event,
                        let r = self.row(for: rep, group: g)
                    {
                        self.oldRows.append(KeyedRow(key: .null, row: r, isOld: true))
                    }
                } else {
                    for e in old where self.passes(e) {
                        if let r = self.row(for: e.event, group: g) {
                            self.oldRows.append(KeyedRow(key: .null, row: r, isOld: true))
                        }
                    }
                }
            }
            var lastEntered: EngineEvent?
            self.entered.clear()
            for e in new where self.passes(e) {
                self.apply(g, e, entering: true)
                lastEntered = e.event
                if self.shape == .rowPerEvent { self.entered.append(e.event) }
            }
            var lastLeft: EngineEvent?
            for e in old where self.passes(e) {
                self.apply(g, e, entering: false)
                lastLeft = e.event
            }
            if self.producesNew {
                if self.shape == .rowForAll {
                    // An update with no events (a forced empty batch) still reports the aggregates.
                    let rep = lastEntered ?? lastLeft ?? (new.isEmpty && old.isEmpty ? self.context.event : nil)
                    if let rep, let r = self.row(for: rep, group: g) {
                        out.append(KeyedRow(key: .null, row: r))
                    }
                } else {
                    for e in self.entered {
                        if let r = self.row(for: e, group: g) { out.append(KeyedRow(key: .null, row: r)) }
                    }
                }
            }
            if self.producesOld { out.append(contentsOf: self.oldRows) }
        case .rowPerGroupedEvent:
            self.update += 1
            self.touched.clear()
            if self.producesOld {
                self.oldRows.clear()
                for e in old where self.passes(e) {
                    if let g = self.group(of: e, entering: false, countingOverflow: false),
                        let r = self.row(for: e.event, group: g)
                    {
                        self.oldRows.append(KeyedRow(key: g.key, row: r, group: g, isOld: true))
                    }
                }
            }
            self.entered.clear()
            for e in new where self.passes(e) {
                self.route(e, entering: true)
                self.entered.append(e.event)
            }
            for e in old where self.passes(e) { self.route(e, entering: false) }
            if self.producesNew {
                for event in self.entered {
                    self.context.event = event
                    guard let g = self.findGroup().0, let r = self.row(for: event, group: g) else { continue }
                    out.append(KeyedRow(key: g.key, row: r, group: g))
                }
            }
            for g in self.touched where self.retiresEmptyGroups && !self.keepsEmptyGroups && g.eventCount <= 0 {
                self.groups.remove(g)
                g.retired = true
            }
            if self.producesOld { out.append(contentsOf: self.oldRows) }
            self.context.group = nil
        case .rowPerGroup:
            self.update += 1
            self.touched.clear()
            if self.producesOld {
                self.oldRows.clear()
                // Each group the update touches, before it changes (a new group: its empty state).
                for e in new where self.passes(e) { self.holdOldRow(of: e, entering: true) }
                for e in old where self.passes(e) { self.holdOldRow(of: e, entering: false) }
            }
            for e in new where self.passes(e) { self.route(e, entering: true) }
            for e in old where self.passes(e) { self.route(e, entering: false) }
            for g in self.touched {
                if self.producesNew { self.appendRow(of: g, to: &out) }
                if self.retiresEmptyGroups && !self.keepsEmptyGroups && g.eventCount <= 0 {
                    self.groups.remove(g)
                    g.retired = true
                }
            }
            if self.producesOld { out.append(contentsOf: self.oldRows) }
            self.context.group = nil
        }
    }

    /// Drops the groups of `keys` (`.null`: the single group of an ungrouped statement), so their next events
    /// aggregate from nothing.
    func forgetGroups(_ keys: [Value]) {
        for key in keys {
            if key.isNull, self.single != nil {
                self.single = GroupState(key: .null, aggregates: self.recipes)
            } else if let g = self.groups.find(HashedValue(key)) {
                self.groups.remove(g)
                g.retired = true
            }
        }
    }

    /// The statement's whole current result (`output snapshot`, and `output all` with `group by`): a row
    /// per event of `contents` (with the current aggregates), the one row of an ungrouped aggregate, or
    /// every live group's row in the order the groups were created.
    func currentRows(contents: [EngineEvent]) -> [KeyedRow] {
        if !self.levels.isEmpty { return self.levels.flatMap { $0.currentRows(contents: contents) } }
        var out: [KeyedRow] = []
        switch self.shape {
        case .plain, .rowPerEvent:
            for e in contents {
                self.context.event = e
                if let w = self.whereClause, !w(self.context).isTrue { continue }
                if let r = self.row(for: e, group: self.single) { out.append(KeyedRow(key: .null, row: r)) }
            }
        case .rowForAll:
            if let g = self.single, let r = self.row(for: contents.last ?? self.context.event, group: g) {
                out.append(KeyedRow(key: .null, row: r))
            }
        case .rowPerGroup, .rowPerGroupedEvent:
            self.creationOrder.removeAll { $0.retired }
            for g in self.creationOrder {
                guard let rep = g.representative, let r = self.row(for: rep, group: g) else { continue }
                out.append(KeyedRow(key: g.key, row: r, group: g))
            }
            self.context.group = nil
        }
        return out
    }

    /// A touched group's row (deferred, under `output last`, to when the period releases it).
    private func appendRow(of g: GroupState, to out: inout [KeyedRow]) {
        if self.defersProjection {
            if g.representative != nil {
                g.touchedAt = self.context.now
                out.append(KeyedRow(key: g.key, row: nil, group: g))
            }
        } else if let rep = g.representative, let r = self.row(for: rep, group: g) {
            out.append(KeyedRow(key: g.key, row: r, group: g))
        }
    }

    /// The remove-stream row of the group `e` touches, before the update changes it, once per group and
    /// update. A group the update creates is created here, empty.
    private func holdOldRow(of e: WindowEntry, entering: Bool) {
        guard let g = self.group(of: e, entering: entering, countingOverflow: false) else { return }
        if entering, self.retiresEmptyGroups, !self.findsGroupsByKey { e.group = g }
        guard g.oldRowIn != self.update else { return }
        g.oldRowIn = self.update
        if let r = self.row(for: e.event, group: g) { self.oldRows.append(KeyedRow(key: g.key, row: r, isOld: true)) }
    }

    /// The row of `r`, building a deferred one as of its group's last touch.
    func row(of r: KeyedRow) -> Row? {
        if let row = r.row { return row }
        guard let g = r.group, let rep = g.representative else { return nil }
        let now = self.context.now
        self.context.now = g.touchedAt
        defer {
            self.context.now = now
            self.context.group = nil
        }
        return self.row(for: rep, group: g)
    }

    /// The group `e` belongs to: for a leaving entry the one it entered (or found by key for join rows),
    /// for an entering one found or created (`nil` when the group table is full).
    @inline(__always) private func group(of e: WindowEntry, entering: Bool, countingOverflow: Bool) -> GroupState? {
        if !entering && !e.findsGroupOnLeave && !self.findsGroupsByKey {
            return e.group  // nil: never aggregated, the table was full
        }
        self.context.event = e.event
        let (found, key) = self.findGroup()
        if let found { return found }
        guard entering else { return nil }
        guard self.groups.count < self.maxGroups, let key else {
            if countingOverflow { self.groupOverflows += 1 }
            return nil
        }
        let g = GroupState(key: key, aggregates: self.recipes)
        self.groups.insert(g)
        if self.keepsCreationOrder { self.creationOrder.append(g) }
        return g
    }

    private func route(_ e: WindowEntry, entering: Bool) {
        guard let g = self.group(of: e, entering: entering, countingOverflow: true) else { return }
        if entering {
            if self.retiresEmptyGroups, !self.findsGroupsByKey { e.group = g }
        } else if !e.findsGroupOnLeave && !self.findsGroupsByKey {
            e.group = nil
        }
        self.apply(g, e, entering: entering)
        if g.touchedIn != self.update {
            g.touchedIn = self.update
            self.touched.append(g)
            g.representative = e.event
        } else if entering || g.representative == nil {
            g.representative = e.event
        }
    }
}

/// Builds a row from the select list.
struct Projection {
    enum Item {
        case wildcard
        case expression(CompiledExpr)
    }

    let items: [Item]
    let names: [String]
    let isWildcardOnly: Bool
    /// The expressions, when the list has no wildcard (the common case: one value array per row).
    private let expressions: [CompiledExpr]?

    init(items: [Item], names: [String], isWildcardOnly: Bool) {
        self.items = items
        self.names = names
        self.isWildcardOnly = isWildcardOnly
        var expressions: [CompiledExpr] = []
        for item in items {
            guard case .expression(let f) = item else {
                self.expressions = nil
                return
            }
            expressions.append(f)
        }
        self.expressions = expressions
    }

    func row(_ ctx: EvalContext) -> Row {
        if self.isWildcardOnly { return Row(allColumnsOf: ctx.event) }
        if let expressions = self.expressions {
            if expressions.count == 1 { return Row(column: self.names, value: expressions[0](ctx)) }
            var values: [Value] = []
            values.reserveCapacity(expressions.count)
            for f in expressions { values.append(f(ctx)) }
            return Row(columns: self.names, values: values)
        }
        var columns: [String] = []
        var values: [Value] = []
        var nameIndex = 0
        for item in self.items {
            switch item {
            case .wildcard:
                columns += ctx.event.type.columnNames
                values += ctx.event.columnValues
            case .expression(let f):
                columns.append(self.names[nameIndex])
                values.append(f(ctx))
                nameIndex += 1
            }
        }
        return Row(columns: columns, values: values)
    }
}
