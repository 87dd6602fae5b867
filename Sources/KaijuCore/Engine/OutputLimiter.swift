/// Output rate limiting (`output [all|first|last] every ...`), with Esper's group semantics:
/// `last` keeps the last row of each group, `first` lets the first row of each group through at once.
final class OutputLimiter {
    let spec: OutputSpec?
    private var held: [Value: Int] = [:]
    private var heldRows: [Row] = []
    private var suppressed: Set<Value> = []
    private var newCount = 0
    private var oldCount = 0
    /// When the period timer was started (at the statement's first result).
    private(set) var started = false

    init(_ spec: OutputSpec?) { self.spec = spec }

    /// The period, when output is limited by time.
    var period: Int64? {
        if case .time(let p) = self.spec?.trigger { return p.milliseconds }
        return nil
    }

    /// Offers the rows of one update; returns the rows to emit now.
    /// `newEvents`/`oldEvents` count what entered/left the window, for `every n events`.
    func offer(_ rows: [ResultProcessor.KeyedRow], newEvents: Int, oldEvents: Int) -> [Row] {
        guard let spec = self.spec else {
            if rows.isEmpty { return [] }
            return rows.map(\.row)
        }
        self.started = true
        var now: [Row] = []
        for r in rows {
            switch spec.selection {
            case .all:
                self.heldRows.append(r.row)
            case .last:
                if let i = self.held[r.key] {
                    self.heldRows[i] = r.row
                } else {
                    self.held[r.key] = self.heldRows.count
                    self.heldRows.append(r.row)
                }
            case .first:
                if self.suppressed.insert(r.key).inserted { now.append(r.row) }
            }
        }
        if case .events(let n) = spec.trigger {
            self.newCount += newEvents
            self.oldCount += oldEvents
            if self.newCount >= n || self.oldCount >= n {
                self.newCount = 0
                self.oldCount = 0
                now.append(contentsOf: self.periodEnded())
            }
        }
        return now
    }

    /// Ends a period: returns the held rows and starts afresh.
    func periodEnded() -> [Row] {
        let out = self.heldRows
        self.heldRows.removeAll(keepingCapacity: true)
        self.held.removeAll(keepingCapacity: true)
        self.suppressed.removeAll(keepingCapacity: true)
        return out
    }
}
