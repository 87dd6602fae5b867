import CMalloc
import KaijuCodecs
public import KaijuCore
public import NIOCore
import Synchronization

/// Runs a ``Runtime`` on its own event loop and feeds it what the listeners decode.
///
/// Listeners submit whole decoded batches; the pump counts batches in flight. While ``isBehind``
/// (backpressure) a TCP connection stops reading until ``whenBelowHighWater(on:)`` completes, HTTP answers
/// 503 and UDP drops, each counted, so the queue holds at most ``highWater`` batches plus one read per
/// connection. Timers fire from a periodic tick on the wall clock.
public final class EnginePump: Sendable {
    /// The loop the runtime runs on.
    public let loop: any EventLoop
    private let runtime: NIOLoopBound<Runtime>
    private let inFlight = Atomic<Int>(0)
    /// Readers paused for backpressure, woken when the queue falls below ``highWater``.
    private let waiters = Mutex<[EventLoopPromise<Void>]>([])
    /// Set once shutdown has drained the connections: later batches are dropped and counted.
    private let stopped = Atomic<Bool>(false)
    /// The deepest the queue has been, for `kaiju_queue_depth_max`.
    private let deepest = Atomic<Int>(0)
    /// Whether the queue has held batches since memory was last handed back.
    private let loadedSinceTrim = Atomic<Bool>(false)
    /// Batches in flight above which readers pause.
    public let highWater: Int
    /// The counters `/metrics` shows.
    public let stats: IngestStats
    /// `--record`: every input event, as it enters the runtime.
    let recorder: RecordingWriter?

    private init(
        loop: any EventLoop,
        runtime: NIOLoopBound<Runtime>,
        highWater: Int,
        stats: IngestStats,
        recorder: RecordingWriter?
    ) {
        self.loop = loop
        self.runtime = runtime
        self.highWater = highWater
        self.stats = stats
        self.recorder = recorder
    }

