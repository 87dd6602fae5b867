/// One stream's data windows (an intersection chain, or a batch window) with their timers.
/// What enters and leaves is handed to a sink: the statement, or a join.
final class WindowStage {
    /// The stream's number, which tells its timers apart.
    let index: Int
    /// The stream's last events, kept when a `prior` reads them.
    @exclusivity(unchecked) var history: PriorHistory?
    let chain: WindowChain?
    let batch: BatchWindow?
    @exclusivity(unchecked) private var windowTimerAt: Int64?
    @exclusivity(unchecked) private var batchTimerAt: Int64?
    @exclusivity(unchecked) private var newBuffer: [WindowEntry] = []
    @exclusivity(unchecked) private var oldBuffer: [WindowEntry] = []
    /// The entries a gatekeeping chain let in, of one insert.
    @exclusivity(unchecked) private var admitted: [WindowEntry] = []
    /// Entries that left (or, without windows, passed through) and that nothing references any more,
    /// reused for the next events instead of allocating one per event.
    @exclusivity(unchecked) private var spareEntries: [WindowEntry] = []
    /// The most spare entries kept.
    private static let maxSpareEntries = 64

    init(index: Int, chain: WindowChain?, batch: BatchWindow?) {
        self.index = index
        self.chain = chain
        self.batch = batch
    }

    /// Whether the stage retains anything.
    var retains: Bool { self.chain != nil || self.batch != nil }

    /// Adds entries; `sink` gets what entered and what left (a batch window reports when a batch closes).
    func insert(
        _ entries: [WindowEntry],
        statement: Statement,
        runtime: Runtime,
        _ sink: ([WindowEntry], [WindowEntry]) -> Void
    ) {
        if let batch = self.batch {
            for e in entries {
                if let closed = batch.insert(e, now: runtime.now) { sink(closed.new, closed.old) }
            }
            self.scheduleBatch(statement, runtime)
            return
        }
        self.oldBuffer.clear()
        if let chain = self.chain {
            if chain.gatekeeps {
                // Only what the `#first...` windows let in enters, and only that produces results.
                self.admitted.clear()
                for e in entries where chain.admits(e, now: runtime.now) {
                    chain.insert(e, removed: &self.oldBuffer)
                    self.admitted.append(e)
                }
                self.scheduleWindow(statement, runtime)
                if !self.admitted.isEmpty || !self.oldBuffer.isEmpty { sink(self.admitted, self.oldBuffer) }
                self.admitted.clear()
                self.recycle(&self.oldBuffer)
                return
            }
            for e in entries { chain.insert(e, removed: &self.oldBuffer) }
            self.scheduleWindow(statement, runtime)
        }
        sink(entries, self.oldBuffer)
        self.recycle(&self.oldBuffer)
    }

    /// An entry for `event`: a spare one if there is one, else a new one.
    func entry(for event: EngineEvent, seq: Int64, now: Int64) -> WindowEntry {
        if let spare = self.spareEntries.popLast() {
            spare.reuse(for: event, seq: seq, enteredAt: now)
            return spare
        }
        return WindowEntry(event: event, seq: seq, enteredAt: now)
    }

    /// Empties `done`, keeping the entries nothing else references (windows of an intersection drop
    /// dead entries lazily, so a removed entry may still be held) as spares.
    private func recycle(_ done: inout [WindowEntry]) {
        while var e = done.popLast() {
            if self.spareEntries.count < Self.maxSpareEntries, isKnownUniquelyReferenced(&e) {
                self.spareEntries.append(e)
            }
        }
    }

    /// Adds one entry (the common case, without an array per event).
    func insert(
        _ entry: WindowEntry,
        statement: Statement,
        runtime: Runtime,
        _ sink: ([WindowEntry], [WindowEntry]) -> Void
    ) {
        self.newBuffer.clear()
        self.newBuffer.append(entry)
        self.insert(self.newBuffer, statement: statement, runtime: runtime, sink)
        if !self.retains { self.recycle(&self.newBuffer) }
    }

    /// A window or batch timer of this stage fired.
    func fire(
        _ kind: Statement.TimerKind,
        at: Int64,
        statement: Statement,
        runtime: Runtime,
        _ sink: ([WindowEntry], [WindowEntry]) -> Void
    ) {
        switch kind {
        case .window:
            guard self.windowTimerAt == at, let chain = self.chain else { return }
            self.windowTimerAt = nil
            self.oldBuffer.clear()
            chain.expire(now: at, removed: &self.oldBuffer)
            self.scheduleWindow(statement, runtime)
            if !self.oldBuffer.isEmpty { sink([], self.oldBuffer) }
            self.recycle(&self.oldBuffer)
        case .batch:
            guard self.batchTimerAt == at, let batch = self.batch else { return }
            self.batchTimerAt = nil
            if let closed = batch.closeDue(now: at) { sink(closed.new, closed.old) }
            self.scheduleBatch(statement, runtime)
        case .output, .pattern, .context, .matchInterval:
            break
        }
    }

    private func scheduleWindow(_ statement: Statement, _ runtime: Runtime) {
        guard let next = self.chain?.nextExpiry else { return }
        if let pending = self.windowTimerAt, pending <= next { return }
        self.windowTimerAt = next
        runtime.scheduler.schedule(at: next, statement, .window(self.index))
    }

    /// Schedules what is due from the statement's start (an eager time batch).
    func start(_ statement: Statement, _ runtime: Runtime) { self.scheduleBatch(statement, runtime) }

    private func scheduleBatch(_ statement: Statement, _ runtime: Runtime) {
        guard let due = self.batch?.closesAt, self.batchTimerAt != due else { return }
        self.batchTimerAt = due
        runtime.scheduler.schedule(at: due, statement, .batch(self.index))
    }

    /// The live entries, oldest first.
    var contents: [WindowEntry] { self.chain?.contents ?? self.batch?.contents ?? [] }

    /// Entries pushed out by the size limit, and events a `#groupwin` could not keep (its group limit reached).
    var evictions: Int {
        (self.chain?.evictions ?? 0) + (self.chain?.windows.reduce(0) { $0 + $1.refusedEvents } ?? 0)
            + (self.batch?.dropped ?? 0)
    }
}
