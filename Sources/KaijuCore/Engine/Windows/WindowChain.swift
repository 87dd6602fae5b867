/// One or more retaining windows applied together (Esper's intersection of data windows): an event is
/// in the chain's window while every window keeps it, and leaves when the first one removes it.
final class WindowChain {
    let windows: [DataWindow]
    /// The most entries the chain may hold; the oldest is pushed out beyond it.
    let limit: Int
    /// Entries pushed out by ``limit``.
    @exclusivity(unchecked) private(set) var evictions = 0

    init(windows: [DataWindow], limit: Int) {
        self.windows = windows
        self.limit = limit
    }

    /// Adds `e`; appends the entries that left because of it to `removed`.
    func insert(_ e: WindowEntry, removed: inout [WindowEntry]) {
        var scratch: [WindowEntry] = []
        for (i, w) in self.windows.enumerated() {
            w.insert(e, removed: &scratch)
            self.settle(&scratch, from: i, into: &removed)
        }
        if let first = self.windows.first, first.liveCount > self.limit, let old = first.popOldest() {
            self.evictions += 1
            scratch.append(old)
            self.settle(&scratch, from: 0, into: &removed)
        }
    }

    /// Removes entries due at `now`.
    func expire(now: Int64, removed: inout [WindowEntry]) {
        var scratch: [WindowEntry] = []
        for (i, w) in self.windows.enumerated() {
            w.expire(now: now, removed: &scratch)
            self.settle(&scratch, from: i, into: &removed)
        }
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
    private func settle(_ scratch: inout [WindowEntry], from source: Int, into removed: inout [WindowEntry]) {
        for e in scratch where e.alive {
            e.alive = false
            for (j, other) in self.windows.enumerated() where j != source { other.forget(e) }
            removed.append(e)
        }
        scratch.clear()
    }
}
