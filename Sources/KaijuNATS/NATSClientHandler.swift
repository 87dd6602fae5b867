import DequeModule
import KaijuCore
import NIOCore
import NIOSSL
import NIOTLS

/// The client side of one link of a NATS connection, on its event loop: answers INFO with CONNECT (and
/// the session's subscriptions), PING with PONG, hands messages to their subscription's handler,
/// completes flushes (PING → PONG), and tells the session when the link is lost.
final class NATSClientHandler: ChannelInboundHandler {
    typealias InboundIn = NATSServerFrame
    typealias OutboundOut = ByteBuffer

    unowned let session: NATSSession
    /// Completed once the server accepted CONNECT (its PONG to our first PING).
    let ready: EventLoopPromise<Void>
    private var connected = false
    private var context: ChannelHandlerContext?
    private var pongs: Deque<EventLoopPromise<Void>> = []
    /// The server's largest payload (from INFO).
    private(set) var maxPayload = 1 << 20

    init(session: NATSSession, ready: EventLoopPromise<Void>) {
        self.session = session
        self.ready = ready
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .info(let json):
            let info = try? Value(json: json)
            if let max = info?["max_payload"].intValue, max > 0 { self.maxPayload = Int(clamping: max) }
            guard !self.connected else { return }
            self.connected = true
            if info?["tls_required"] == .bool(true) {
                // TLS from here on: CONNECT goes once the handshake is done.
                do {
                    let tls = try NIOSSLContext(configuration: self.session.options.tls ?? .makeClientConfiguration())
                    let host = self.session.options.host
                    let name = host.first.map { $0.isNumber || host.contains(":") } == true ? nil : host
                    let handler = try NIOSSLClientHandler(context: tls, serverHostname: name)
                    try context.pipeline.syncOperations.addHandler(handler, position: .first)
                } catch {
                    self.errorCaught(context: context, error: NATSError(.protocolViolation, "TLS setup: \(error)"))
                }
                return
            }
            self.sendConnect(context)

        case .ping:
            self.write(context, "PONG\r\n")
            context.flush()
        case .pong:
            if !self.readyDone {
                self.readyDone = true
                self.ready.succeed(())
            } else if let waiter = self.pongs.popFirst() {
                waiter.succeed(())
            }
        case .ok:
            break
        case .error(let text):
            let error = NATSError(.server, text)
            if !self.readyDone {
                self.readyDone = true
                self.ready.fail(error)
            }
            self.lastError = error
        case .message(let m):
            self.session.subscriptions[m.sid]?.handler(m)
        }
    }

    /// `CONNECT`, the subscriptions (again, after a reconnect), and the PING whose PONG confirms them.
    private func sendConnect(_ context: ChannelHandlerContext) {
        var text = "CONNECT \(self.session.options.connectJSON)\r\n"
        for (sid, s) in self.session.subscriptions.sorted(by: { $0.key < $1.key }) {
            text += "SUB \(s.subject)\(s.queue.map { " \($0)" } ?? "") \(sid)\r\n"
        }
        self.write(context, text + "PING\r\n")
        context.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent { self.sendConnect(context) }
        context.fireUserInboundEventTriggered(event)
    }

    private var readyDone = false
    /// The last `-ERR` the server sent.
    private(set) var lastError: NATSError?

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let e = error as? NATSError ?? NATSError(.closed, "\(error)")
        self.lastError = e
        if !self.readyDone {
            self.readyDone = true
            self.ready.fail(e)
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let e = self.lastError ?? NATSError(.closed, "the server closed the connection")
        if !self.readyDone {
            self.readyDone = true
            self.ready.fail(e)
        }
        while let p = self.pongs.popFirst() { p.fail(e) }
        self.session.linkLost(self)
        context.fireChannelInactive()
    }

    private func write(_ context: ChannelHandlerContext, _ text: String) {
        context.write(Self.wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
    }

    // MARK: - Operations (on the event loop)

    /// Sends `PUB`/`HPUB` (`flush` false leaves it buffered for a later flush).
    func publish(
        _ subject: String,
        payload: [UInt8],
        headers: [(name: String, value: String)],
        replyTo: String?,
        flush: Bool = true
    )
        throws(NATSError)
    {
        guard let context = self.context, context.channel.isActive else {
            throw NATSError(.closed, "publish on a closed connection")
        }
        var header: [UInt8] = []
        if !headers.isEmpty {
            var text = "NATS/1.0\r\n"
            for (n, v) in headers { text += "\(n): \(v)\r\n" }
            text += "\r\n"
            header = Array(text.utf8)
        }
        guard header.count + payload.count <= self.maxPayload else {
            throw NATSError(.protocolViolation, "a message over the server's max_payload of \(self.maxPayload) bytes")
        }
        let reply = replyTo.map { " \($0)" } ?? ""
        var buffer = context.channel.allocator.buffer(capacity: subject.utf8.count + payload.count + header.count + 48)
        if header.isEmpty {
            buffer.writeString("PUB \(subject)\(reply) \(payload.count)\r\n")
        } else {
            buffer.writeString("HPUB \(subject)\(reply) \(header.count) \(header.count + payload.count)\r\n")
            buffer.writeBytes(header)
        }
        buffer.writeBytes(payload)
        buffer.writeString("\r\n")
        context.write(Self.wrapOutboundOut(buffer), promise: nil)
        if flush { context.flush() }
    }

    /// Sends what buffered publishes wrote.
    func flush() { self.context?.flush() }

    /// Sends `SUB` for subscription `sid` (registered in the session).
    func sendSubscribe(_ sid: Int, _ s: NATSSession.Subscription) {
        guard let context = self.context, context.channel.isActive else { return }
        self.write(context, "SUB \(s.subject)\(s.queue.map { " \($0)" } ?? "") \(sid)\r\n")
        context.flush()
    }

    /// Sends `UNSUB`.
    func sendUnsubscribe(_ sid: Int) {
        guard let context = self.context, context.channel.isActive else { return }
        self.write(context, "UNSUB \(sid)\r\n")
        context.flush()
    }

    /// Sends `PING`; `promise` completes with the server's `PONG` (everything sent before has been processed).
    func ping(_ promise: EventLoopPromise<Void>) {
        guard let context = self.context, context.channel.isActive else {
            return promise.fail(NATSError(.closed, "flush on a closed connection"))
        }
        self.pongs.append(promise)
        self.write(context, "PING\r\n")
        context.flush()
    }
}
