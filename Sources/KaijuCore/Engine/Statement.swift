/// A running statement: a front (stream, pattern, join or table trigger) → result processor →
/// output limiter → listeners / insert into.
final class Statement {
    enum TimerKind {
        /// Window expiry of stream n.
        case window(Int)
        /// Batch close of stream n.
        case batch(Int)
        case output
        case pattern(PatternTimer)
        /// A context's timer: partition n ends (or, for ``ContextFront/startTimer``, a partition starts).
        case context(Int)
        /// A match_recognize `interval` ran out for some attempt.
        case matchInterval

        /// Order among one statement's timers due at the same time.
        var rank: Int {
            switch self {
            case .window, .batch, .pattern: return 0
            case .output, .context, .matchInterval: return 1
            }
        }
    }

    /// Creation order in the runtime, which orders same-time timers across statements.
    @exclusivity(unchecked) var ordinal: Int = 0

    let name: String
    /// What the statement was built from.
    var source: StatementInfo.Source
    let context: EvalContext
    let front: any StatementFront
    let processor: ResultProcessor?
    let limiter: OutputLimiter
    let insertTarget: InsertTarget?
    @exclusivity(unchecked) var listeners: [StatementListener] = []
    /// `order by` / `limit`, applied to each output batch.
    @exclusivity(unchecked) var ordering: RowOrdering?
    @exclusivity(unchecked) var active = true
    /// Whether the statement only holds another's subquery window (not listed, removed with it).
    @exclusivity(unchecked) var isCompanion = false
    /// The statements holding this one's subquery windows.
    @exclusivity(unchecked) var companions: [String] = []
    /// For a named window's holder: the statements reading the window, handed each change.
    @exclusivity(unchecked) var windowReaders: [Statement] = [] {
        didSet { self.updateExtras() }
    }

    @exclusivity(unchecked) private var rowBuffer: [ResultProcessor.KeyedRow] = []
    @exclusivity(unchecked) private var outputTimerStarted = false
    /// The rows one update emits (reused: no array per update).
    @exclusivity(unchecked) private var outputRows: [Row] = []
    /// The remove-stream rows one update emits (`irstream`, `rstream`).
    @exclusivity(unchecked) private var outputOldRows: [Row] = []
    /// Which rows the statement delivers.
    let outputStreams: OutputStreams
    /// `select distinct`: equal rows of one delivery go out once.
    let distinct: Bool
    /// `into table`: the table the statement's group rows are written into.
    @exclusivity(unchecked) var tableSink: TableSink? {
        didSet { self.updateExtras() }
    }
    /// Whether an update has more to do than produce rows (a table to write, window readers to tell).
    @exclusivity(unchecked) private var hasExtras = false
    /// For a named window's holder: the hash indexes (`create index`) kept over its events.
    @exclusivity(unchecked) var windowIndexes: [WindowHashIndex] = [] {
        didSet { self.updateExtras() }
    }

    private func updateExtras() {
        self.hasExtras = self.tableSink != nil || !self.windowReaders.isEmpty || !self.windowIndexes.isEmpty
    }

    /// Events that passed the statement's filters.
    @exclusivity(unchecked) var eventsIn = 0
    /// Rows emitted.
    @exclusivity(unchecked) private(set) var rowsOut = 0

    init(
        name: String,
        source: StatementInfo.Source,
        context: EvalContext,
        front: any StatementFront,
        processor: ResultProcessor?,
        limiter: OutputLimiter,
        insertTarget: InsertTarget?,
        outputStreams: OutputStreams = .insert,
        distinct: Bool = false
    ) {
        self.distinct = distinct
        self.outputStreams = outputStreams
        self.name = name
        self.source = source
        self.context = context
        self.front = front
        self.processor = processor
        self.limiter = limiter
        self.insertTarget = insertTarget
    }

    /// The types the statement reads, one per input.
    var inputs: [EventType] { self.front.inputs }

    /// Handles one event of input `input`'s type (or a subtype).
    @inline(__always)
    func receive(_ event: EngineEvent, input: Int, runtime: Runtime) {
        self.context.now = runtime.now
        self.front.receive(event, input: input, statement: self, runtime: runtime)
    }

    /// Starts the statement at engine time `now`: `output after` counts from here, a crontab schedule starts.
    func start(runtime: Runtime) {
        self.context.now = runtime.now
        self.limiter.start(at: runtime.now)
        if self.limiter.period == nil, let due = self.limiter.nextOutput(after: runtime.now) {
            runtime.scheduler.schedule(at: due, self, .output)
        }
        self.front.start(self, runtime: runtime)
    }

    /// A timer of this statement fired at engine time `at`.
    func fire(_ kind: TimerKind, at: Int64, runtime: Runtime) {
        guard self.active else { return }
        self.context.now = at
        if case .output = kind {
            self.outputRows.clear()
            self.outputOldRows.clear()
            self.limiter.periodEnded(
                now: at,
                source: self,
                into: &self.outputRows,
                old: &self.outputOldRows
            )
            self.emit(self.outputRows, old: self.outputOldRows, runtime: runtime)
            self.outputRows.clear()
            self.outputOldRows.clear()
            if let due = self.limiter.nextOutput(after: at) { runtime.scheduler.schedule(at: due, self, .output) }
            return
        }
        self.front.fire(kind, at: at, statement: self, runtime: runtime)
    }

