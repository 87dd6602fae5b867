/// A tumbling window: `#time_batch(d)` or `#length_batch(n)`. When a batch closes it is posted as the
/// insert stream, and the previous batch as the remove stream.
final class BatchWindow {
    enum Kind {
        case time(Int64)
        case length(Int)
    }

    let kind: Kind
    let limit: Int
    @exclusivity(unchecked) private(set) var current: [WindowEntry] = []
    @exclusivity(unchecked) private(set) var previous: [WindowEntry] = []
    /// The time the first batch started; later batches align to it.
    @exclusivity(unchecked) private(set) var reference: Int64?
    /// When the running batch closes (time batches).
    @exclusivity(unchecked) private(set) var closesAt: Int64?
    /// Entries refused because the batch was full.
    @exclusivity(unchecked) private(set) var dropped = 0

    /// Whether a batch is posted (and the timer keeps ticking) even when it and the previous are empty.
    let forceUpdate: Bool

    /// A batch window; `startingAt` starts the first time batch then instead of at the first event.
    init(kind: Kind, limit: Int, forceUpdate: Bool = false, startingAt start: Int64? = nil) {
        self.kind = kind
        self.limit = limit
        self.forceUpdate = forceUpdate
        if let start, case .time(let d) = kind {
            self.reference = start
            self.closesAt = start &+ d
        }
    }

    /// Adds an entry; returns a closed batch when a length batch fills.
    func insert(_ e: WindowEntry, now: Int64) -> (new: [WindowEntry], old: [WindowEntry])? {
        guard self.current.count < self.limit else {
            self.dropped += 1
            return nil
        }
        self.current.append(e)
        switch self.kind {
        case .length(let n):
            return self.current.count >= n ? self.close() : nil
        case .time(let d):
            if self.closesAt == nil {
                let ref = self.reference ?? now
                self.reference = ref
                let elapsed = now - ref
                self.closesAt = ref + (elapsed / d + 1) * d
            }
            return nil
        }
    }

    /// Closes the running time batch at its due time; `nil` when there is nothing to post.
    func closeDue(now: Int64) -> (new: [WindowEntry], old: [WindowEntry])? {
        guard case .time(let d) = self.kind, let due = self.closesAt, due <= now else { return nil }
        let posted = self.current.isEmpty && self.previous.isEmpty && !self.forceUpdate ? nil : self.close()
        // Keep ticking while the batch just posted holds events, so it is posted as removed next time.
        self.closesAt = self.previous.isEmpty && !self.forceUpdate ? nil : due + d
        return posted
    }

    private func close() -> (new: [WindowEntry], old: [WindowEntry]) {
        let out = (self.current, self.previous)
        for e in self.previous { e.alive = false }
        self.previous = self.current
        self.current = []
        return out
    }

    /// Events currently held (the running batch).
    var contents: [WindowEntry] { self.current }
}
