import GRPCCore
import GRPCNIOTransportHTTP2Posix
import KaijuCodecs
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// An OTLP/gRPC listener: a gRPC server (HTTP/2 on the server's I/O threads) offering one signal's
/// collector service, gzip accepted, its connections admitted against the listener's cap and closed
/// when idle.
final class OTLPGRPCListener: Sendable {
    /// The listener's name (`otlp-grpc`).
    let name: String
    /// Where it is bound (the real port when asked for port 0).
    let localAddress: NIOCore.SocketAddress?
    /// The server until it has stopped: released then, while the I/O threads still run, since its
    /// transport completes a promise on them when it goes.
    private let server: Mutex<GRPCServer<HTTP2ServerTransport.Posix>?>
    private let serving: Task<Void, Never>

    private init(
        name: String,
        localAddress: NIOCore.SocketAddress?,
        server: GRPCServer<HTTP2ServerTransport.Posix>,
        serving: Task<Void, Never>
    ) {
        self.name = name
        self.localAddress = localAddress
        self.server = Mutex(server)
        self.serving = serving
    }

    /// Binds `address` and serves `signal`'s `Export` until ``stopAccepting()``; fails if the address cannot be
    /// bound.
    static func start(
        name: String,
        address: BindAddress,
        signal: OTLPSignal,
        configuration: ModuleConfiguration,
        pump: EnginePump,
        connections: ConnectionRegistry,
        io: MultiThreadedEventLoopGroup,
        logger: Logger
    ) async throws -> OTLPGRPCListener {
        var config = HTTP2ServerTransport.Posix.Config.defaults
        config.compression.enabledAlgorithms = [.gzip, .deflate]
        // GRPCMessageGuard bounds each message by the body limit and inflates it within the inflated limit.
        config.rpc.maxRequestPayloadSize = max(configuration.limits.maxBodySize, configuration.limits.maxInflatedSize)
        let idleTimeout = configuration.idleTimeout
        config.channelDebuggingCallbacks.onAcceptTCPConnection = { channel in
            guard connections.admit(channel) else { return channel.close() }
            // A connection that sends nothing for --idle-timeout is closed and counted, as on the other listeners.
            guard let idleTimeout else { return channel.eventLoop.makeSucceededVoidFuture() }
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(
                    IdleConnectionCloser(stats: pump.stats),
                    position: .first
                )
                try channel.pipeline.syncOperations.addHandler(
                    IdleStateHandler(readTimeout: idleTimeout),
                    position: .first
                )
            }
        }
        let limits = configuration.limits
        config.channelDebuggingCallbacks.onAcceptHTTP2Stream = { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(
                    GRPCMessageGuard(limits: limits, stats: pump.stats),
                    position: .first
                )
            }
        }
        let security: HTTP2ServerTransport.Posix.TransportSecurity
        if let files = configuration.tlsFiles, let certificate = files.certificate, let key = files.privateKey {
            security = .tls(
                certificateChain: [.file(path: certificate, format: .pem)],
                privateKey: .file(path: key, format: .pem)
            )
        } else {
            security = .plaintext
        }
        // gRPC binds an IP address: a host name is resolved first, as NIO's bootstraps do.
        let resolved = try NIOCore.SocketAddress.makeAddressResolvingHost(address.host, port: address.port)
        let ip = resolved.ipAddress ?? address.host
        let transport = HTTP2ServerTransport.Posix(
            address: resolved.protocol == .inet6
                ? .ipv6(host: ip, port: address.port) : .ipv4(host: ip, port: address.port),
            transportSecurity: security,
            config: config,
            eventLoopGroup: io
        )
        let server = GRPCServer(
            transport: transport,
            services: [OTLPExportService(signal: signal, pump: pump, limits: configuration.limits, logger: logger)]
        )
        let serving = Task {
            do {
                try await server.serve()
            } catch {
                logger.error("\(configuration.name): \(name) stopped: \(error)")
            }
        }
        let bound: NIOCore.SocketAddress?
        do {
            let listening = try await transport.listeningAddress
            if let v4 = listening.ipv4 {
                bound = try NIOCore.SocketAddress(ipAddress: v4.host, port: v4.port)
            } else {
                bound = try listening.ipv6.map { try NIOCore.SocketAddress(ipAddress: $0.host, port: $0.port) }
            }
        } catch {
            server.beginGracefulShutdown()
            await serving.value
            throw error
        }
        return OTLPGRPCListener(name: name, localAddress: bound, server: server, serving: serving)
    }

    /// Stops accepting connections and RPCs; the accepted connections are closed by their registry.
    func stopAccepting() { self.server.withLock { $0?.beginGracefulShutdown() } }

    /// Waits until the server has stopped (once its connections are closed).
    func stopped() async {
        await self.serving.value
        self.server.withLock { $0 = nil }
    }
}
