import KaijuCore
import NIOConcurrencyHelpers
public import NIOCore
public import NIOPosix

/// A connection to a NATS server: publish, subscribe, request/reply and flush. Its work runs on the
/// connection's event loop; the methods may be called from any thread.
public final class NATSConnection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<NATSClientHandler>
    /// The connection's options.
    public let options: NATSOptions
    /// The inbox prefix of this connection's requests.
    let inbox: String
    private let requests: NIOLockedValueBox<RequestState>

    struct RequestState {
        var sid: Int?
        var next = 0
        var waiting: [String: EventLoopPromise<NATSMessage>] = [:]
    }

    private init(channel: any Channel, handler: NIOLoopBound<NATSClientHandler>, options: NATSOptions) {
        self.channel = channel
        self.handler = handler
        self.options = options
        self.inbox = "_INBOX.\(UInt64.random(in: 0...UInt64.max))"
        self.requests = NIOLockedValueBox(RequestState())
    }

    /// Connects, sends CONNECT and waits until the server accepted it.
    /// - Throws: ``NATSError`` (or a socket error) when the server cannot be reached or refuses the connection.
    public static func connect(
        _ options: NATSOptions,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> NATSConnection {
        let loop = group.next()
        let ready = loop.makePromise(of: Void.self)
        let channel = try await ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = NATSClientHandler(options: options, ready: ready)
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NATSFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: options.host, port: options.port).get()
        try await ready.futureResult.get()
        let handler = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: NATSClientHandler.self), eventLoop: loop)
        }.get()
        return NATSConnection(channel: channel, handler: handler, options: options)
    }

    /// Publishes `payload` on `subject` (with `headers`, and `replyTo` for a reply).
    /// - Throws: ``NATSError`` on a closed connection or a payload over the server's limit.
    public func publish(
        _ subject: String,
        payload: [UInt8],
        headers: [(name: String, value: String)] = [],
        replyTo: String? = nil
    ) async throws {
        try await self.channel.eventLoop.submit {
            try self.handler.value.publish(subject, payload: payload, headers: headers, replyTo: replyTo)
        }.get()
    }

    /// Subscribes to `subject` (in queue group `queue`, if given); `handler` gets each message, on the
    /// connection's event loop. Returns the subscription id.
    public func subscribe(
        _ subject: String,
        queue: String? = nil,
        handler: @escaping @Sendable (NATSMessage) -> Void
    ) async throws -> Int {
        try await self.channel.eventLoop.submit {
            try self.handler.value.subscribe(subject, queue: queue, handler: handler)
        }.get()
    }

    /// Ends a subscription.
    public func unsubscribe(_ sid: Int) async throws {
        try await self.channel.eventLoop.submit { self.handler.value.unsubscribe(sid) }.get()
    }

    /// Waits until the server has processed everything sent so far (PING → PONG).
    public func flush() async throws {
        let promise = self.channel.eventLoop.makePromise(of: Void.self)
        self.channel.eventLoop.execute { self.handler.value.ping(promise) }
        try await promise.futureResult.get()
    }

    /// Publishes `payload` to `subject` with a reply inbox and waits for the first reply.
    /// - Throws: ``NATSError`` with ``NATSError/isTimeout`` when none comes within the request timeout, or
    ///   when nothing listens on `subject` (the server's 503 "no responders").
    public func request(
        _ subject: String,
        payload: [UInt8],
        headers: [(name: String, value: String)] = [],
        timeout: Duration? = nil
    ) async throws -> NATSMessage {
        try await self.ensureInbox()
        let loop = self.channel.eventLoop
        let promise = loop.makePromise(of: NATSMessage.self)
        let token = self.requests.withLockedValue { state -> String in
            state.next += 1
            let token = "\(state.next)"
            state.waiting[token] = promise
            return token
        }
        let wait = timeout ?? self.options.requestTimeout
        let timer = loop.scheduleTask(in: Self.timeAmount(wait)) {
            let waiting = self.requests.withLockedValue { $0.waiting.removeValue(forKey: token) }
            waiting?.fail(NATSError(.timeout, "no reply on \(subject) within \(wait)"))
        }
        do {
            try await self.publish(subject, payload: payload, headers: headers, replyTo: "\(self.inbox).\(token)")
        } catch {
            _ = self.requests.withLockedValue { $0.waiting.removeValue(forKey: token) }
            timer.cancel()
            throw error
        }
        let reply = try await promise.futureResult.get()
        timer.cancel()
        if reply.status == 503 { throw NATSError(.timeout, "no responders on \(subject)") }
        return reply
    }

    /// `d` as NIO's time amount, within a day (no overflow for any duration given).
    static func timeAmount(_ d: Duration) -> TimeAmount {
        let seconds = min(max(d.components.seconds, 0), 86_400)
        return .nanoseconds(seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000)
    }

    /// Subscribes the request inbox (`_INBOX.id.*`) once.
    private func ensureInbox() async throws {
        if self.requests.withLockedValue({ $0.sid != nil }) { return }
        let sid = try await self.subscribe("\(self.inbox).*") { [requests] message in
            let token = message.subject.split(separator: ".").last.map(String.init) ?? ""
            let waiting = requests.withLockedValue { $0.waiting.removeValue(forKey: token) }
            waiting?.succeed(message)
        }
        let duplicate = self.requests.withLockedValue { state -> Bool in
            if state.sid != nil { return true }
            state.sid = sid
            return false
        }
        if duplicate { try await self.unsubscribe(sid) }
    }

    /// Closes the connection.
    public func close() async {
        try? await self.channel.close()
    }
}
