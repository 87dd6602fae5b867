import DequeModule

/// The order of a sorted window's entries: by their sort keys (each ascending or descending), among equal
/// keys in arrival order.
struct EntryOrder {
    let keys: [CompiledExpr]
    let descending: [Bool]
    let context: EvalContext

    /// The sort keys of `e`.
    func keys(of e: WindowEntry) -> [Value] {
        let saved = self.context.event
        self.context.event = e.event
        defer { self.context.event = saved }
        return self.keys.map { $0(self.context) }
    }

    /// Whether keys `a` sort before keys `b`.
    func precedes(_ a: [Value], _ b: [Value]) -> Bool {
        for i in a.indices {
            if a[i] == b[i] { continue }
            return self.descending[i] ? b[i] < a[i] : a[i] < b[i]
        }
        return false
    }
}

/// `#sort(n, keys)` and `#rank(unique, n, keys)`: at most `size` entries kept in sort order; an entry that
/// sorts past the last place leaves (at once, if it is the one that just entered). `#rank` keeps one
/// entry per unique key, a newer one replacing the held one.
final class SortedWindow: KeyedWindow {
    let size: Int
    let order: EntryOrder
    let unique: Bool
    /// The live entries in sort order, with their sort keys.
    @exclusivity(unchecked) private var sorted: [(keys: [Value], entry: WindowEntry)] = []

    init(size: Int, order: EntryOrder, uniqueKeys: [CompiledExpr]?, context: EvalContext) {
        self.size = size
        self.order = order
        self.unique = uniqueKeys != nil
        super.init(keys: uniqueKeys ?? [], context: context)
    }

    override var sortedLive: [WindowEntry]? { self.sorted.map(\.entry) }

    override func insert(_ e: WindowEntry, removed: inout [WindowEntry]) {
        super.insert(e, removed: &removed)
        if self.unique, let previous = self.held.updateValue(e, forKey: self.key(e)), previous.alive {
            self.forget(previous)
            removed.append(previous)
        }
        let keys = self.order.keys(of: e)
        var lo = 0
        var hi = self.sorted.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if self.order.precedes(keys, self.sorted[mid].keys) { hi = mid } else { lo = mid + 1 }
        }
        self.sorted.insert((keys, e), at: lo)
        while self.sorted.count > self.size, let last = self.sorted.last {
            self.forget(last.entry)
            removed.append(last.entry)
        }
    }

    override func forget(_ e: WindowEntry) {
        super.forget(e)
        if let i = self.sorted.lastIndex(where: { $0.entry === e }) { self.sorted.remove(at: i) }
    }

    override func popOldest() -> WindowEntry? {
        guard let e = super.popOldest() else { return nil }
        if let i = self.sorted.firstIndex(where: { $0.entry === e }) { self.sorted.remove(at: i) }
        return e
    }
}

/// `#groupwin(keys)` followed by a window: that window, one per distinct key value. Groups whose window
/// empties are dropped.
/// - Complexity: expiry and ``nextExpiry`` visit every group.
final class GroupedWindow: KeyedWindow {
    let makeWindow: () -> DataWindow
    @exclusivity(unchecked) private var groups: [Value: DataWindow] = [:]
    @exclusivity(unchecked) private var scratch: [WindowEntry] = []
    let maxGroups: Int
    /// Events not windowed because ``maxGroups`` groups were live.
    @exclusivity(unchecked) private(set) var refused = 0
    override var refusedEvents: Int { self.refused }

    init(keys: [CompiledExpr], context: EvalContext, maxGroups: Int, makeWindow: @escaping () -> DataWindow) {
        self.makeWindow = makeWindow
        self.maxGroups = maxGroups
        super.init(keys: keys, context: context)
    }

    override func window(for event: EngineEvent) -> DataWindow {
        let saved = self.context.event
        self.context.event = event
        defer { self.context.event = saved }
        return self.groups[Value.key(of: self.keys, in: self.context)] ?? self
    }

    override func insert(_ e: WindowEntry, removed: inout [WindowEntry]) {
        let k = self.key(e)
        let window: DataWindow
        if let w = self.groups[k] {
            window = w
        } else {
            guard self.groups.count < self.maxGroups else {
                // No window for a new group: the event passes through (enters and leaves at once).
                self.refused += 1
                removed.append(e)
                return
            }
            window = self.makeWindow()
            self.groups[k] = window
        }
        super.insert(e, removed: &removed)
        window.insert(e, removed: &self.scratch)
        self.settle(window, key: k, into: &removed)
    }

    private func settle(_ window: DataWindow, key: Value, into removed: inout [WindowEntry]) {
        for x in self.scratch {
            super.forget(x)
            removed.append(x)
        }
        self.scratch.removeAll(keepingCapacity: true)
        if window.liveCount == 0 { self.groups[key] = nil }
    }

    override func forget(_ e: WindowEntry) {
        super.forget(e)
        let k = self.key(e)
        guard let w = self.groups[k] else { return }
        w.forget(e)
        if w.liveCount == 0 { self.groups[k] = nil }
    }

