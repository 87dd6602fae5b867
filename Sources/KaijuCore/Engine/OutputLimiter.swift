/// Output rate limiting (`output [all|first|last] every ...`), with Esper's group semantics:
/// `last` keeps the last row of each group, `first` lets the first row of each group through at once.
final class OutputLimiter {
    let spec: OutputSpec?
    @exclusivity(unchecked) private var held: [HashedValue: Int] = [:]
    @exclusivity(unchecked) private var heldRows: [ResultProcessor.KeyedRow] = []
    /// Counts periods, so a group can remember where its row is held in the current one.
    @exclusivity(unchecked) private var periodNumber = 0
    @exclusivity(unchecked) private var suppressed: Set<HashedValue> = []
    @exclusivity(unchecked) private var newCount = 0
    @exclusivity(unchecked) private var oldCount = 0
    /// When the period timer was started (at the statement's first result).
    @exclusivity(unchecked) private(set) var started = false

    init(_ spec: OutputSpec?) { self.spec = spec }

    /// The period, when output is limited by time.
    var period: Int64? {
        if case .time(let p) = self.spec?.trigger { return p.milliseconds }
        return nil
    }

    /// Offers the rows of one update; appends the rows to emit now to `now`. `build` turns a deferred
    /// row into its row. `newEvents`/`oldEvents` count what entered/left the window, for `every n events`.
    func offer(
        _ rows: [ResultProcessor.KeyedRow],
        newEvents: Int,
        oldEvents: Int,
        build: (ResultProcessor.KeyedRow) -> Row?,
        into now: inout [Row],
        old nowOld: inout [Row]
    ) {
        guard let spec = self.spec else {
            for r in rows {
                guard let row = build(r) else { continue }
                if r.isOld { nowOld.append(row) } else { now.append(row) }
            }
            return
        }
        self.started = true
        for r in rows {
            switch spec.selection {
            case .all:
                self.heldRows.append(r)
            case .last:
                self.holdLast(r)
            case .first:
                if self.suppressed.insert(r.key).inserted, let row = build(r) { now.append(row) }
            }
        }
        if case .events(let n) = spec.trigger {
            self.newCount += newEvents
            self.oldCount += oldEvents
            if self.newCount >= n || self.oldCount >= n {
                self.newCount = 0
                self.oldCount = 0
                self.periodEnded(build: build, into: &now, old: &nowOld)
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

    /// Ends a period: appends the held rows (built by `build`; remove-stream rows to `old`) and starts afresh.
    func periodEnded(build: (ResultProcessor.KeyedRow) -> Row?, into out: inout [Row], old: inout [Row]) {
        for r in self.heldRows {
            guard let row = build(r) else { continue }
            if r.isOld { old.append(row) } else { out.append(row) }
        }
        self.heldRows.removeAll(keepingCapacity: true)
        self.held.removeAll(keepingCapacity: true)
        self.suppressed.removeAll(keepingCapacity: true)
        self.periodNumber += 1
    }
}
