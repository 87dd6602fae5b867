import DequeModule

/// A retaining window over a statement's stream: keeps entries in arrival order and reports those it removes.
///
/// Entries removed by another window of the same intersection are ``forget(_:)``-ed: counted out at
/// once and dropped lazily when they reach the front, so removal stays O(1).
class DataWindow {
    /// Entries in arrival order, possibly including dead ones.
    @exclusivity(unchecked) var entries: Deque<WindowEntry> = []
    /// Live entries.
    @exclusivity(unchecked) private(set) var liveCount = 0

    /// Whether the window lets `e` in at engine time `now` (the `#first...` windows refuse events once
    /// full; a refused event enters none of the stream's windows and produces no result).
    func admits(_ e: WindowEntry, now: Int64) -> Bool { true }

    /// Whether ``admits(_:now:)`` can refuse.
    var gatekeeps: Bool { false }

    /// Adds an entry; appends what the window pushes out to `removed`.
    func insert(_ e: WindowEntry, removed: inout [WindowEntry]) {
        self.entries.append(e)
        self.liveCount += 1
    }

    /// Another window removed `e`.
    func forget(_ e: WindowEntry) { self.liveCount -= 1 }

    /// Removes what is due at engine time `now`.
    func expire(now: Int64, removed: inout [WindowEntry]) {}

    /// When ``expire(now:removed:)`` next has work, if ever.
    var nextExpiry: Int64? { nil }

    /// Removes and returns the oldest live entry.
    func popOldest() -> WindowEntry? {
        while let first = self.entries.popFirst() {
            if first.alive {
                self.liveCount -= 1
                return first
            }
        }
        return nil
    }

    /// Drops dead entries at the front.
    func trimDead() {
        while let first = self.entries.first, !first.alive { self.entries.removeFirst() }
    }

    /// The live entries, oldest first.
    var live: [WindowEntry] { self.entries.filter(\.alive) }

    /// The live entries in the window's own order, when that is not arrival order (`#sort`, `#rank`):
    /// `prev` indexes it from the top.
    var sortedLive: [WindowEntry]? { nil }

    /// The window `prev` reads for `event` (`#groupwin`: the event's group's).
    func window(for event: EngineEvent) -> DataWindow { self }

    /// Events the window let through without keeping them because a limit was reached (`#groupwin`'s groups).
    var refusedEvents: Int { 0 }

    /// The window of `spec`; `keys` are its compiled key expressions, `context` evaluates them, and
    /// `context.now` is the statement's start (`#firsttime`).
    static func make(_ spec: WindowSpec, keys: [CompiledExpr], context: EvalContext) -> DataWindow {
        switch spec {
        case .time(let p): return TimeWindow(period: p.milliseconds)
        case .length(let n): return LengthWindow(size: n)
        case .lastEvent: return LengthWindow(size: 1)
        case .unique: return UniqueWindow(keys: keys, context: context)
        case .keepAll, .timeBatch, .timeBatchFlagged, .lengthBatch: return DataWindow()
        case .firstEvent: return FirstLengthWindow(size: 1)
        case .firstLength(let n): return FirstLengthWindow(size: n)
        case .firstUnique: return FirstUniqueWindow(keys: keys, context: context)
        case .firstTime(let p): return FirstTimeWindow(endsAt: context.now &+ p.milliseconds)
        case .timeAccumulating(let p): return TimeAccumulatingWindow(period: p.milliseconds)
        case .sort, .rank, .groupWin, .externallyTimed, .expression:
            return DataWindow()  // built by the statement compiler, which compiles their expressions
        }
    }
}

/// `#time(d)`: an entry that entered at t leaves when engine time reaches t + d.
final class TimeWindow: DataWindow {
    let period: Int64
    init(period: Int64) { self.period = period }

    override func expire(now: Int64, removed: inout [WindowEntry]) {
        while let first = self.entries.first {
            if !first.alive {
                self.entries.removeFirst()
            } else if first.enteredAt + self.period <= now {
                removed.append(self.popOldest()!)
            } else {
                return
            }
        }
    }

    override var nextExpiry: Int64? {
        self.trimDead()
        return self.entries.first.map { $0.enteredAt + self.period }
    }
}

/// `#length(n)` and `#lastevent`: the last n entries.
final class LengthWindow: DataWindow {
    let size: Int
    init(size: Int) { self.size = size }

    override func insert(_ e: WindowEntry, removed: inout [WindowEntry]) {
        super.insert(e, removed: &removed)
        while self.liveCount > self.size, let old = self.popOldest() { removed.append(old) }
    }
}

/// A window holding one entry per distinct key (`#unique`, `#firstunique`): the key of an entry, and the
/// entry each key holds, kept as entries leave.
class KeyedWindow: DataWindow {
    // Subclassed by the sorted, grouped and externally timed windows too (a key per entry).
    let keys: [CompiledExpr]
    let context: EvalContext
    /// The entry each key holds.
    @exclusivity(unchecked) var held: [Value: WindowEntry] = [:]

    init(keys: [CompiledExpr], context: EvalContext) {
        self.keys = keys
        self.context = context
    }

    /// The key of `e`.
    final func key(_ e: WindowEntry) -> Value {
        let saved = self.context.event
        self.context.event = e.event
        defer { self.context.event = saved }
        return Value.key(of: self.keys, in: self.context)
    }

    override func forget(_ e: WindowEntry) {
        super.forget(e)
        let k = self.key(e)
        if self.held[k] === e { self.held[k] = nil }
    }

    override func popOldest() -> WindowEntry? {
        guard let e = super.popOldest() else { return nil }
        let k = self.key(e)
        if self.held[k] === e { self.held[k] = nil }
        return e
    }
}

/// `#unique(keys)`: the latest entry per distinct key; the entry it replaces leaves.
final class UniqueWindow: KeyedWindow {
    override func insert(_ e: WindowEntry, removed: inout [WindowEntry]) {
        super.insert(e, removed: &removed)
        if let previous = self.held.updateValue(e, forKey: self.key(e)), previous.alive {
            self.forget(previous)
            removed.append(previous)
        }
    }
}

/// `#firstevent`, `#firstlength(n)`: the first n events; while it holds n, events do not enter.
final class FirstLengthWindow: DataWindow {
    let size: Int
    init(size: Int) { self.size = size }
    override var gatekeeps: Bool { true }
    override func admits(_ e: WindowEntry, now: Int64) -> Bool { self.liveCount < self.size }
}

/// `#firstunique(keys)`: the first event per distinct key; later events with a held key do not enter.
final class FirstUniqueWindow: KeyedWindow {
    override var gatekeeps: Bool { true }
    override func admits(_ e: WindowEntry, now: Int64) -> Bool { self.held[self.key(e)] == nil }

    override func insert(_ e: WindowEntry, removed: inout [WindowEntry]) {
        super.insert(e, removed: &removed)
        self.held[self.key(e)] = e
    }
}

/// `#firsttime(period)`: the events that arrive before the statement's start plus the period; later
/// events do not enter.
final class FirstTimeWindow: DataWindow {
    let endsAt: Int64
    init(endsAt: Int64) { self.endsAt = endsAt }
    override var gatekeeps: Bool { true }
    override func admits(_ e: WindowEntry, now: Int64) -> Bool { now < self.endsAt }
}