    /// Creates the runtime on `loop` (wall clock), runs `setup` there (declare types, add rules), and starts ticking.
    public static func start(
        on loop: any EventLoop,
        highWater: Int,
        limits: RuntimeLimits = RuntimeLimits(),
        stats: IngestStats,
        tick: TimeAmount = .milliseconds(50),
        recorder: RecordingWriter? = nil,
        setup: @escaping @Sendable (Runtime) throws -> Void
    ) async throws -> EnginePump {
        let bound = try await loop.submit { () throws -> NIOLoopBound<Runtime> in
            let runtime = Runtime(clock: .wall, limits: limits)
            try setup(runtime)
            return NIOLoopBound(runtime, eventLoop: loop)
        }.get()
        let pump = EnginePump(loop: loop, runtime: bound, highWater: highWater, stats: stats, recorder: recorder)
        loop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in
            bound.value.tick()
            pump.releaseMemoryWhenIdle()
        }
        return pump
    }

    /// After load, once the queue is empty, hands freed heap pages back to the system (glibc keeps them
    /// otherwise), so RSS returns after a burst.
    private func releaseMemoryWhenIdle() {
        guard self.queueDepth == 0, self.loadedSinceTrim.exchange(false, ordering: .relaxed) else { return }
        _ = kaiju_release_free_memory()
    }

    /// Completes on `loop` once the queue is below ``highWater`` (at once if it already is).
    public func whenBelowHighWater(on loop: any EventLoop) -> EventLoopFuture<Void> {
        self.waiters.withLock { waiters in
            guard self.isBehind else { return loop.makeSucceededVoidFuture() }
            let promise = loop.makePromise(of: Void.self)
            waiters.append(promise)
            return promise.futureResult
        }
    }

    /// Wakes every paused reader now, behind or not (at shutdown, so what they hold reaches the engine).
    public func releasePausedReaders() { self.wakeWaiters(force: true) }

    /// Refuses every later batch (dropped and counted as `shutdown`) and wakes paused readers.
    public func stop() {
        self.stopped.store(true, ordering: .relaxed)
        self.wakeWaiters(force: true)
    }

    private func wakeWaiters(force: Bool = false) {
        let woken: [EventLoopPromise<Void>] = self.waiters.withLock { waiters in
            guard force || !self.isBehind, !waiters.isEmpty else { return [] }
            defer { waiters.removeAll() }
            return waiters
        }
        for promise in woken { promise.succeed() }
    }

    /// Batches submitted and not yet processed.
    public var queueDepth: Int { self.inFlight.load(ordering: .relaxed) }

    /// The deepest the queue has been since the pump started.
    public var maxQueueDepth: Int { self.deepest.load(ordering: .relaxed) }

    /// Whether readers should pause.
    public var isBehind: Bool { self.queueDepth >= self.highWater }

    /// Sends `items` into the runtime; the future completes once they have been processed.
    @discardableResult
    public func submit(_ items: [InputEvent]) -> EventLoopFuture<Void> {
        guard !items.isEmpty else { return self.loop.makeSucceededVoidFuture() }
        guard !self.stopped.load(ordering: .relaxed) else {
            self.stats.dropped("shutdown", items.count)
            return self.loop.makeSucceededVoidFuture()
        }
        let depth = self.inFlight.add(1, ordering: .relaxed).newValue
        var deepest = self.deepest.load(ordering: .relaxed)
        while depth > deepest {
            let (exchanged, original) = self.deepest.compareExchange(
                expected: deepest,
                desired: depth,
                ordering: .relaxed
            )
            if exchanged { break }
            deepest = original
        }
        self.loadedSinceTrim.store(true, ordering: .relaxed)
        return self.loop.submit {
            defer {
                self.inFlight.subtract(1, ordering: .relaxed)
                self.wakeWaiters()
            }
            let runtime = self.runtime.value
            var metrics = 0
            var logs = 0
            var spans = 0
            var batches = 0
            var events = 0
            var declared = 0
            var recorded = ""
            for item in items {
                runtime.send(item)
                if self.recorder != nil { recorded += RecordingLine(at: runtime.now, event: item).jsonString + "\n" }
                switch item {
                case .metric: metrics += 1
                case .log: logs += 1
                case .batch(let b):
                    batches += 1
                    spans += b.spans.count
                case .event: events += 1
                case .declared: declared += 1
                }
            }
            self.recorder?.append(recorded)
            self.stats.add(.init("kaiju_events_in_total", ["type": "Metric"]), metrics)
            self.stats.add(.init("kaiju_events_in_total", ["type": "LogRecord"]), logs)
            self.stats.add(.init("kaiju_events_in_total", ["type": "Batch"]), batches)
            self.stats.add(.init("kaiju_events_in_total", ["type": "Span"]), spans)
            self.stats.add(.init("kaiju_events_in_total", ["type": "Event"]), events)
            if declared > 0 { self.stats.add(.init("kaiju_events_in_total", ["type": "declared"]), declared) }
        }
    }

    /// Each running statement's figures (events in, rows out, what its limits refused), in creation order.
    public func statementCounters() -> EventLoopFuture<[StatementInfo]> {
        self.withRuntime { runtime in runtime.statementInfos }
    }

    /// Each table's rows and rows refused by its limit, by name.
    public func tableCounters() -> EventLoopFuture<[TableCounter]> {
        self.withRuntime { runtime in
            runtime.tableInfos.map { TableCounter(name: $0.name, rows: $0.rows, refused: $0.refused) }
        }
    }

    /// Runs `body` with the runtime on its loop.
    public func withRuntime<T: Sendable>(_ body: @escaping @Sendable (Runtime) throws -> T) -> EventLoopFuture<T> {
        self.loop.submit { try body(self.runtime.value) }
    }
}

/// A table's figures for `/metrics`.
public struct TableCounter: Sendable {
    /// The table's name.
    public let name: String
    /// Rows it holds.
    public let rows: Int
    /// Rows refused by ``RuntimeLimits/maxTableRows``.
    public let refused: Int
}
