import Foundation
import KaijuCodecs
public import KaijuCore
public import Logging
public import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A running Kaiju server: the engine on its own loop, every configured listener, the admin endpoint,
/// and forwarding of produced Events to kaiju-hl.
///
/// Executables run it as a ``ModuleService`` in a `ServiceGroup`; tests start and stop it directly.
///
/// # Usage
/// ```swift
/// let server = try await ModuleServer.start(configuration, logger: logger) { runtime in
///     try PaperRules.installLogs(in: runtime, listener: StdoutRows.write)
/// }
/// // ... traffic ...
/// try await server.shutdown()
/// ```
public final class ModuleServer: Sendable {
    /// What the server listens on.
    public let configuration: ModuleConfiguration
    /// The engine and its queue.
    public let pump: EnginePump
    /// The link to kaiju-hl, if configured.
    public let forwarder: HLForwarder?
    /// Where rule-file listeners send rows; closed at shutdown.
    public let sinks: StatementSinks
    /// The JetStream publisher of produced Events, with `--nats`.
    let natsPublisher: NATSEventPublisher?
    /// The JetStream consumer of the replica's partitions (kaiju-hl with `--nats`).
    let natsConsumer: NATSEventConsumer?
    /// The subscriber to agents' NATS subjects (`--nats-input`).
    let natsInput: NATSInputSubscriber?
    /// The scraper of Prometheus endpoints (`--scrape`).
    let scraper: PrometheusScraper?
    /// The OTLP/gRPC listeners (their connections are in ``connections``).
    let grpcListeners: [OTLPGRPCListener]
    let io: MultiThreadedEventLoopGroup
    let engine: MultiThreadedEventLoopGroup
    let channels: [(String, any Channel)]
    /// The accepted connections of the TCP and HTTP listeners.
    let connections: [ConnectionRegistry]
    let logger: Logger

    private init(
        configuration: ModuleConfiguration,
        pump: EnginePump,
        forwarder: HLForwarder?,
        sinks: StatementSinks,
        io: MultiThreadedEventLoopGroup,
        engine: MultiThreadedEventLoopGroup,
        channels: [(String, any Channel)],
        connections: [ConnectionRegistry],
        logger: Logger,
        nats: (publisher: NATSEventPublisher?, consumer: NATSEventConsumer?, input: NATSInputSubscriber?) = (
            nil, nil, nil
        ),
        scraper: PrometheusScraper? = nil,
        grpcListeners: [OTLPGRPCListener] = []
    ) {
        self.scraper = scraper
        self.grpcListeners = grpcListeners
        self.natsPublisher = nats.publisher
        self.natsConsumer = nats.consumer
        self.natsInput = nats.input
        self.connections = connections
        self.configuration = configuration
        self.pump = pump
        self.forwarder = forwarder
        self.sinks = sinks
        self.io = io
        self.engine = engine
        self.channels = channels
        self.logger = logger
    }

    /// The address each listener is bound to, by name (useful with port 0).
    public var boundAddresses: [String: SocketAddress] {
        var out: [String: SocketAddress] = [:]
        for (name, channel) in self.channels { out[name] = channel.localAddress }
        for listener in self.grpcListeners { out[listener.name] = listener.localAddress }
        return out
    }

    /// Starts the engine with `rules`, adds `select * from Event` forwarding to kaiju-hl if configured,
    /// and binds every listener. Fails if any address cannot be bound.
    public static func start(
        _ configuration: ModuleConfiguration,
        logger: Logger,
        stats: IngestStats = IngestStats(),
        rules: @escaping @Sendable (Runtime) throws -> Void
    ) async throws -> ModuleServer {
        try await self.start(configuration, logger: logger, stats: stats) { runtime, _ in try rules(runtime) }
    }

