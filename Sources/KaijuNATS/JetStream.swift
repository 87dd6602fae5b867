import KaijuCore

/// JetStream over a NATS connection: streams and durable pull consumers through `$JS.API`, publishing
/// with acknowledgements and de-duplication (`Nats-Msg-Id`), fetching in batches, acking.
public struct JetStream: Sendable {
    /// The connection it runs on.
    public let connection: NATSConnection

    /// JetStream on `connection`.
    public init(_ connection: NATSConnection) { self.connection = connection }

    /// A stream's configuration.
    public struct StreamConfig: Sendable {
        /// The stream's name.
        public var name: String
        /// The subjects it stores.
        public var subjects: [String]
        /// `file` (survives restarts) or `memory`.
        public var storage = "file"
        /// Most bytes kept (-1: no limit); the oldest messages go beyond it.
        public var maxBytes: Int64 = -1
        /// Most messages kept (-1: no limit).
        public var maxMessages: Int64 = -1
        /// How long `Nats-Msg-Id`s are remembered for de-duplication.
        public var duplicateWindow: Duration = .seconds(120)

        /// A stream `name` of `subjects`.
        public init(name: String, subjects: [String]) {
            self.name = name
            self.subjects = subjects
        }
    }

    /// What the server says of a published message.
    public struct PubAck: Sendable {
        /// The stream that stored it.
        public let stream: String
        /// Its sequence number in the stream.
        public let sequence: Int64
        /// Whether its `Nats-Msg-Id` was seen before (the message was not stored again).
        public let duplicate: Bool
    }

    /// A durable pull consumer's figures.
    public struct ConsumerInfo: Sendable {
        /// Messages not yet delivered.
        public let pending: Int64
        /// Delivered, not yet acknowledged.
        public let ackPending: Int64
        /// Messages delivered more than once.
        public let redelivered: Int64
    }

    /// Creates the stream, or leaves it as it is when it exists.
    /// - Throws: ``NATSError`` when the server refuses the configuration.
    public func ensureStream(_ config: StreamConfig) async throws {
        var w = JSONWriter()
        w.object { w in
            w.key("name", first: true)
            w.write(config.name)
            w.key("subjects")
            w.array(config.subjects) { w, s in w.write(s) }
            w.key("storage")
            w.write(config.storage)
            w.key("retention")
            w.write("limits")
            w.key("max_bytes")
            w.write(config.maxBytes)
            w.key("max_msgs")
            w.write(config.maxMessages)
            w.key("duplicate_window")
            w.write(Self.nanoseconds(config.duplicateWindow))
        }
        do {
            _ = try await self.api("STREAM.CREATE.\(config.name)", w.bytes)
        } catch let error as NATSError where error.code == 10058 {
            return  // the stream exists
        }
    }

    /// Creates a durable pull consumer of `stream` (explicit acks), or keeps the existing one.
    /// - Parameters:
    ///   - filterSubject: only messages of this subject (all of the stream's when `nil`).
    ///   - ackWait: how long a delivered message may stay unacknowledged before it is delivered again.
    ///   - maxAckPending: most messages delivered and not yet acknowledged.
    public func ensureConsumer(
        stream: String,
        durable: String,
        filterSubject: String? = nil,
        ackWait: Duration = .seconds(30),
        maxAckPending: Int = 1_000
    ) async throws {
        var w = JSONWriter()
        w.object { w in
            w.key("stream_name", first: true)
            w.write(stream)
            w.key("config")
            w.object { w in
                w.key("durable_name", first: true)
                w.write(durable)
                w.key("ack_policy")
                w.write("explicit")
                w.key("deliver_policy")
                w.write("all")
                w.key("ack_wait")
                w.write(Self.nanoseconds(ackWait))
                w.key("max_ack_pending")
                w.write(Int64(maxAckPending))
                if let filterSubject {
                    w.key("filter_subject")
                    w.write(filterSubject)
                }
            }
        }
        _ = try await self.api("CONSUMER.DURABLE.CREATE.\(stream).\(durable)", w.bytes)
    }

    /// Publishes `payload` to `subject` and waits for the stream's acknowledgement; `messageID` (sent as
    /// `Nats-Msg-Id`) makes a re-publish within the duplicate window a no-op.
    /// - Throws: ``NATSError`` when no stream takes the subject or the server refuses it.
    public func publish(_ subject: String, payload: [UInt8], messageID: String? = nil) async throws -> PubAck {
        try await self.send(subject, payload: payload, messageID: messageID).acknowledgement()
    }

    /// A message published and its acknowledgement still to come.
    public struct PendingPubAck: Sendable {
        let reply: NATSConnection.PendingReply

        /// Waits for the stream's acknowledgement.
        /// - Throws: ``NATSError`` when none comes within the request timeout, or the stream refused it.
        public func acknowledgement() async throws -> PubAck {
            let value = try JetStream.checked(try await self.reply.reply().payload)
            return PubAck(
                stream: value["stream"].stringValue ?? "",
                sequence: value["seq"].intValue ?? 0,
                duplicate: value["duplicate"] == .bool(true)
            )
        }
    }

    /// Publishes to a stream's subject and returns once the message is written, with its acknowledgement
    /// to wait for: messages sent one after another go out (and are stored) in order, without waiting for
    /// each other's acknowledgements.
    /// - Throws: ``NATSError`` when the message cannot be sent.
    public func send(_ subject: String, payload: [UInt8], messageID: String? = nil) async throws -> PendingPubAck {
        let headers = messageID.map { [(name: "Nats-Msg-Id", value: $0)] } ?? []
        return PendingPubAck(reply: try await self.connection.sendRequest(subject, payload: payload, headers: headers))
    }

