/// Output rate limiting (`output [all|first|last|snapshot] ...`, `output after ...`), with Esper's group
/// semantics: `last` keeps the last row of each group, `first` lets the first row of each group through at
/// once (with `every n events`, counting each group's events), `all` with `group by` releases every group's
/// current row, `snapshot` the whole current result.
final class OutputLimiter {
    let spec: OutputSpec?
    /// Whether the statement groups (`first every n events` then counts per group).
    let grouped: Bool
    /// Whether the statement is ungrouped and fully aggregated (one row for all): a period without rows
    /// still releases its current row.
    let aggregatesAll: Bool
    /// `output when`'s condition and the event it reads (`count_insert`, `count_remove`, `last_output_timestamp`).
    let condition: (expr: CompiledExpr, context: EvalContext)?
    @exclusivity(unchecked) private var held: [HashedValue: Int] = [:]
    @exclusivity(unchecked) private var heldRows: [ResultProcessor.KeyedRow] = []
    /// Counts periods, so a group can remember where its row is held in the current one.
    @exclusivity(unchecked) private var periodNumber = 0
    @exclusivity(unchecked) private var suppressed: Set<HashedValue> = []
    /// Events each group has seen in its current period (`first every n events` with `group by`).
    @exclusivity(unchecked) private var groupEvents: [HashedValue: Int] = [:]
    @exclusivity(unchecked) private var newCount = 0
    @exclusivity(unchecked) private var oldCount = 0
    @exclusivity(unchecked) private var lastOutputAt: Int64?
    /// When the statement was added; `output after T` and periods count from it.
    @exclusivity(unchecked) private(set) var deployedAt: Int64 = 0
    /// Whether `output after` has passed (always, without one).
    @exclusivity(unchecked) private var afterPassed: Bool
    @exclusivity(unchecked) private var eventsBeforeAfter = 0

    init(
        _ spec: OutputSpec?,
        grouped: Bool = false,
        aggregatesAll: Bool = false,
        condition: (CompiledExpr, EvalContext)? = nil
    ) {
        self.spec = spec
        self.grouped = grouped
        self.aggregatesAll = aggregatesAll
        self.condition = condition.map { (expr: $0.0, context: $0.1) }
        self.afterPassed = spec?.after == nil
    }

    /// The type `output when` conditions compile against.
    static let conditionType = EventType(
        name: "OutputCondition",
        representation: .row,
        ownColumns: [
            Column("count_insert", .long), Column("count_remove", .long), Column("last_output_timestamp", .long),
        ],
        parents: []
    )

    /// The period, when output is limited by time.
    var period: Int64? {
        if case .time(let p)? = self.spec?.trigger { return p.milliseconds }
        return nil
    }

    /// The next time output is due after `time`, for time and crontab triggers.
    func nextOutput(after time: Int64) -> Int64? {
        switch self.spec?.trigger {
        case .time(let p)?: return time + p.milliseconds
        case .crontab(let c)?: return c.next(after: time)
        default: return nil
        }
    }

    /// Whether rows pass straight through (no selection held, no period).
    var passesRowsThrough: Bool { self.spec == nil }

    /// Records the time the statement was added.
    func start(at time: Int64) { self.deployedAt = time }

    /// Whether `output after` lets output through at `now`, given `newEvents` more arrived.
    private func afterLetsThrough(now: Int64, newEvents: Int) -> Bool {
        if self.afterPassed { return true }
        switch self.spec?.after {
        case .time(let p)?: self.afterPassed = now >= self.deployedAt + p.milliseconds
        case .events(let n)?:
            self.eventsBeforeAfter += newEvents
            self.afterPassed = self.eventsBeforeAfter > n
        case nil: self.afterPassed = true
        }
        return self.afterPassed
    }