    /// Starts the server with rules that may send rows to the server's sinks (rule-file listeners),
    /// recording every input event to `recorder` if given.
    public static func start(
        _ configuration: ModuleConfiguration,
        logger: Logger,
        stats: IngestStats = IngestStats(),
        recorder: RecordingWriter? = nil,
        rules: @escaping @Sendable (Runtime, StatementSinks) throws -> Void
    ) async throws -> ModuleServer {
        let io = MultiThreadedEventLoopGroup(numberOfThreads: max(1, System.coreCount))
        let engine = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var grpcListeners: [OTLPGRPCListener] = []
        do {
            let forwarder = configuration.hl.map {
                HLForwarder(
                    to: $0,
                    capacity: configuration.forwardBuffer,
                    loop: io.next(),
                    stats: stats,
                    logger: logger,
                    tls: configuration.hlTLS
                )
            }
            let forwarding = forwarder
            let engineLogger = logger
            // With --nats, produced Events go to JetStream (kaiju-hl consumes them there instead).
            let publisher = configuration.nats.flatMap { link in
                configuration.consumesNATS ? nil : NATSEventPublisher(link: link, stats: stats, logger: logger)
            }
            try await publisher?.start()
            let sinks = StatementSinks(
                defaultForwarder: forwarder,
                loop: io.next(),
                stats: stats,
                logger: logger,
                forwardBuffer: configuration.forwardBuffer,
                sampleDirectory: configuration.sampleDirectory,
                allowRuleAddresses: configuration.allowRuleAddresses,
                tls: configuration.hlTLS,
                natsPublisher: publisher,
                delivery: configuration.delivery
            )
            let engineLoop = engine.next()
            let spans = SpanRetentionSlot()
            let retainsSpans = configuration.tracesAPI != nil || configuration.traceSamples != nil
            let pump = try await EnginePump.start(
                on: engineLoop,
                highWater: configuration.highWater,
                limits: configuration.runtimeLimits,
                stats: stats,
                recorder: recorder
            ) { runtime in
                runtime.logger = engineLogger
                try rules(runtime, sinks)
                forwarding?.forwardEvents(of: runtime, stats: stats)
                if let publisher {
                    runtime.observeEvents(withProducer: { event, producer in
                        publisher.send([event], from: producer)
                        stats.add(.init("kaiju_events_out_total", ["type": "Event"]), 1)
                    })
                }
                if retainsSpans {
                    let retention = try SpanRetention.install(
                        in: runtime,
                        retentionTime: configuration.retentionTime,
                        maxSpans: configuration.runtimeLimits.maxWindowEvents,
                        samples: try configuration.traceSamples.map { try sinks.sampleWriter($0) }
                    )
                    spans.retention = NIOLoopBound(retention, eventLoop: engineLoop)
                }
            }
            var consumer: NATSEventConsumer?
            if let link = configuration.nats, configuration.consumesNATS {
                consumer = NATSEventConsumer(link: link, pump: pump, stats: stats, logger: logger)
                try await consumer?.start()
            }
            var natsInput: NATSInputSubscriber?
            if let link = configuration.nats, let input = configuration.natsInput {
                natsInput = NATSInputSubscriber(
                    input: input,
                    options: link.options,
                    limits: configuration.limits,
                    timestampUnits: configuration.timestampUnits,
                    pump: pump,
                    logger: logger
                )
                try await natsInput?.start()
            }
            var scraper: PrometheusScraper?
            if !configuration.scrape.isEmpty {
                scraper = PrometheusScraper(
                    targets: configuration.scrape,
                    interval: configuration.scrapeInterval,
                    pump: pump,
                    limits: configuration.limits,
                    logger: logger
                )
                scraper?.start()
            }
            var channels: [(String, any Channel)] = []
            var connections: [ConnectionRegistry] = []
            let caps = ConnectionRegistry.caps(configuration, descriptorLimit: ConnectionRegistry.descriptorLimit())
            if caps.ingest < configuration.maxConnections {
                logger.warning(
                    "\(configuration.name): \(caps.ingest) connections per listener (the descriptor limit leaves no room for --max-connections \(configuration.maxConnections))"
                )
            }
            for listener in configuration.listeners {
                let registry = ConnectionRegistry(maxConnections: caps.ingest, stats: stats)
                connections.append(registry)
                if case .otlpGRPC(let name, let address, let signal) = listener {
                    grpcListeners.append(
                        try await OTLPGRPCListener.start(
                            name: name,
                            address: address,
                            signal: signal,
                            configuration: configuration,
                            pump: pump,
                            connections: registry,
                            io: io,
                            logger: logger
                        )
                    )
                    continue
                }
                channels.append(
                    try await Self.bind(
                        listener,
                        configuration: configuration,
                        pump: pump,
                        connections: registry,
                        io: io,
                        logger: logger
                    )
                )
            }
            if let address = configuration.tracesAPI, let retention = spans.retention {
                let route = TracesAPI.route(pump: pump, retention: retention)
                let (channel, registry) = try await Self.bindService(
                    "traces-api",
                    address,
                    route: route,
                    maxConnections: caps.admin,
                    configuration: configuration,
                    stats: stats,
                    io: io,
                    logger: logger
                )
                channels.append(channel)
                connections.append(registry)
            }
            if let admin = configuration.admin {
                let ingest = connections
                // /metrics reports the connection cap in force, which the descriptor limit may have lowered.
                var effective = configuration
                effective.maxConnections = caps.ingest
                let route = AdminRoutes.route(
                    pump: pump,
                    forwarder: forwarder,
                    sinks: sinks,
                    configuration: effective,
                    connections: { ingest.reduce(0) { $0 + $1.count } },
                    recordingLost: { recorder?.lostLines ?? 0 }
                )
                let (channel, registry) = try await Self.bindService(
                    "admin",
                    admin,
                    route: route,
                    maxConnections: caps.admin,
                    configuration: configuration,
                    stats: stats,
                    io: io,
                    logger: logger
                )
                channels.append(channel)
                connections.append(registry)
            }
            for (name, channel) in channels {
                logger.info("\(configuration.name): \(name) listening on \(channel.localAddress?.description ?? "?")")
            }
            for listener in grpcListeners {
                logger.info(
                    "\(configuration.name): \(listener.name) listening on \(listener.localAddress?.description ?? "?")"
                )
            }
            return ModuleServer(
                configuration: configuration,
                pump: pump,
                forwarder: forwarder,
                sinks: sinks,
                io: io,
                engine: engine,
                channels: channels,
                connections: connections,
                logger: logger,
                nats: (publisher, consumer, natsInput),
                scraper: scraper,
                grpcListeners: grpcListeners
            )
        } catch {
            for listener in grpcListeners {
                listener.stopAccepting()
                await listener.stopped()
            }
            try? await io.shutdownGracefully()
            try? await engine.shutdownGracefully()
            throw error
        }
    }