    /// Publishes `messages` (subject, payload, message id) in order in one write, and returns their
    /// acknowledgements to wait for.
    /// - Throws: ``NATSError`` when they cannot be sent.
    public func send(
        _ messages: [(subject: String, payload: [UInt8], messageID: String)]
    ) async throws -> [PendingPubAck] {
        let outgoing = messages.map {
            NATSConnection.OutgoingRequest(
                subject: $0.subject,
                payload: $0.payload,
                headers: [(name: "Nats-Msg-Id", value: $0.messageID)]
            )
        }
        return try await self.connection.sendRequests(outgoing).map { PendingPubAck(reply: $0) }
    }

    /// Fetches up to `batch` messages of a durable pull consumer, waiting at most `expires` for them.
    /// Returns fewer (none) when the consumer has no more by then.
    public func fetch(
        stream: String,
        durable: String,
        batch: Int,
        expires: Duration = .seconds(1)
    ) async throws -> [JetStreamMessage] {
        let connection = self.connection
        let inbox = "\(connection.inbox).fetch.\(UInt64.random(in: 0...UInt64.max))"
        let collected = AsyncStream<NATSMessage>.makeStream(bufferingPolicy: .bufferingOldest(max(batch, 1) + 4))
        let sid = try await connection.subscribe(inbox) { collected.continuation.yield($0) }
        defer { Task { try? await connection.unsubscribe(sid) } }
        var w = JSONWriter()
        w.object { w in
            w.key("batch", first: true)
            w.write(Int64(batch))
            w.key("expires")
            w.write(Self.nanoseconds(expires))
        }
        try await connection.publish(
            "$JS.API.CONSUMER.MSG.NEXT.\(stream).\(durable)",
            payload: w.bytes,
            replyTo: inbox
        )
        let deadline = ContinuousClock.now + expires + .milliseconds(500)
        let timer = Task {
            try? await Task.sleep(until: deadline)
            collected.continuation.finish()
        }
        defer { timer.cancel() }
        var out: [JetStreamMessage] = []
        for await m in collected.stream {
            if let status = m.status {
                // 404 no messages, 408 request timeout, 409 consumer limits: the batch ends here.
                if status == 404 || status == 408 || status == 409 { break }
                continue
            }
            out.append(JetStreamMessage(message: m, connection: connection))
            if out.count >= batch { break }
        }
        return out
    }

    /// A durable consumer's pending, ack-pending and redelivered counts.
    public func consumerInfo(stream: String, durable: String) async throws -> ConsumerInfo {
        let value = try await self.api("CONSUMER.INFO.\(stream).\(durable)", [])
        return ConsumerInfo(
            pending: value["num_pending"].intValue ?? 0,
            ackPending: value["num_ack_pending"].intValue ?? 0,
            redelivered: value["num_redelivered"].intValue ?? 0
        )
    }

    /// A `$JS.API` request and its reply, an error reply thrown.
    private func api(_ path: String, _ body: [UInt8]) async throws -> Value {
        let reply = try await self.connection.request("$JS.API.\(path)", payload: body)
        return try Self.checked(reply.payload)
    }

    /// The reply as JSON; a JetStream error reply (`{"error":{"code","err_code","description"}}`) thrown.
    static func checked(_ payload: [UInt8]) throws(NATSError) -> Value {
        guard let value = try? Value(json: payload) else {
            throw NATSError(.jetStream, "a reply that is not JSON (\(payload.count) bytes)")
        }
        if case .object = value["error"] {
            let e = value["error"]
            throw NATSError(
                .jetStream,
                e["description"].stringValue ?? "error",
                code: (e["err_code"].intValue ?? e["code"].intValue).map { Int($0) }
            )
        }
        return value
    }

    static func nanoseconds(_ d: Duration) -> Int64 {
        let (s, a) = d.components
        let (ns, overflow) = min(max(s, 0), 315_360_000).multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : ns + a / 1_000_000_000
    }
}

/// A message fetched from a pull consumer, with its delivery metadata; acknowledge it once processed.
public struct JetStreamMessage: Sendable {
    /// The message.
    public let message: NATSMessage
    let connection: NATSConnection

    /// How many times it has been delivered (2 or more: a redelivery), from its ack subject.
    public var deliveries: Int64 { self.metadata(at: 4) }
    /// Its sequence number in the stream.
    public var streamSequence: Int64 { self.metadata(at: 5) }
    /// Messages still pending for the consumer when it was delivered.
    public var pending: Int64 { self.metadata(at: 8) }

    /// `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>`, field `i`.
    private func metadata(at i: Int) -> Int64 {
        let parts = (self.message.replyTo ?? "").split(separator: ".")
        // Newer servers add a domain and account hash: the tokens then sit two further on.
        let offset = parts.count >= 11 ? 2 : 0
        guard i + offset < parts.count else { return 0 }
        return Int64(parts[i + offset]) ?? 0
    }

    /// Acknowledges it: the consumer will not deliver it again.
    public func ack() async throws { try await self.reply("+ACK") }
    /// Refuses it: the consumer delivers it again.
    public func nak() async throws { try await self.reply("-NAK") }
    /// Says it is still being worked on (resets its ack wait).
    public func inProgress() async throws { try await self.reply("+WPI") }

    private func reply(_ text: String) async throws {
        guard let subject = self.message.replyTo else { return }
        try await self.connection.publish(subject, payload: Array(text.utf8))
    }
}
