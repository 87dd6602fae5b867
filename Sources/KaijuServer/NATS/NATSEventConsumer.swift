import KaijuCodecs
import KaijuCore
import KaijuNATS
public import Logging
import NIOCore
import Synchronization

/// kaiju-hl's side of JetStream: one durable pull consumer per partition this replica owns
/// (`kaiju-hl-<partition>`), each fetched in batches, in order, into the engine; a message is
/// acknowledged only after the engine has processed it, so a replica killed and started again resumes
/// from its consumers and loses nothing (messages delivered again are counted). Pending counts per
/// partition are exported for autoscaling.
public final class NATSEventConsumer: Sendable {
    let link: NATSLink
    let pump: EnginePump
    let stats: IngestStats
    let logger: Logger
    private let tasks = Mutex<[Task<Void, Never>]>([])
    private let connection = Mutex<NATSConnection?>(nil)

    /// A consumer of `link`'s partitions for replica ``NATSLink/replica``, feeding `pump`.
    public init(link: NATSLink, pump: EnginePump, stats: IngestStats, logger: Logger) {
        self.link = link
        self.pump = pump
        self.stats = stats
        self.logger = logger
    }

    /// Connects, creates the stream and the consumers if missing, and starts fetching.
    public func start() async throws {
        let connection = try await NATSConnection.connect(self.link.options)
        self.connection.withLock { $0 = connection }
        let js = JetStream(connection)
        try await js.ensureStream(self.link.streamConfig)
        var tasks: [Task<Void, Never>] = []
        for p in self.link.ownPartitions {
            try await js.ensureConsumer(
                stream: self.link.stream,
                durable: "kaiju-hl-\(p)",
                filterSubject: self.link.subject(p),
                ackWait: self.link.ackWait,
                maxAckPending: self.link.batch * 4
            )
            tasks.append(Task { await self.consume(p, js) })
        }
        self.tasks.withLock { $0 = tasks }
    }

    private func consume(_ partition: Int, _ js: JetStream) async {
        let label = String(partition)
        let durable = "kaiju-hl-\(partition)"
        var backoff = Duration.milliseconds(50)
        while !Task.isCancelled {
            do {
                let batch = try await js.fetch(
                    stream: self.link.stream,
                    durable: durable,
                    batch: self.link.batch,
                    expires: .milliseconds(500)
                )
                backoff = .milliseconds(50)
                if !batch.isEmpty { try await self.process(batch, partition: label) }
                // The backlog for autoscaling: what is not delivered yet, and not acknowledged yet.
                if let info = try? await js.consumerInfo(stream: self.link.stream, durable: durable) {
                    self.stats.set(.init("kaiju_nats_pending", ["partition": label]), Int(clamping: info.pending))
                    self.stats.set(
                        .init("kaiju_nats_ack_pending", ["partition": label]),
                        Int(clamping: info.ackPending)
                    )
                }
            } catch {
                if Task.isCancelled { return }
                self.logger.warning("NATS fetch of partition \(partition) failed, retrying: \(error)")
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    /// Hands a batch to the engine, in order, and acknowledges it once the engine has processed it.
    private func process(_ batch: [JetStreamMessage], partition label: String) async throws {
        let decoder = JSONLineDecoder()
        var items: [InputEvent] = []
        for m in batch {
            if m.deliveries > 1 { self.stats.add(.init("kaiju_nats_redelivered_total", ["partition": label])) }
            do {
                try decoder.decode(line: m.message.payload, receivedAt: 0, into: &items)
            } catch {
                self.stats.decodeError("nats")
            }
        }
        try await self.pump.submit(items).get()
        for m in batch { try await m.ack() }
        self.stats.add(.init("kaiju_nats_consumed_total", ["partition": label]), batch.count)
    }

    /// Stops fetching (what was fetched and not acknowledged is delivered again later).
    public func shutdown() async {
        for t in self.tasks.withLock({ $0 }) { t.cancel() }
        await self.connection.withLock { $0 }?.close()
    }
}
