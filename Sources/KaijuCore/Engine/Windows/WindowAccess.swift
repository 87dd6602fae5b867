import DequeModule

/// What `prev`, `prevtail`, `prevcount`, `prevwindow` and `prior` read of a single-stream statement: its
/// window in arrival order, and the last events the stream received.
final class WindowAccess {
    let stage: WindowStage
    init(stage: WindowStage) { self.stage = stage }

    /// The window `prev` reads for `event`: the stream's (the first of an intersection), or under
    /// `#groupwin` the event's group's.
    private func window(for event: EngineEvent) -> DataWindow? {
        self.stage.chain?.windows.first?.window(for: event)
    }

    /// The live event `n` places before `event` in the window (`n` = 0: `event` itself); nil past the
    /// oldest, or when `event` is not in the window. `event` is found from the newest end (where the
    /// event being processed sits). In a sorted window (`#sort`, `#rank`), the event at place `n` of its order.
    func event(_ n: Int, before event: EngineEvent) -> EngineEvent? {
        guard let window = self.window(for: event) else { return n == 0 ? event : nil }
        if let sorted = window.sortedLive { return n < sorted.count ? sorted[n].event : nil }
        let entries = window.entries
        var i = entries.count - 1
        while i >= 0, entries[i].event !== event { i -= 1 }
        guard i >= 0 else { return nil }
        var remaining = n
        while remaining > 0 {
            i -= 1
            guard i >= 0 else { return nil }
            if entries[i].alive { remaining -= 1 }
        }
        return entries[i].event
    }

    /// The live event `n` places after the oldest (`n` = 0: the oldest; in a sorted window, the last in its order).
    func event(fromOldest n: Int, current event: EngineEvent) -> EngineEvent? {
        guard let window = self.window(for: event) else { return nil }
        if let sorted = window.sortedLive { return n < sorted.count ? sorted[sorted.count - 1 - n].event : nil }
        var remaining = n
        for e in window.entries where e.alive {
            if remaining == 0 { return e.event }
            remaining -= 1
        }
        return nil
    }

    /// How many events the window (of `event`'s group) holds.
    func count(current event: EngineEvent) -> Int { self.window(for: event)?.liveCount ?? 0 }

    /// The window's events (of `event`'s group), newest first (a sorted window: in its order).
    func newestFirst(current event: EngineEvent) -> [EngineEvent] {
        guard let window = self.window(for: event) else { return [] }
        if let sorted = window.sortedLive { return sorted.map(\.event) }
        return window.entries.reversed().filter(\.alive).map(\.event)
    }

    /// The last events the stream received (for `prior`), once a `prior` asked for them.
    private(set) var history: PriorHistory?

    /// Keeps at least the last `n + 1` events the stream receives.
    func keepHistory(back n: Int) {
        if let h = self.history, h.capacity > n { return }
        let h = PriorHistory(capacity: n + 1)
        self.history = h
        self.stage.history = h
    }
}

/// The last `capacity` events a stream received, for `prior(n, expr)`.
final class PriorHistory {
    let capacity: Int
    @exclusivity(unchecked) private var ring: [EngineEvent?]
    @exclusivity(unchecked) private var next = 0

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 1)
        self.ring = Array(repeating: nil, count: self.capacity)
    }

    /// Records an event the stream received.
    func record(_ event: EngineEvent) {
        self.ring[self.next] = event
        self.next = (self.next + 1) % self.capacity
    }

    /// The event received `n` before `event` (found among the kept ones, newest first).
    func event(_ n: Int, before event: EngineEvent) -> EngineEvent? {
        var i = (self.next - 1 + self.capacity) % self.capacity
        for _ in 0..<self.capacity {
            if self.ring[i] === event { break }
            i = (i - 1 + self.capacity) % self.capacity
        }
        guard self.ring[i] === event, n < self.capacity else { return nil }
        return self.ring[(i - n + self.capacity) % self.capacity]
    }
}
