import DequeModule
import KaijuCore
import NIOCore

/// The client side of one NATS connection, on its event loop: answers INFO with CONNECT, PING with PONG,
/// hands messages to their subscription's handler, completes flushes (PING → PONG) and requests.
final class NATSClientHandler: ChannelInboundHandler {
    typealias InboundIn = NATSServerFrame
    typealias OutboundOut = ByteBuffer

    let options: NATSOptions
    /// Completed once the server accepted CONNECT (its PONG to our first PING).
    let ready: EventLoopPromise<Void>
    private var connected = false
    private var context: ChannelHandlerContext?
    private var handlers: [Int: @Sendable (NATSMessage) -> Void] = [:]
    private var pongs: Deque<EventLoopPromise<Void>> = []
    private var nextSid = 1
    /// The server's largest payload (from INFO).
    private(set) var maxPayload = 1 << 20

    init(options: NATSOptions, ready: EventLoopPromise<Void>) {
        self.options = options
        self.ready = ready
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .info(let json):
            if let info = try? Value(json: json), let max = info["max_payload"].intValue, max > 0 {
                self.maxPayload = Int(clamping: max)
            }
            guard !self.connected else { return }
            self.connected = true
            self.write(context, "CONNECT \(self.options.connectJSON)\r\nPING\r\n")
            context.flush()
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
            self.handlers[m.sid]?(m)
        }
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
        context.fireChannelInactive()
    }

    private func write(_ context: ChannelHandlerContext, _ text: String) {
        context.write(Self.wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
    }

    // MARK: - Operations (on the event loop)

    /// Sends `PUB`/`HPUB`.
    func publish(
        _ subject: String,
        payload: [UInt8],
        headers: [(name: String, value: String)],
        replyTo: String?
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
        context.writeAndFlush(Self.wrapOutboundOut(buffer), promise: nil)
    }

    /// Sends `SUB`; `handler` gets its messages on the event loop.
    func subscribe(
        _ subject: String,
        queue: String?,
        handler: @escaping @Sendable (NATSMessage) -> Void
    ) throws(NATSError)
        -> Int
    {
        guard let context = self.context, context.channel.isActive else {
            throw NATSError(.closed, "subscribe on a closed connection")
        }
        let sid = self.nextSid
        self.nextSid += 1
        self.handlers[sid] = handler
        self.write(context, "SUB \(subject)\(queue.map { " \($0)" } ?? "") \(sid)\r\n")
        context.flush()
        return sid
    }

    /// Sends `UNSUB` and forgets the handler.
    func unsubscribe(_ sid: Int) {
        self.handlers[sid] = nil
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
