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
///
/// With ``NATSLink/replicas`` 0 the replica count is learnt: replicas announce their number on
/// `kaiju.hl.members` every ``NATSLink/heartbeat``; the count is one more than the highest number heard
/// within three heartbeats, and the partitions are handed over when it changes.
public final class NATSEventConsumer: Sendable {
    let link: NATSLink
    let pump: EnginePump
    let stats: IngestStats
    let logger: Logger
    private let state = Mutex<State>(State())

    struct State {
        var connection: NATSConnection?
        /// The fetch loop of each partition consumed now.
        var consuming: [Int: Task<Void, Never>] = [:]
        /// The replica count the partitions are assigned by.
        var replicas = 0
        /// When each replica was last heard (learnt replica count only).
        var heard: [Int: ContinuousClock.Instant] = [:]
        var heartbeat: Task<Void, Never>?
    }

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
        self.state.withLock { $0.connection = connection }
        let js = JetStream(connection)
        try await js.ensureStream(self.link.streamConfig)
        guard self.link.replicas == 0 else {
            try await self.assign(self.link.replicas, js)
            return
        }
        _ = try await connection.subscribe(NATSLink.membersSubject) { message in
            guard let replica = Int(String(decoding: message.payload, as: UTF8.self)),
                (0..<NATSLink.maxReplicas).contains(replica)
            else { return }
            self.state.withLock { $0.heard[replica] = .now }
        }
        // Hear the replicas already running before taking partitions, so none is taken from them.
        try await connection.publish(NATSLink.membersSubject, payload: Array(String(self.link.replica).utf8))
        try await Task.sleep(for: self.link.heartbeat * 1.5)
        try await self.assign(self.liveReplicas(), js)
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await connection.publish(NATSLink.membersSubject, payload: Array(String(self.link.replica).utf8))
                try? await Task.sleep(for: self.link.heartbeat)
                let replicas = self.liveReplicas()
                if replicas != self.state.withLock({ $0.replicas }) {
                    do {
                        try await self.assign(replicas, js)
                    } catch {
                        self.logger.warning(
                            "NATS: taking partitions for \(replicas) replicas failed, retrying: \(error)"
                        )
                    }
                }
            }
        }
        self.state.withLock { $0.heartbeat = heartbeat }
    }

    /// One more than the highest replica number heard within three heartbeats (this one included).
    private func liveReplicas() -> Int {
        let horizon = ContinuousClock.now - self.link.heartbeat * 3
        return self.state.withLock { s in
            s.heard = s.heard.filter { $0.value >= horizon }
            return max(self.link.replica, s.heard.keys.max() ?? 0) + 1
        }
    }

    /// Consumes the partitions this replica owns among `replicas`: stops the others (what they fetched
    /// and did not acknowledge is delivered to their new owner after the ack wait) and starts the new ones.
    private func assign(_ replicas: Int, _ js: JetStream) async throws {
        let owned = Set(self.link.partitions(sharedBy: replicas))
        let (released, running) = self.state.withLock { s -> ([Int: Task<Void, Never>], Set<Int>) in
            let released = s.consuming.filter { !owned.contains($0.key) }
            for p in released.keys { s.consuming[p] = nil }
            return (released, Set(s.consuming.keys))
        }
        for (p, task) in released {
            task.cancel()
            self.stats.set(.init("kaiju_nats_pending", ["partition": String(p)]), 0)
            self.stats.set(.init("kaiju_nats_ack_pending", ["partition": String(p)]), 0)
        }
        for p in owned.subtracting(running).sorted() {
            try await js.ensureConsumer(
                stream: self.link.stream,
                durable: "kaiju-hl-\(p)",
                filterSubject: self.link.subject(p),
                ackWait: self.link.ackWait,
                maxAckPending: self.link.batch * 4
            )
            let task = Task { await self.consume(p, js) }
            self.state.withLock { $0.consuming[p] = task }
        }
        // Only now: a failure above leaves the count unchanged, so the next heartbeat tries again.
        self.state.withLock { $0.replicas = replicas }
        self.stats.set(.init("kaiju_nats_partitions"), owned.count)
        if !released.isEmpty || owned.count != running.count {
            self.logger.info("NATS: replica \(self.link.replica) of \(replicas) consumes partitions \(owned.sorted())")
        }
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
                if !Task.isCancelled, let info = try? await js.consumerInfo(stream: self.link.stream, durable: durable)
                {
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
        let (tasks, heartbeat, connection) = self.state.withLock { s in
            (Array(s.consuming.values), s.heartbeat, s.connection)
        }
        heartbeat?.cancel()
        for t in tasks { t.cancel() }
        await connection?.close()
    }
}
