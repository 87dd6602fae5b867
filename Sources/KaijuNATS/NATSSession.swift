import NIOCore
import NIOPosix

/// What a connection keeps across its TCP links, on its event loop: the current link, the subscriptions
/// (sent again after a reconnect), and the reconnect backoff.
final class NATSSession {
    /// One subscription, as sent with `SUB`.
    struct Subscription {
        let subject: String
        let queue: String?
        let handler: @Sendable (NATSMessage) -> Void
    }

    let options: NATSOptions
    let loop: any EventLoop
    /// The current link's handler, while connected.
    var handler: NATSClientHandler?
    var channel: (any Channel)?
    var subscriptions: [Int: Subscription] = [:]
    var nextSid = 1
    /// Set by `close()`: no more reconnects.
    var closed = false
    /// Links made again after one was lost.
    var reconnects = 0
    fileprivate(set) var backoff: TimeAmount = .milliseconds(50)
    /// The longest wait between reconnect attempts.
    static let maxBackoff: TimeAmount = .seconds(5)

    init(options: NATSOptions, loop: any EventLoop) {
        self.options = options
        self.loop = loop
    }

    /// Opens a link; the future completes when the server accepted CONNECT (and the subscriptions were sent).
    func link() -> EventLoopFuture<Void> {
        let ready = self.loop.makePromise(of: Void.self)
        let handler = NIOLoopBound(NATSClientHandler(session: self, ready: ready), eventLoop: self.loop)
        let session = NIOLoopBound(self, eventLoop: self.loop)
        return ClientBootstrap(group: self.loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NATSFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(handler.value)
                }
            }
            .connect(host: self.options.host, port: self.options.port)
            .flatMapError { error in
                ready.fail(error)
                return session.value.loop.makeFailedFuture(error)
            }
            .flatMap { channel in
                session.value.channel = channel
                // A server that accepts the socket but never says INFO or PONG: give up after the request timeout.
                let timeout = session.value.loop.scheduleTask(
                    in: NATSConnection.timeAmount(session.value.options.requestTimeout)
                ) {
                    ready.fail(NATSError(.timeout, "no INFO/PONG from the server"))
                    channel.close(promise: nil)
                }
                ready.futureResult.whenComplete { _ in timeout.cancel() }
                return ready.futureResult.map {
                    session.value.handler = handler.value
                    session.value.backoff = .milliseconds(50)
                }
            }
    }

    /// The link was lost: unless closed, try again after the backoff (doubling up to ``maxBackoff``).
    func linkLost(_ handler: NATSClientHandler) {
        guard self.handler === handler || self.handler == nil else { return }
        self.handler = nil
        self.channel = nil
        self.scheduleReconnect()
    }

    private func scheduleReconnect() {
        guard !self.closed else { return }
        let wait = self.backoff
        self.backoff = .nanoseconds(min(self.backoff.nanoseconds * 2, Self.maxBackoff.nanoseconds))
        let session = NIOLoopBound(self, eventLoop: self.loop)
        self.loop.scheduleTask(in: wait) {
            let me = session.value
            guard !me.closed, me.handler == nil else { return }
            me.link().whenComplete { result in
                let me = session.value
                switch result {
                case .success: me.reconnects += 1
                case .failure:
                    me.channel?.close(promise: nil)
                    me.channel = nil
                    me.scheduleReconnect()
                }
            }
        }
    }
}
