import DequeModule
public import KaijuCore
import KaijuNATS
public import Logging
import Synchronization

/// Publishes the Events a module produces to JetStream, `kaiju.events.<partition>`, the partition being
/// a stable hash of the Event's key property modulo the partitions. At least once: each Event is
/// published with a message id (de-duplicated by the stream) and held until the stream acknowledges it,
/// retried with backoff; at most ``NATSLink/capacity`` are held, the oldest dropped and counted beyond it.
public final class NATSEventPublisher: Sendable {
    struct Pending {
        let subject: String
        let payload: [UInt8]
        let id: String
    }

    let link: NATSLink
    let stats: IngestStats
    let logger: Logger
    private let queue = Mutex<Deque<Pending>>([])
    private let sequence = Atomic<Int>(0)
    /// Identifies this publisher's messages across restarts (with the sequence, the message id).
    private let instance = UInt64.random(in: 0...UInt64.max)
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let connection = Mutex<NATSConnection?>(nil)

    /// A publisher for `link`, counting in `stats`.
    public init(link: NATSLink, stats: IngestStats, logger: Logger) {
        self.link = link
        self.stats = stats
        self.logger = logger
        (self.wakes, self.wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Statements' own partition keys (`partitionKey:` in statements.txt, `@partitionKey` in a module), by name.
    private let statementKeys = Mutex<[String: [String]]>([:])

    /// Makes the Events statement `name` produces pick their partition by `key` (a property path such
    /// as `["payload", "host"]`) instead of the link's key; `nil` goes back to the link's key.
    public func setPartitionKey(_ key: [String]?, forStatement name: String) {
        self.statementKeys.withLock { $0[name] = key }
    }

    /// The key the Events of `producer` are partitioned by.
    func partitionKey(for producer: String?) -> [String] {
        guard let producer else { return self.link.partitionKey }
        return self.statementKeys.withLock { $0[producer] } ?? self.link.partitionKey
    }

    /// The partition of `event` by `key`: FNV-1a of the key value's JSON text, modulo the partitions.
    func partition(of event: Event, key: [String]) -> Int {
        var v = Value.object(["payload": Value.object(event.payload), "context": Value.object(event.context)])
        for k in key { v = v[k] }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in v.jsonString.utf8 {
            hash ^= UInt64(b)
            hash &*= 0x100_0000_01b3
        }
        return Int(hash % UInt64(max(self.link.partitions, 1)))
    }

    /// Queues `events` for publishing (from the engine's thread), partitioned by the key of the
    /// statement that produced them (`producer`) or the link's; never blocks.
    public func send(_ events: [Event], from producer: String? = nil) {
        var dropped = 0
        let key = self.partitionKey(for: producer)
        let items = events.map { e -> Pending in
            var w = JSONWriter()
            e.encode(to: &w)
            let n = self.sequence.wrappingAdd(1, ordering: .relaxed).newValue
            return Pending(
                subject: self.link.subject(self.partition(of: e, key: key)),
                payload: w.bytes,
                id: "\(self.instance)-\(n)"
            )
        }
        let depth = self.queue.withLock { q -> Int in
            q.append(contentsOf: items)
            while q.count > self.link.capacity {
                q.removeFirst()
                dropped += 1
            }
            return q.count
        }
        if dropped > 0 { self.stats.add(.init("kaiju_nats_publish_dropped_total"), dropped) }
        self.stats.set(.init("kaiju_nats_publish_pending"), depth)
        self.wake.yield()
    }

    /// A listener publishing each output row as an Event (partitioned by its statement's key),
    /// counted as an Event out.
    public func eventListener(stats: IngestStats) -> StatementListener {
        { output in
            self.send(output.rows.map { Event(row: $0) }, from: output.statement)
            stats.add(.init("kaiju_events_out_total", ["type": "Event"]), output.rows.count)
        }
    }

    /// Connects, creates the stream if missing, and starts publishing what is queued.
    /// - Throws: when the server cannot be reached or refuses the stream.
    public func start() async throws {
        let connection = try await NATSConnection.connect(self.link.options)
        self.connection.withLock { $0 = connection }
        let js = JetStream(connection)
        try await js.ensureStream(self.link.streamConfig)
        let task = Task { await self.run(js) }
        self.task.withLock { $0 = task }
    }

    /// Publishes what is queued in windows of up to ``NATSLink/publishWindow`` Events: each window is
    /// written in order in one go, then its acknowledgements are awaited; a window with a failure
    /// is sent again after a backoff (the message ids keep what the stream already stored from being
    /// stored twice).
    private func run(_ js: JetStream) async {
        var backoff = Duration.milliseconds(50)
        for await _ in self.wakes {
            while true {
                let window = self.queue.withLock { Array($0.prefix(self.link.publishWindow)) }
                guard !window.isEmpty else { break }
                do {
                    let pending = try await js.send(window.map { ($0.subject, $0.payload, $0.id) })
                    for p in pending { _ = try await p.acknowledgement() }
                    let sent = Set(window.map(\.id))
                    let depth = self.queue.withLock { q -> Int in
                        while let first = q.first, sent.contains(first.id) { q.removeFirst() }
                        return q.count
                    }
                    self.stats.add(.init("kaiju_nats_published_total"), window.count)
                    self.stats.set(.init("kaiju_nats_publish_pending"), depth)
                    backoff = .milliseconds(50)
                } catch {
                    self.stats.add(.init("kaiju_nats_publish_failures_total"))
                    self.logger.warning("NATS publish failed, retrying: \(error)")
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(5))
                    if Task.isCancelled { return }
                }
            }
        }
    }

    /// Waits until every queued Event is acknowledged, up to `timeout`; then stops.
    public func shutdown(flushTimeout: Duration = .seconds(2)) async {
        let deadline = ContinuousClock.now + flushTimeout
        while self.queue.withLock({ !$0.isEmpty }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        self.wake.finish()
        self.task.withLock { $0 }?.cancel()
        await self.connection.withLock { $0 }?.close()
    }
}
