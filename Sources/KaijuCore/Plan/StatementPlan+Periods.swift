extension StatementPlan {
    /// The longest time the statement waits on: its time windows, its output period, its patterns' guards
    /// and intervals (how long a replay runs on past its last event so these fire).
    public var longestPeriod: TimePeriod {
        var longest = TimePeriod(milliseconds: 0)
        func note(_ p: TimePeriod) { if p > longest { longest = p } }
        for stream in self.streams {
            for w in stream.windows {
                switch w {
                case .time(let p), .timeBatch(let p), .timeBatchFlagged(let p, _, _): note(p)
                default: break
                }
            }
            if case .pattern(let pattern) = stream.input { pattern.visitPeriods(note) }
        }
        if case .time(let p)? = self.output?.trigger { note(p) }
        return longest
    }
}

extension PatternNode {
    func visitPeriods(_ body: (TimePeriod) -> Void) {
        switch self {
        case .atom: break
        case .followedBy(let a, let b):
            a.visitPeriods(body)
            b.visitPeriods(body)
        case .and(let xs), .or(let xs): for x in xs { x.visitPeriods(body) }
        case .not(let x), .every(let x), .repeatCount(_, let x), .whileGuard(_, let x), .consume(_, let x):
            x.visitPeriods(body)
        case .everyDistinct(_, let expiry, let x):
            if let expiry { body(expiry) }
            x.visitPeriods(body)
        case .repeatUntil(_, _, let x, let until):
            x.visitPeriods(body)
            until?.visitPeriods(body)
        case .within(let p, let x):
            body(p)
            x.visitPeriods(body)
        case .interval(let p): body(p)
        case .at: break  // a schedule's wait depends on when it starts; a replay's end does not wait for it
        }
    }
}

extension Runtime {
    /// The longest ``StatementPlan/longestPeriod`` of the running statements.
    public var longestPeriod: TimePeriod {
        self.statementInfos.compactMap { $0.plan?.longestPeriod }.max() ?? TimePeriod(milliseconds: 0)
    }
}