    /// Turns what entered and left the statement's view into output.
    func update(new: [WindowEntry], old: [WindowEntry], runtime: Runtime) {
        if self.hasExtras { self.beforeUpdate(new: new, old: old, runtime: runtime) }
        guard let processor = self.processor else { return }
        self.rowBuffer.clear()
        processor.process(new: new, old: old, into: &self.rowBuffer)
        if self.hasExtras, let sink = self.tableSink {
            sink.write(self.rowBuffer, now: runtime.now, build: self.buildRow)
        }
        if let p = self.limiter.period, !self.outputTimerStarted {
            // Esper: an output period starts with the first update that reaches the statement's output.
            self.outputTimerStarted = true
            runtime.scheduler.schedule(at: runtime.now + p, self, .output)
        }
        if self.limiter.passesRowsThrough && !processor.producesOld {
            // No rate limiting and only the insert stream (most statements): the rows as produced.
            for r in self.rowBuffer { if let row = r.row { self.outputRows.append(row) } }
            self.emit(self.outputRows, runtime: runtime)
            self.outputRows.clear()
            return
        }
        self.limiter.offer(
            self.rowBuffer,
            newEvents: new.count,
            oldEvents: old.count,
            now: runtime.now,
            source: self,
            into: &self.outputRows,
            old: &self.outputOldRows
        )
        // Listeners get the arrays by value; once they let go they are unique again and keep their storage.
        if self.outputOldRows.isEmpty {
            self.emit(self.outputRows, runtime: runtime)
        } else {
            self.emit(self.outputRows, old: self.outputOldRows, runtime: runtime)
            self.outputOldRows.clear()
        }
        self.outputRows.clear()
    }

    /// Delivers rows a context partition's copy of the statement produced, as this statement's.
    func relay(_ output: StatementOutput) {
        self.rowsOut += output.rows.count + output.oldRows.count
        for l in self.listeners { l(output) }
    }

    /// Tells the named window's readers of its change; forgets the groups of deleted `into table` rows.
    private func beforeUpdate(new: [WindowEntry], old: [WindowEntry], runtime: Runtime) {
        for index in self.windowIndexes {
            for e in old { index.remove(e) }
            for e in new { index.add(e) }
        }
        for reader in self.windowReaders {
            (reader.front as? NamedWindowFront)?.windowChanged(new: new, old: old, statement: reader, runtime: runtime)
        }
        if let sink = self.tableSink, !sink.removedGroups.isEmpty, let processor = self.processor {
            processor.forgetGroups(sink.removedGroups)  // a table row deleted: its aggregation starts afresh
            sink.removedGroups.removeAll()
        }
    }

    /// The statement's whole current result (``ResultProcessor/currentRows(contents:)``).
    func currentRows() -> [ResultProcessor.KeyedRow] {
        guard let processor = self.processor else { return [] }
        return processor.currentRows(contents: processor.shape == .rowForAll ? [] : self.front.contents)
    }

    /// The row of a result, building it if its projection was deferred.
    @inline(__always) func buildRow(_ r: ResultProcessor.KeyedRow) -> Row? {
        r.row ?? self.processor?.row(of: r)
    }

    /// Whether anything takes the statement's rows (a listener or an `insert into` stream).
    var hasConsumers: Bool { !self.listeners.isEmpty || self.insertTarget != nil }

    /// Sends rows to the listeners and the `insert into` stream (after `order by` / `limit`): the insert
    /// stream's rows as new rows and the remove stream's as old rows (`irstream`), or the remove stream's
    /// as the rows (`rstream`).
    func emit(_ produced: [Row], old producedOld: [Row]? = nil, runtime: Runtime) {
        guard let producedOld, !producedOld.isEmpty else {
            // The insert stream alone: every statement without rstream/irstream.
            guard self.outputStreams != .remove, !produced.isEmpty else { return }
            self.deliver(self.ordering?.apply(produced) ?? produced, [], runtime: runtime)
            return
        }
        let oldRows = self.ordering?.apply(producedOld) ?? producedOld
        if self.outputStreams == .remove {
            self.deliver(oldRows, [], runtime: runtime)
        } else {
            self.deliver(self.ordering?.apply(produced) ?? produced, oldRows, runtime: runtime)
        }
    }

    @inline(__always) private func deliver(_ rows: [Row], _ oldRows: [Row], runtime: Runtime) {
        guard !rows.isEmpty || !oldRows.isEmpty else { return }
        if self.distinct {
            return self.deliverRows(Self.distinctRows(rows), Self.distinctRows(oldRows), runtime: runtime)
        }
        self.deliverRows(rows, oldRows, runtime: runtime)
    }

    /// The first of each run of equal rows (by values), in order.
    private static func distinctRows(_ rows: [Row]) -> [Row] {
        guard rows.count > 1 else { return rows }
        var seen = Set<HashedValue>()
        return rows.filter { seen.insert(HashedValue(.array($0.values))).inserted }
    }

    @inline(__always) private func deliverRows(_ rows: [Row], _ oldRows: [Row], runtime: Runtime) {
        self.rowsOut += rows.count + oldRows.count
        if !self.listeners.isEmpty {
            let output = StatementOutput(statement: self.name, time: runtime.now, rows: rows, oldRows: oldRows)
            for l in self.listeners { l(output) }
        }
        if let target = self.insertTarget {
            for row in rows { self.insert(row, into: target, runtime: runtime) }
            for row in oldRows { self.insert(row, into: target, runtime: runtime) }
        }
    }

    private func insert(_ row: Row, into target: InsertTarget, runtime: Runtime) {
        switch target.event(from: row, now: runtime.now) {
        case .success(let e): runtime.enqueue(e, from: self.name)
        case .failure: runtime.counters.insertFailures += 1
        }
    }

    /// Sets the statement's `order by` / `limit`.
    func ordered(by ordering: RowOrdering?) -> Statement {
        self.ordering = ordering
        return self
    }

    /// Stops the statement; pending timers are ignored.
    func stop() {
        self.active = false
        self.front.stop()
    }
}
