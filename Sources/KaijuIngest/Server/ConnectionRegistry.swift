import NIOCore
import Synchronization

/// The accepted connections of one listener: admits at most ``maxConnections`` at once (more are closed
/// at once and counted as the `connections` limit), and closes them all at shutdown so what they
/// already read reaches the engine before it stops.
final class ConnectionRegistry: Sendable {
    /// The most connections open at once.
    let maxConnections: Int
    private let stats: IngestStats
    private let open = Mutex<(channels: [ObjectIdentifier: any Channel], closing: Bool)>(([:], false))

    init(maxConnections: Int, stats: IngestStats) {
        self.maxConnections = maxConnections
        self.stats = stats
    }

    /// Connections open now.
    var count: Int { self.open.withLock { $0.channels.count } }

    /// Registers `channel` until it closes; `false` (and counted) when the listener is full or shutting down.
    func admit(_ channel: any Channel) -> Bool {
        let admitted = self.open.withLock { open in
            guard !open.closing, open.channels.count < self.maxConnections else { return false }
            open.channels[ObjectIdentifier(channel)] = channel
            return true
        }
        guard admitted else {
            self.stats.limitHit("connections")
            return false
        }
        channel.closeFuture.whenComplete { _ in
            _ = self.open.withLock { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
        }
        return true
    }

    /// Refuses new connections and closes the open ones; completes when all are closed.
    func closeAll(on loop: any EventLoop) -> EventLoopFuture<Void> {
        let channels = self.open.withLock { open in
            open.closing = true
            return Array(open.channels.values)
        }
        let closed = channels.map { channel in
            channel.close().flatMapErrorThrowing { _ in }
        }
        return EventLoopFuture.andAllComplete(closed, on: loop)
    }
}

/// Closes a connection that has been idle longer than its ``IdleStateHandler``'s read timeout, counting it.
final class IdleConnectionCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny
    private let stats: IngestStats

    init(stats: IngestStats) { self.stats = stats }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            self.stats.limitHit("idle_timeout")
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
