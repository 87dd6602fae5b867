import KaijuCore
import NIOConcurrencyHelpers
public import NIOCore
public import NIOPosix

/// A connection to a NATS server: publish, subscribe, request/reply and flush. Its work runs on the
/// connection's event loop; the methods may be called from any thread.
public final class NATSConnection: Sendable {
    let session: NIOLoopBound<NATSSession>
    let loop: any EventLoop
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

    private init(session: NIOLoopBound<NATSSession>, loop: any EventLoop, options: NATSOptions) {
        self.session = session
        self.loop = loop
        self.options = options
        self.inbox = "_INBOX.\(UInt64.random(in: 0...UInt64.max))"
        self.requests = NIOLockedValueBox(RequestState())
    }

    /// Connects, sends CONNECT and waits until the server accepted it. A link lost later is made again
    /// (after 50 ms, doubling up to 5 s between attempts) with the same subscriptions, until ``close()``.
    /// - Throws: ``NATSError`` (or a socket error) when the server cannot be reached or refuses the connection.
    public static func connect(
        _ options: NATSOptions,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> NATSConnection {
        let loop = group.next()
        let session = try await loop.submit { NIOLoopBound(NATSSession(options: options, loop: loop), eventLoop: loop) }
            .get()
        do {
            try await loop.flatSubmit { session.value.link() }.get()
        } catch {
            try? await loop.submit {
                session.value.closed = true
                session.value.channel?.close(promise: nil)
            }.get()
            throw error
        }
        return NATSConnection(session: session, loop: loop, options: options)
    }

    /// Links made again after one was lost.
    public var reconnects: Int {
        get async { (try? await self.loop.submit { self.session.value.reconnects }.get()) ?? 0 }
    }

    /// The current link's handler, or a "not connected" error while reconnecting.
    private func link() throws(NATSError) -> NATSClientHandler {
        guard let handler = self.session.value.handler else {
            throw NATSError(
                .closed,
                self.session.value.closed ? "the connection is closed" : "not connected (reconnecting)"
            )
        }
        return handler
    }

    /// Publishes `payload` on `subject` (with `headers`, and `replyTo` for a reply).
    /// - Throws: ``NATSError`` while not connected, or for a payload over the server's limit.
    public func publish(
        _ subject: String,
        payload: [UInt8],
        headers: [(name: String, value: String)] = [],
        replyTo: String? = nil
    ) async throws {
        try await self.loop.submit {
            try self.link().publish(subject, payload: payload, headers: headers, replyTo: replyTo)
        }.get()
    }

    /// Subscribes to `subject` (in queue group `queue`, if given); `handler` gets each message, on the
    /// connection's event loop. The subscription outlives reconnects. Returns its id.
    public func subscribe(
        _ subject: String,
        queue: String? = nil,
        handler: @escaping @Sendable (NATSMessage) -> Void
    ) async throws -> Int {
        try await self.loop.submit {
            let session = self.session.value
            guard !session.closed else { throw NATSError(.closed, "subscribe on a closed connection") }
            let sid = session.nextSid
            session.nextSid += 1
            let subscription = NATSSession.Subscription(subject: subject, queue: queue, handler: handler)
            session.subscriptions[sid] = subscription
            session.handler?.sendSubscribe(sid, subscription)
            return sid
        }.get()
    }

    /// Ends a subscription.
    public func unsubscribe(_ sid: Int) async throws {
        try await self.loop.submit {
            self.session.value.subscriptions[sid] = nil
            self.session.value.handler?.sendUnsubscribe(sid)
        }.get()
    }

    /// Waits until the server has processed everything sent so far (PING → PONG).
    public func flush() async throws {
        let promise = self.loop.makePromise(of: Void.self)
        self.loop.execute {
            do throws(NATSError) {
                try self.link().ping(promise)
            } catch {
                promise.fail(error)
            }
        }
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
        try await self.sendRequest(subject, payload: payload, headers: headers, timeout: timeout).reply()
    }

    /// A request sent and its reply still to come.
    public struct PendingReply: Sendable {
        let future: EventLoopFuture<NATSMessage>
        let subject: String

        /// Waits for the reply.
        /// - Throws: ``NATSError`` as ``NATSConnection/request(_:payload:headers:timeout:)`` does.
        public func reply() async throws -> NATSMessage {
            let reply = try await self.future.get()
            if reply.status == 503 { throw NATSError(.timeout, "no responders on \(self.subject)") }
            return reply
        }
    }

    /// Publishes `payload` to `subject` with a reply inbox and returns once it is written, with the
    /// reply to wait for: requests sent one after another this way go out in order without waiting for
    /// each other's replies (pipelining).
    /// - Throws: ``NATSError`` when it cannot be sent (not connected, payload too large).
    public func sendRequest(
        _ subject: String,
        payload: [UInt8],
        headers: [(name: String, value: String)] = [],
        timeout: Duration? = nil
    ) async throws -> PendingReply {
        let sent = try await self.sendRequests(
            [OutgoingRequest(subject: subject, payload: payload, headers: headers)],
            timeout: timeout
        )
        guard let pending = sent.first else { throw NATSError(.closed, "the request was not sent") }
        return pending
    }

    /// A request to send with ``sendRequests(_:timeout:)``.
    public struct OutgoingRequest: Sendable {
        /// Where it goes.
        public var subject: String
        /// Its body.
        public var payload: [UInt8]
        /// Its headers.
        public var headers: [(name: String, value: String)]

        /// A request of `payload` to `subject`, with `headers`.
        public init(subject: String, payload: [UInt8], headers: [(name: String, value: String)] = []) {
            self.subject = subject
            self.payload = payload
            self.headers = headers
        }
    }

    /// Writes `outgoing`, in order, in one go (one flush), and returns their replies to wait for.
    /// - Throws: ``NATSError`` when they cannot be sent (not connected, a payload too large); then none
    ///   of their replies is waited for.
    public func sendRequests(_ outgoing: [OutgoingRequest], timeout: Duration? = nil) async throws -> [PendingReply] {
        try await self.ensureInbox()
        let loop = self.loop
        let wait = timeout ?? self.options.requestTimeout
        let promises = outgoing.map { _ in loop.makePromise(of: NATSMessage.self) }
        let tokens = self.requests.withLockedValue { state -> [String] in
            promises.map { promise in
                state.next += 1
                let token = "\(state.next)"
                state.waiting[token] = promise
                return token
            }
        }
        // One timer for the lot: whatever has no reply by then fails.
        let timer = loop.scheduleTask(in: Self.timeAmount(wait)) {
            let late = self.requests.withLockedValue { state in
                tokens.compactMap { state.waiting.removeValue(forKey: $0) }
            }
            for promise in late { promise.fail(NATSError(.timeout, "no reply within \(wait)")) }
        }
        EventLoopFuture.andAllComplete(promises.map(\.futureResult), on: loop).whenComplete { _ in timer.cancel() }
        let pending = zip(outgoing, promises).map { PendingReply(future: $1.futureResult, subject: $0.subject) }
        let inbox = self.inbox
        do {
            try await loop.submit {
                let link = try self.link()
                for (request, token) in zip(outgoing, tokens) {
                    try link.publish(
                        request.subject,
                        payload: request.payload,
                        headers: request.headers,
                        replyTo: "\(inbox).\(token)",
                        flush: false
                    )
                }
                link.flush()
            }.get()
        } catch {
            // The promises are failed, never dropped unfulfilled (NIO refuses a leaked promise).
            let waiting = self.requests.withLockedValue { state in
                tokens.compactMap { state.waiting.removeValue(forKey: $0) }
            }
            for w in waiting { w.fail(error) }
            throw error
        }
        return pending
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

    /// Closes the connection (no reconnect follows); requests still waiting fail.
    public func close() async {
        let waiting = self.requests.withLockedValue { state -> [EventLoopPromise<NATSMessage>] in
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for w in waiting { w.fail(NATSError(.closed, "the connection was closed")) }
        let channel = try? await self.loop.submit { () -> (any Channel)? in
            self.session.value.closed = true
            return self.session.value.channel
        }.get()
        if let channel = channel ?? nil { try? await channel.close() }
    }
}
