/// A running statement: filter → windows → result processor → output limiter → listeners / insert into.
final class Statement {
    enum TimerKind {
        case window, batch, output

        /// Order among one statement's timers due at the same time.
        var rank: Int {
            switch self {
            case .window, .batch: return 0
            case .output: return 1
            }
        }
    }

    /// Creation order in the runtime, which orders same-time timers across statements.
    var ordinal: Int = 0

    let name: String
    let plan: StatementPlan
    let type: EventType
    let context: EvalContext
    let filter: CompiledExpr?
    let chain: WindowChain?
    let batch: BatchWindow?
    let processor: ResultProcessor
    let limiter: OutputLimiter
    let insertTarget: InsertTarget?
    var listeners: [StatementListener] = []
    var active = true

    private var seq: Int64 = 0
    private var windowTimerAt: Int64?
    private var batchTimerAt: Int64?
    private var outputTimerStarted = false
    private var newBuffer: [WindowEntry] = []
    private var oldBuffer: [WindowEntry] = []
    private var rowBuffer: [ResultProcessor.KeyedRow] = []

    /// Events that passed the filter.
    private(set) var eventsIn = 0
    /// Rows emitted.
    private(set) var rowsOut = 0

    init(
        name: String, plan: StatementPlan, type: EventType, context: EvalContext, filter: CompiledExpr?,
        chain: WindowChain?, batch: BatchWindow?, processor: ResultProcessor, limiter: OutputLimiter,
        insertTarget: InsertTarget?
    ) {
        self.name = name
        self.plan = plan
        self.type = type
        self.context = context
        self.filter = filter
        self.chain = chain
        self.batch = batch
        self.processor = processor
        self.limiter = limiter
        self.insertTarget = insertTarget
    }

    /// Window entries pushed out by the size limit.
    var windowEvictions: Int { (self.chain?.evictions ?? 0) + (self.batch?.dropped ?? 0) }

    /// Handles one event of the statement's type (or a subtype).
    func receive(_ event: EngineEvent, runtime: Runtime) {
        let now = runtime.now
        self.context.now = now
        if let f = self.filter {
            self.context.event = event
            guard f(self.context).isTrue else { return }
        }
        self.eventsIn += 1
        self.seq += 1
        let entry = WindowEntry(event: event, seq: self.seq, enteredAt: now)
        if let batch = self.batch {
            if let closed = batch.insert(entry, now: now) {
                self.update(new: closed.new, old: closed.old, runtime: runtime)
            }
            self.scheduleBatch(runtime)
            return
        }
        self.newBuffer.removeAll(keepingCapacity: true)
        self.oldBuffer.removeAll(keepingCapacity: true)
        self.newBuffer.append(entry)
        if let chain = self.chain {
            chain.insert(entry, removed: &self.oldBuffer)
            self.scheduleWindow(runtime)
        }
        self.update(new: self.newBuffer, old: self.oldBuffer, runtime: runtime)
    }

    /// A timer of this statement fired at engine time `at`.
    func fire(_ kind: TimerKind, at: Int64, runtime: Runtime) {
        guard self.active else { return }
        self.context.now = at
        switch kind {
        case .window:
            guard self.windowTimerAt == at, let chain = self.chain else { return }
            self.windowTimerAt = nil
            self.oldBuffer.removeAll(keepingCapacity: true)
            chain.expire(now: at, removed: &self.oldBuffer)
            self.scheduleWindow(runtime)
            if !self.oldBuffer.isEmpty { self.update(new: [], old: self.oldBuffer, runtime: runtime) }
        case .batch:
            guard self.batchTimerAt == at, let batch = self.batch else { return }
            self.batchTimerAt = nil
            if let closed = batch.closeDue(now: at) { self.update(new: closed.new, old: closed.old, runtime: runtime) }
            self.scheduleBatch(runtime)
        case .output:
            self.emit(self.limiter.periodEnded(), runtime: runtime)
            if let p = self.limiter.period { runtime.scheduler.schedule(at: at + p, self, .output) }
        }
    }

    private func scheduleWindow(_ runtime: Runtime) {
        guard let next = self.chain?.nextExpiry else { return }
        if let pending = self.windowTimerAt, pending <= next { return }
        self.windowTimerAt = next
        runtime.scheduler.schedule(at: next, self, .window)
    }

    private func scheduleBatch(_ runtime: Runtime) {
        guard let due = self.batch?.closesAt, self.batchTimerAt != due else { return }
        self.batchTimerAt = due
        runtime.scheduler.schedule(at: due, self, .batch)
    }

    private func update(new: [WindowEntry], old: [WindowEntry], runtime: Runtime) {
        self.rowBuffer.removeAll(keepingCapacity: true)
        self.processor.process(new: new, old: old, into: &self.rowBuffer)
        if let p = self.limiter.period, !self.outputTimerStarted {
            // Esper: the output period starts with the statement's first result.
            self.outputTimerStarted = true
            runtime.scheduler.schedule(at: runtime.now + p, self, .output)
        }
        let rows = self.limiter.offer(self.rowBuffer, newEvents: new.count, oldEvents: old.count)
        self.emit(rows, runtime: runtime)
    }

    private func emit(_ rows: [Row], runtime: Runtime) {
        guard !rows.isEmpty else { return }
        self.rowsOut += rows.count
        if !self.listeners.isEmpty {
            let output = StatementOutput(statement: self.name, time: runtime.now, rows: rows)
            for l in self.listeners { l(output) }
        }
        if let target = self.insertTarget {
            for row in rows {
                switch target.event(from: row, now: runtime.now) {
                case .success(let e): runtime.enqueue(e)
                case .failure: runtime.counters.insertFailures += 1
                }
            }
        }
    }

    /// The events now in the statement's window, oldest first.
    var windowContents: [EngineEvent] {
        (self.chain?.contents ?? self.batch?.contents ?? []).map(\.event)
    }
}
