/// One or more retaining windows applied together (Esper's intersection of data windows): an event is
/// in the chain's window while every window keeps it, and leaves when the first one removes it.
final class WindowChain {
    let windows: [DataWindow]
    /// The most entries the chain may hold; the oldest is pushed out beyond it.
    let limit: Int
    /// Entries pushed out by ``limit``.
    @exclusivity(unchecked) private(set) var evictions = 0
    /// What one window removed, before the others are told (reused: no array per event).
    @exclusivity(unchecked) private var scratch: [WindowEntry] = []

    /// Whether a window can refuse events (``DataWindow/admits(_:now:)``).
    let gatekeeps: Bool

    init(windows: [DataWindow], limit: Int) {
        self.windows = windows
        self.limit = limit
        self.gatekeeps = windows.contains { $0.gatekeeps }
    }

    /// Whether every window lets `e` in at `now`.
    func admits(_ e: WindowEntry, now: Int64) -> Bool {
        self.windows.allSatisfy { $0.admits(e, now: now) }
    }

    /// Adds `e`; appends the entries that left because of it to `removed`.
    func insert(_ e: WindowEntry, removed: inout [WindowEntry]) {
        for i in self.windows.indices {
            self.windows[i].insert(e, removed: &self.scratch)
            self.settle(from: i, into: &removed)
        }
        if let first = self.windows.first, first.liveCount > self.limit, let old = first.popOldest() {
            self.evictions += 1
            self.scratch.append(old)
            self.settle(from: 0, into: &removed)
        }
    }

    /// Removes entries due at `now`.
    func expire(now: Int64, removed: inout [WindowEntry]) {
        for i in self.windows.indices {
            self.windows[i].expire(now: now, removed: &self.scratch)
            self.settle(from: i, into: &removed)
        }
    }

    /// Takes a live entry out of every window (an on-delete or on-merge deleting it).
    func remove(_ e: WindowEntry) {
        guard e.alive else { return }
        e.alive = false
        for w in self.windows { w.forget(e) }
    }

    /// The earliest time any window has something to expire.
    var nextExpiry: Int64? {
        var earliest: Int64?
        for w in self.windows {
            if let t = w.nextExpiry, earliest.map({ t < $0 }) ?? true { earliest = t }
        }
        return earliest
    }

    /// The live entries, oldest first.
    var contents: [WindowEntry] { self.windows.first?.live ?? [] }

    /// Marks entries removed by window `source` dead and tells the other windows.
    private func settle(from source: Int, into removed: inout [WindowEntry]) {
        for e in self.scratch where e.alive {
            e.alive = false
            if self.windows.count > 1 {
                for j in self.windows.indices where j != source { self.windows[j].forget(e) }
            }
            removed.append(e)
        }
        self.scratch.clear()
    }
}