    /// The handlers every accepted TCP or HTTP connection starts with: admission against the listener's
    /// cap, then the idle timeout. `false` when the connection is refused.
    private static func admit(
        _ channel: any Channel,
        configuration: ModuleConfiguration,
        connections: ConnectionRegistry,
        stats: IngestStats
    ) throws -> Bool {
        guard connections.admit(channel) else { return false }
        if let tls = configuration.tls {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
        }
        if let timeout = configuration.idleTimeout {
            try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: timeout))
            try channel.pipeline.syncOperations.addHandler(IdleConnectionCloser(stats: stats))
        }
        return true
    }

    private static func bind(
        _ listener: ModuleConfiguration.Listener,
        configuration: ModuleConfiguration,
        pump: EnginePump,
        connections: ConnectionRegistry,
        io: MultiThreadedEventLoopGroup,
        logger: Logger
    ) async throws -> (String, any Channel) {
        switch listener {
        case .stream(let name, let address, let sharedKey):
            let limits = configuration.limits
            let units = configuration.timestampUnits
            let hostname = ProcessInfo.processInfo.hostName
            // A shared key on one Forward port applies to every port that would take Forward.
            let refusesForward =
                sharedKey == nil
                && configuration.listeners.contains {
                    if case .stream(_, _, let key?) = $0 { return !key.isEmpty }
                    return false
                }
            let channel = try await Self.serverBootstrap(io)
                .childChannelOption(.autoRead, value: false)
                .childChannelOption(.maxMessagesPerRead, value: 1)
                .childChannelInitializer { channel in
                    let handshake = sharedKey.map { ForwardHandshake(sharedKey: $0, hostname: hostname) }
                    let decoder = StreamDecoder(
                        limits: limits,
                        timestampUnits: units,
                        handshake: handshake,
                        refusesForward: refusesForward
                    )
                    return channel.eventLoop.makeCompletedFuture {
                        guard
                            try Self.admit(
                                channel,
                                configuration: configuration,
                                connections: connections,
                                stats: pump.stats
                            )
                        else {
                            throw ChannelError.ioOnClosedChannel
                        }
                        try channel.pipeline.syncOperations.addHandler(
                            StreamIngestHandler(decoder: decoder, pump: pump, logger: logger, greeting: handshake?.helo)
                        )
                    }
                }
                .bind(host: address.host, port: address.port).get()
            return (name, channel)
        case .http(let name, let address, let kind):
            let route: HTTPIngestRoute
            switch kind {
            case .telegraf:
                route = IngestRoutes.telegraf(
                    pump: pump,
                    timestampUnits: configuration.timestampUnits,
                    limits: configuration.limits
                )
            case .fluent: route = IngestRoutes.fluentHTTP(pump: pump, limits: configuration.limits)
            case .jaeger: route = IngestRoutes.jaegerHTTP(pump: pump, limits: configuration.limits)
            case .otlp(let signal): route = IngestRoutes.otlp(signal, pump: pump, limits: configuration.limits)
            }
            return (
                name,
                try await Self.bindHTTP(
                    name: name,
                    address: address,
                    route: route,
                    configuration: configuration,
                    stats: pump.stats,
                    connections: connections,
                    io: io,
                    logger: logger
                )
            )
        case .otlpGRPC(let name, _, _):
            // Started by OTLPGRPCListener, not bound here.
            throw ModuleServerError(listener: name, reason: "is not a channel listener")
        case .forwardHeartbeat(let name, let address):
            let channel = try await DatagramBootstrap(group: io)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ForwardHeartbeatHandler())
                    }
                }
                .bind(host: address.host, port: address.port).get()
            return (name, channel)
        case .jaegerUDP(let name, let address, let binary):
            let channel = try await DatagramBootstrap(group: io)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            JaegerUDPHandler(
                                encoding: binary ? .binary : .compact,
                                pump: pump,
                                logger: logger,
                                maxDepth: configuration.limits.maxDepth
                            )
                        )
                    }
                }
                .bind(host: address.host, port: address.port).get()
            return (name, channel)
        }
    }

    /// A TCP server bootstrap that backs off accepting for a second when accept fails (e.g. at the
    /// descriptor limit) instead of spinning.
    private static func serverBootstrap(_ io: MultiThreadedEventLoopGroup) -> ServerBootstrap {
        ServerBootstrap(group: io)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        AcceptBackoffHandler(shouldForwardIOErrorCaught: false)
                    )
                }
            }
    }

    /// Binds an HTTP service of the server's own (admin, traces API) with its own connection cap.
    private static func bindService(
        _ name: String,
        _ address: BindAddress,
        route: @escaping HTTPIngestRoute,
        maxConnections: Int,
        configuration: ModuleConfiguration,
        stats: IngestStats,
        io: MultiThreadedEventLoopGroup,
        logger: Logger
    ) async throws -> ((String, any Channel), ConnectionRegistry) {
        let registry = ConnectionRegistry(maxConnections: maxConnections, stats: stats)
        let channel = try await Self.bindHTTP(
            name: name,
            address: address,
            route: route,
            configuration: configuration,
            stats: stats,
            connections: registry,
            io: io,
            logger: logger
        )
        return ((name, channel), registry)
    }

    private static func bindHTTP(
        name: String,
        address: BindAddress,
        route: @escaping HTTPIngestRoute,
        configuration: ModuleConfiguration,
        stats: IngestStats,
        connections: ConnectionRegistry,
        io: MultiThreadedEventLoopGroup,
        logger: Logger
    ) async throws -> any Channel {
        let limits = configuration.limits
        return try await Self.serverBootstrap(io)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard try Self.admit(channel, configuration: configuration, connections: connections, stats: stats)
                    else {
                        throw ChannelError.ioOnClosedChannel
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPIngestHandler(name: name, limits: limits, stats: stats, logger: logger, route: route)
                    )
                }
            }
            .bind(host: address.host, port: address.port).get()
    }

    /// Stops accepting, closes the accepted connections (what they read still reaches the engine),
    /// lets the engine finish what it was given, then flushes Events to kaiju-hl (waiting up to
    /// `flushTimeout`), the rule-file sinks and the recording, and stops every thread.
    /// - Parameter flushTimeout: How long to wait for kaiju-hl to acknowledge what is held.
    public func shutdown(flushTimeout: TimeAmount = .seconds(2)) async throws {
        self.logger.info("\(self.configuration.name): shutting down")
        for (_, channel) in self.channels { try? await channel.close() }
        for listener in self.grpcListeners { listener.stopAccepting() }
        await self.natsConsumer?.shutdown()
        await self.natsInput?.shutdown()
        await self.scraper?.shutdown()
        let loop = self.io.next()
        try? await EventLoopFuture.andAllComplete(self.connections.map { $0.closeAll(on: loop) }, on: loop).get()
        for listener in self.grpcListeners { await listener.stopped() }
        // Paused connections hand over what they hold; a round trip through every I/O loop lets them.
        self.pump.releasePausedReaders()
        for ioLoop in self.io.makeIterator() { try? await ioLoop.submit {}.get() }
        self.pump.stop()
        try await self.pump.withRuntime { runtime in runtime.tick() }.get()
        if let forwarder = self.forwarder { try? await forwarder.close(timeout: flushTimeout).get() }
        await self.natsPublisher?.shutdown(flushTimeout: .nanoseconds(flushTimeout.nanoseconds))
        await self.sinks.close(timeout: flushTimeout)
        self.pump.recorder?.close()
        try await self.io.shutdownGracefully()
        try await self.engine.shutdownGracefully()
    }
}
