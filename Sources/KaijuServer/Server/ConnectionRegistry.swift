import KaijuCodecs
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

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

    /// Descriptors kept free of ingest connections: the admin address, kaiju-hl links, files, the engine.
    static let reservedDescriptors = 64

    /// The most connections the admin address keeps open.
    static let adminConnections = 16

    /// The process's descriptor limit (soft `RLIMIT_NOFILE`), or `nil` when unlimited or unknown.
    static func descriptorLimit() -> Int? {
        #if canImport(Glibc)
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
        #else
        return nil
        #endif
    }

    /// Connections per ingest listener and for the admin address: `--max-connections`, lowered so that
    /// all listeners together stay below the descriptor limit with ``reservedDescriptors`` to spare.
    /// Ingest traffic can then never take the descriptors the admin address needs.
    static func caps(_ configuration: ModuleConfiguration, descriptorLimit: Int?) -> (ingest: Int, admin: Int) {
        let admin = min(configuration.maxConnections, Self.adminConnections)
        guard let descriptorLimit else { return (configuration.maxConnections, admin) }
        let listeners = max(
            1,
            configuration.listeners.count { listener in
                switch listener {
                case .stream, .http, .otlpGRPC: return true
                case .jaegerUDP, .forwardHeartbeat: return false
                }
            }
        )
        let room = descriptorLimit - Self.reservedDescriptors - admin
        return (max(1, min(configuration.maxConnections, room / listeners)), admin)
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
