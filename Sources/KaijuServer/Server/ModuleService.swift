public import KaijuCore
public import Logging
public import ServiceLifecycle

/// A Kaiju server as a swift-service-lifecycle `Service`: binds every listener when run, serves until
/// graceful shutdown is triggered (SIGTERM or SIGINT in the executables), then drains in order
/// (listeners, connections, engine, kaiju-hl, sinks, recording) and returns.
///
/// # Usage
/// ```swift
/// let service = ModuleService(configuration, logger: logger) { runtime, sinks in
///     try HostRules.install(in: runtime) { output in ... }
/// }
/// let group = ServiceGroup(
///     configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
/// try await group.run()
/// ```
public struct ModuleService: Service {
    /// What the server listens on and how it bounds its work.
    public let configuration: ModuleConfiguration
    private let logger: Logger
    private let stats: IngestStats
    private let recorder: RecordingWriter?
    private let rules: @Sendable (Runtime, StatementSinks) throws -> Void

    /// Creates the service; nothing is bound until ``run()``.
    /// - Parameters:
    ///   - configuration: Listeners, limits, TLS and the kaiju-hl address.
    ///   - logger: Where the server logs.
    ///   - stats: The counters `/metrics` shows.
    ///   - recorder: Where every input event is recorded, if anywhere.
    ///   - rules: Installs the rules in the runtime; rule-file listeners get their sinks from the second argument.
    public init(
        _ configuration: ModuleConfiguration,
        logger: Logger,
        stats: IngestStats = IngestStats(),
        recorder: RecordingWriter? = nil,
        rules: @escaping @Sendable (Runtime, StatementSinks) throws -> Void
    ) {
        self.configuration = configuration
        self.logger = logger
        self.stats = stats
        self.recorder = recorder
        self.rules = rules
    }

    /// Starts the server, waits for graceful shutdown (or cancellation), then shuts the server down.
    /// - Throws: When a listener cannot be bound or the rules cannot be installed.
    public func run() async throws {
        let server = try await ModuleServer.start(
            self.configuration,
            logger: self.logger,
            stats: self.stats,
            recorder: self.recorder,
            rules: self.rules
        )
        try? await gracefulShutdown()
        try await server.shutdown()
    }
}