    /// Offers the rows of one update; appends the rows to emit now to `now`. `build` turns a deferred
    /// row into its row; `current` gives the statement's whole current result (`snapshot`, grouped `all`).
    /// `newEvents`/`oldEvents` count what entered/left the window, for `every n events` and `when`.
    func offer(
        _ rows: [ResultProcessor.KeyedRow],
        newEvents: Int,
        oldEvents: Int,
        now: Int64,
        build: (ResultProcessor.KeyedRow) -> Row?,
        current: () -> [ResultProcessor.KeyedRow],
        into out: inout [Row],
        old outOld: inout [Row]
    ) {
        let open = self.afterLetsThrough(now: now, newEvents: newEvents)
        guard let spec = self.spec, let trigger = spec.trigger else {
            guard open else { return }
            for r in rows {
                guard let row = build(r) else { continue }
                if r.isOld { outOld.append(row) } else { out.append(row) }
            }
            return
        }
        for r in rows {
            switch spec.selection {
            case .all: self.heldRows.append(r)
            case .last: self.holdLast(r)
            case .snapshot: break
            case .first:
                if self.suppressed.insert(r.key).inserted, open, let row = build(r) {
                    if r.isOld { outOld.append(row) } else { out.append(row) }
                }
            }
        }
        self.newCount += newEvents
        self.oldCount += oldEvents
        switch trigger {
        case .events(let n) where spec.selection == .first && self.grouped:
            // Each group counts its own events: its period ends with its n-th.
            for r in rows where !r.isOld {
                let seen = self.groupEvents[r.key, default: 0] + 1
                if seen >= n {
                    self.groupEvents[r.key] = nil
                    self.suppressed.remove(r.key)
                } else {
                    self.groupEvents[r.key] = seen
                }
            }
        case .events(let n):
            if self.newCount >= n || self.oldCount >= n {
                self.periodEnded(now: now, build: build, current: current, into: &out, old: &outOld)
            }
        case .when:
            guard let condition = self.condition else { return }
            let values: [Value] = [
                .int(Int64(self.newCount)), .int(Int64(self.oldCount)), self.lastOutputAt.map { .int($0) } ?? .null,
            ]
            condition.context.event = EngineEvent(type: Self.conditionType, timestamp: now, body: .row(values))
            condition.context.now = now
            if condition.expr(condition.context).isTrue {
                self.periodEnded(now: now, build: build, current: current, into: &out, old: &outOld)
            }
        case .time, .crontab:
            break
        }
    }

    /// Keeps `r` as its group's last row of the period; the group remembers where, which spares a
    /// key lookup for each further row of the group.
    private func holdLast(_ r: ResultProcessor.KeyedRow) {
        if let g = r.group, g.heldInPeriod == self.periodNumber, g.heldIndex < self.heldRows.count,
            self.heldRows[g.heldIndex].group === g
        {
            self.heldRows[g.heldIndex] = r
            return
        }
        let index: Int
        if let i = self.held[r.key] {
            index = i
            self.heldRows[i] = r
        } else {
            index = self.heldRows.count
            self.held[r.key] = index
            self.heldRows.append(r)
        }
        r.group?.heldInPeriod = self.periodNumber
        r.group?.heldIndex = index
    }

    /// Ends a period: appends the rows it releases (built by `build`; remove-stream rows to `old`) and
    /// starts afresh. `snapshot` releases the current result; `all` with `group by` every group's current
    /// row; an ungrouped, fully aggregated `all`/`last` its current row when no row was held.
    func periodEnded(
        now: Int64,
        build: (ResultProcessor.KeyedRow) -> Row?,
        current: () -> [ResultProcessor.KeyedRow],
        into out: inout [Row],
        old: inout [Row]
    ) {
        defer {
            self.heldRows.removeAll(keepingCapacity: true)
            self.held.removeAll(keepingCapacity: true)
            self.suppressed.removeAll(keepingCapacity: true)
            self.periodNumber += 1
            self.newCount = 0
            self.oldCount = 0
        }
        guard self.afterLetsThrough(now: now, newEvents: 0) else { return }
        self.lastOutputAt = now
        let selection = self.spec?.selection ?? .all
        let releasesCurrent = selection == .snapshot || (selection == .all && self.grouped)
        if releasesCurrent {
            for r in current() { if let row = build(r) { out.append(row) } }
            for r in self.heldRows where r.isOld { if let row = build(r) { old.append(row) } }
            return
        }
        if self.heldRows.isEmpty, selection != .first, self.aggregatesAll {
            for r in current() { if let row = build(r) { out.append(row) } }
            return
        }
        for r in self.heldRows {
            guard let row = build(r) else { continue }
            if r.isOld { old.append(row) } else { out.append(row) }
        }
    }
}
