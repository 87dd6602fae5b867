public import KaijuCodecs
import KaijuCore
public import KaijuNATS
public import Logging
import Synchronization

/// Where a source module reads agents' input from NATS (`--nats-input`): the subjects (wildcards
/// allowed), the queue group replicas share them in, and the agents' format.
public struct NATSInput: Sendable {
    /// The subjects subscribed to (`telegraf`, `logs.>`).
    public var subjects: [String]
    /// The queue group: replicas in one group share the messages, each message reaching one of them.
    public var queueGroup: String
    /// What the agents publish.
    public var format: NATSInputFormat

    /// Input from `subjects` in `queueGroup`, decoded as `format`.
    public init(subjects: [String], queueGroup: String, format: NATSInputFormat) {
        self.subjects = subjects
        self.queueGroup = queueGroup
        self.format = format
    }
}

/// Subscribes a source module to agents' NATS subjects in a queue group and feeds each message,
/// decoded, to the engine. Core NATS delivers at most once: while the engine is behind, a message is
/// dropped and counted (`kaiju_dropped_total{reason="nats_slow_consumer"}`), as NATS clients treat a slow
/// consumer, so memory stays bounded.
public final class NATSInputSubscriber: Sendable {
    let input: NATSInput
    let options: NATSOptions
    let decoder: NATSInputDecoder
    let pump: EnginePump
    let logger: Logger
    private let connection = Mutex<NATSConnection?>(nil)

    /// A subscriber to `input` on the server of `options`, decoding within `limits`, feeding `pump`.
    public init(
        input: NATSInput,
        options: NATSOptions,
        limits: IngestLimits,
        timestampUnits: TimestampUnits,
        pump: EnginePump,
        logger: Logger
    ) {
        self.input = input
        self.options = options
        self.decoder = NATSInputDecoder(format: input.format, limits: limits, timestampUnits: timestampUnits)
        self.pump = pump
        self.logger = logger
    }

    /// Connects and subscribes to every subject (the subscriptions outlive reconnects).
    /// - Throws: when the server cannot be reached or refuses a subscription.
    public func start() async throws {
        let connection = try await NATSConnection.connect(self.options)
        self.connection.withLock { $0 = connection }
        for subject in self.input.subjects {
            _ = try await connection.subscribe(subject, queue: self.input.queueGroup) { message in
                self.receive(message)
            }
        }
        try await connection.flush()
    }

    private func receive(_ message: NATSMessage) {
        let stats = self.pump.stats
        stats.add(.init("kaiju_nats_input_messages_total"))
        if self.pump.isBehind {
            stats.dropped("nats_slow_consumer")
            return
        }
        guard message.payload.count <= self.decoder.limits.maxFrameSize else {
            stats.decodeError("nats")
            stats.limitHit("frame")
            self.logger.debug("NATS input on \(message.subject): \(message.payload.count) bytes, over the frame limit")
            return
        }
        let decoded = self.decoder.decode(message.payload, receivedAt: EngineClock.wallMilliseconds())
        for error in decoded.errors {
            stats.decodeError("nats")
            if let limit = error.limit { stats.limitHit(limit) }
            self.logger.debug("NATS input on \(message.subject): \(error)")
        }
        if !decoded.items.isEmpty { _ = self.pump.submit(decoded.items) }
    }

    /// Closes the connection (messages not yet read are not taken).
    public func shutdown() async {
        await self.connection.withLock { $0 }?.close()
    }
}
