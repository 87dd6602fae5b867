/// Output rate limiting (`output [all|first|last|snapshot] ...`, `output after ...`), with Esper's group
/// semantics: `last` keeps the last row of each group, `first` lets the first row of each group through at
/// once (with `every n events`, counting each group's events), `all` with `group by` releases every group's
/// current row, `snapshot` the whole current result.
final class OutputLimiter {
    let spec: OutputSpec?
    // The spec taken apart once, so the per-update path reads plain stored values (no copies of the
    // spec's expression or schedule, which would retain and release).
    /// Which rows a period releases (`nil`: no rate limiting).
    private let selection: OutputSpec.Selection?
    /// `every n events`.
    private let eventsPerPeriod: Int?
    /// `output when`.
    private let releasesWhenConditionHolds: Bool
    /// Whether a trigger holds rows (not `output after` alone).
    private let hasTrigger: Bool
    /// The period, when output is limited by time.
    let period: Int64?
    /// Whether rows pass straight through (no selection held, no period).
    let passesRowsThrough: Bool
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
        self.selection = spec?.selection
        self.hasTrigger = spec?.trigger != nil
        self.passesRowsThrough = spec == nil
        switch spec?.trigger {
        case .events(let n)?: (self.eventsPerPeriod, self.period, self.releasesWhenConditionHolds) = (n, nil, false)
        case .time(let p)?:
            (self.eventsPerPeriod, self.period, self.releasesWhenConditionHolds) = (nil, p.milliseconds, false)
        case .when?: (self.eventsPerPeriod, self.period, self.releasesWhenConditionHolds) = (nil, nil, true)
        case .crontab?, .terminated?, nil:
            (self.eventsPerPeriod, self.period, self.releasesWhenConditionHolds) = (nil, nil, false)
        }
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

    /// The next time output is due after `time`, for time and crontab triggers.
    func nextOutput(after time: Int64) -> Int64? {
        if let p = self.period { return time + p }
        if case .crontab(let c)? = self.spec?.trigger { return c.next(after: time) }
        return nil
    }

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

    /// Offers the rows of one update; appends the rows to emit now to `now`. `source` builds deferred rows
    /// and gives the statement's whole current result (`snapshot`, grouped `all`).
    /// `newEvents`/`oldEvents` count what entered/left the window, for `every n events` and `when`.
    func offer(
        _ rows: [ResultProcessor.KeyedRow],
        newEvents: Int,
        oldEvents: Int,
        now: Int64,
        source: Statement,
        into out: inout [Row],
        old outOld: inout [Row]
    ) {
        let open = self.afterPassed || self.afterLetsThrough(now: now, newEvents: newEvents)
        guard let selection = self.selection, self.hasTrigger else {
            guard open else { return }
            for r in rows {
                guard let row = source.buildRow(r) else { continue }
                if r.isOld { outOld.append(row) } else { out.append(row) }
            }
            return
        }
        for r in rows {
            switch selection {
            case .all: self.heldRows.append(r)
            case .last: self.holdLast(r)
            case .snapshot: break
            case .first:
                if open, self.suppressed.insert(r.key).inserted, let row = source.buildRow(r) {
                    if r.isOld { outOld.append(row) } else { out.append(row) }
                }
            }
        }
        self.newCount += newEvents
        self.oldCount += oldEvents
        if let n = self.eventsPerPeriod, selection == .first && self.grouped {
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
        } else if let n = self.eventsPerPeriod {
            if self.newCount >= n || self.oldCount >= n {
                self.periodEnded(now: now, source: source, into: &out, old: &outOld)
            }
        } else if self.releasesWhenConditionHolds, let condition = self.condition {
            let values: [Value] = [
                .int(Int64(self.newCount)), .int(Int64(self.oldCount)), self.lastOutputAt.map { .int($0) } ?? .null,
            ]
            condition.context.event = EngineEvent(type: Self.conditionType, timestamp: now, body: .row(values))
            condition.context.now = now
            if condition.expr(condition.context).isTrue {
                self.periodEnded(now: now, source: source, into: &out, old: &outOld)
            }
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

    /// Ends a period: appends the rows it releases (built by `source`; remove-stream rows to `old`) and
    /// starts afresh. `snapshot` releases the current result; `all` with `group by` every group's current
    /// row; an ungrouped, fully aggregated `all`/`last` its current row when no row was held.
    func periodEnded(
        now: Int64,
        source: Statement,
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
        let selection = self.selection ?? .all
        let releasesCurrent = selection == .snapshot || (selection == .all && self.grouped)
        if releasesCurrent {
            for r in source.currentRows() { if let row = source.buildRow(r) { out.append(row) } }
            for r in self.heldRows where r.isOld { if let row = source.buildRow(r) { old.append(row) } }
            return
        }
        if self.heldRows.isEmpty, selection != .first, self.aggregatesAll {
            for r in source.currentRows() { if let row = source.buildRow(r) { out.append(row) } }
            return
        }
        for r in self.heldRows {
            guard let row = source.buildRow(r) else { continue }
            if r.isOld { old.append(row) } else { out.append(row) }
        }
    }
}