    override func popOldest() -> WindowEntry? {
        guard let e = super.popOldest() else { return nil }
        let k = self.key(e)
        if let w = self.groups[k] {
            w.forget(e)
            if w.liveCount == 0 { self.groups[k] = nil }
        }
        return e
    }

    override func expire(now: Int64, removed: inout [WindowEntry]) {
        for (k, w) in self.groups {
            w.expire(now: now, removed: &self.scratch)
            self.settle(w, key: k, into: &removed)
        }
    }

    override var nextExpiry: Int64? {
        var earliest: Int64?
        for w in self.groups.values {
            if let t = w.nextExpiry, earliest.map({ t < $0 }) ?? true { earliest = t }
        }
        return earliest
    }
}

/// `#ext_timed(ts, period)`: an entry leaves when an entry arrives whose timestamp is `period` or more past
/// its own, whatever the order they arrived in.
/// - Complexity: O(1) per arrival while nothing is due; a scan of the window when something is.
final class ExternallyTimedWindow: KeyedWindow {
    let period: Int64
    /// The least timestamp among the live entries.
    @exclusivity(unchecked) private var earliest: Int64?

    init(timestamp: @escaping CompiledExpr, period: Int64, context: EvalContext) {
        self.period = period
        super.init(keys: [timestamp], context: context)
    }

    private func time(_ e: WindowEntry) -> Int64? {
        switch self.key(e) {
        case .int(let t): return t
        case .double(let d) where d.isFinite && Swift.abs(d) < 9e18: return Int64(d)
        default: return nil
        }
    }

    override func insert(_ e: WindowEntry, removed: inout [WindowEntry]) {
        super.insert(e, removed: &removed)
        guard let newest = self.time(e) else { return }
        self.earliest = Swift.min(self.earliest ?? newest, newest)
        guard let earliest = self.earliest, earliest &+ self.period <= newest else { return }
        var remaining: Int64?
        for x in self.entries where x.alive && x !== e {
            guard let t = self.time(x) else { continue }
            if t &+ self.period <= newest {
                super.forget(x)  // counted out now; the chain marks it dead and tells the other windows
                removed.append(x)
            } else {
                remaining = Swift.min(remaining ?? t, t)
            }
        }
        self.earliest = Swift.min(remaining ?? newest, newest)
    }
}

/// `#time_accum(period)`: entries accumulate while they keep arriving; `period` after the last arrival all leave.
final class TimeAccumulatingWindow: DataWindow {
    let period: Int64
    @exclusivity(unchecked) private var lastArrival: Int64 = 0

    init(period: Int64) { self.period = period }

    override func insert(_ e: WindowEntry, removed: inout [WindowEntry]) {
        super.insert(e, removed: &removed)
        self.lastArrival = e.enteredAt
    }

    override func expire(now: Int64, removed: inout [WindowEntry]) {
        guard now >= self.lastArrival &+ self.period else { return }
        while let old = self.popOldest() { removed.append(old) }
    }

    override var nextExpiry: Int64? { self.liveCount > 0 ? self.lastArrival &+ self.period : nil }
}

/// `#expr(condition)`: after each arrival the oldest entries leave while the condition does not hold of them.
/// The condition reads a tuple of the oldest event and ``ExpressionWindow/facts`` (`current_count`,
/// `oldest_timestamp`, `newest_timestamp`, `expired_count`).
final class ExpressionWindow: DataWindow {
    let condition: CompiledExpr
    let context: EvalContext
    let tupleType: EventType
    @exclusivity(unchecked) private var expired: Int64 = 0

    /// The type of the facts the condition reads besides the event.
    static let facts = EventType(
        name: "ExpressionWindowFacts",
        representation: .row,
        ownColumns: [
            Column("current_count", .long), Column("oldest_timestamp", .long), Column("newest_timestamp", .long),
            Column("expired_count", .long),
        ],
        parents: []
    )

    init(condition: @escaping CompiledExpr, tupleType: EventType, context: EvalContext) {
        self.condition = condition
        self.tupleType = tupleType
        self.context = context
    }

    override func insert(_ e: WindowEntry, removed: inout [WindowEntry]) {
        super.insert(e, removed: &removed)
        let saved = self.context.event
        defer { self.context.event = saved }
        self.trimDead()
        while let oldest = self.entries.first {
            let facts = EngineEvent(
                type: Self.facts,
                timestamp: e.enteredAt,
                body: .row([.int(Int64(self.liveCount)), .int(oldest.enteredAt), .int(e.enteredAt), .int(self.expired)])
            )
            self.context.event = EngineEvent(
                type: self.tupleType,
                timestamp: e.enteredAt,
                body: .tuple([oldest.event, facts])
            )
            if self.condition(self.context).isTrue { return }
            guard let old = self.popOldest() else { return }
            self.expired += 1
            removed.append(old)
            self.trimDead()
        }
    }
}
