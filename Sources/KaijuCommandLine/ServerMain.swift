import ArgumentParser
import Foundation
import KaijuCodecs
public import KaijuCore
import KaijuEPL
public import KaijuServer
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// What each executable's `run()` does: log to stderr, load the rules, then either serve until
/// SIGINT/SIGTERM and shut down cleanly, or (`--replay`) run a recording and exit.
public enum ServerMain {
    /// Bootstraps logging, chooses the rules, and serves (or replays).
    /// - Parameters:
    ///   - name: The executable's name, for logs.
    ///   - options: The parsed flags.
    ///   - listeners: The module's own listeners, `nil` for those set to `none` (the `--tcp` listener is added here).
    ///   - eventsPath: kaiju-hl's events file, if the module reads one.
    ///   - builtInEvents: kaiju-hl's built-in hierarchy, used under a statements file when no events file is present.
    ///   - adjust: The module's own settings beyond the shared flags (kaiju-traces' traces API).
    ///   - builtIn: The module's built-in rules, used when no statements file is present.
    /// - Throws: When the rules cannot be loaded or a listener cannot be bound.
    public static func run(
        name: String,
        options: ServerOptions,
        listeners: [ModuleConfiguration.Listener?],
        eventsPath: String? = nil,
        builtInEvents: (@Sendable (Runtime) throws -> Void)? = nil,
        adjust: (inout ModuleConfiguration) -> Void = { _ in },
        builtIn: @escaping @Sendable (Runtime, @escaping StatementListener) throws -> Void
    ) async throws {
        let level = Logger.Level(rawValue: options.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: name)
        let statements = options.noParse ? nil : options.statements ?? "stmts/statements.txt"
        let fromFile = statements.map { FileManager.default.fileExists(atPath: $0) } ?? false
        let events = eventsPath.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
        var ruleSource = RuleSource(
            statementsPath: fromFile ? statements : nil,
            eventsPath: fromFile ? events : nil,
            retentionTime: options.rtime,
            builtIn: builtIn,
            builtInEvents: builtInEvents
        )
        ruleSource.modulePath = options.rules
        let rules = ruleSource
        logger.info("\(name): rules from \(rules.summary)")
        if let replay = options.replay {
            try await ReplayMain.run(replay, rules: rules, options: options, logger: logger)
            return
        }
        let tcp = options.tcp.address.map { ModuleConfiguration.Listener.stream(name: "tcp", address: $0) }
        var configuration = ModuleConfiguration(
            name: name,
            listeners: (listeners + [tcp]).compactMap { $0 },
            admin: options.admin.address,
            hl: try options.hlAddress(),
            limits: options.limits,
            forwardBuffer: options.forwardBuffer,
            highWater: options.highWater,
            timestampUnits: TimestampUnits(rawValue: options.jsonTimestampUnits) ?? .auto
        )
        configuration.retentionTime = options.rtime
        configuration.runtimeLimits = options.runtimeLimits
        configuration.nats = options.natsLink
        configuration.consumesNATS = name == "kaiju-hl"
        if !options.natsInput.isEmpty {
            guard let format = NATSInputFormat.forModule(name) else {
                throw ValidationError("\(name) takes no --nats-input (it reads the modules' Events with --nats)")
            }
            configuration.natsInput = NATSInput(
                subjects: options.natsInput,
                queueGroup: options.natsQueueGroup ?? name,
                format: format
            )
        }
        configuration.maxConnections = options.maxConnections
        configuration.adminAccess = try options.adminAccess()
        if options.tlsCert != nil {
            configuration.tls = try options.tlsFiles.serverContext()
            configuration.tlsFiles = options.tlsFiles
        }
        if options.hlTls { configuration.hlTLS = try options.tlsFiles.clientContext() }
        configuration.sampleDirectory = options.sampleDirectory
        configuration.allowRuleAddresses = options.allowRuleAddresses
        configuration.delivery = try options.delivery()
        if !options.scrapeTargets.isEmpty {
            guard name == "kaiju-metrics" else {
                throw ValidationError("\(name) takes no --scrape (kaiju-metrics does)")
            }
            configuration.scrape = options.scrapeTargets
            configuration.scrapeInterval = .milliseconds(
                TimePeriod(parsing: options.scrapeInterval)?.milliseconds ?? 15_000
            )
        }
        if configuration.delivery.generatorBase == nil, let admin = configuration.admin {
            let host = admin.host == "0.0.0.0" || admin.host == "::" ? ProcessInfo.processInfo.hostName : admin.host
            configuration.delivery.generatorBase = "http://\(BindAddress(host: host, port: admin.port))"
        }
        if options.adminToken != nil {
            logger.warning("\(name): --admin-token is visible in ps; prefer --admin-token-file or KAIJU_ADMIN_TOKEN")
        }
        configuration.idleTimeout = options.idleTimeout > 0 ? TimeAmount.seconds(Int64(options.idleTimeout)) : nil
        adjust(&configuration)
        let recorder = try options.record.map { try RecordingWriter(path: $0) }
        let service = ModuleService(configuration, logger: logger, recorder: recorder) { runtime, sinks in
            try rules.install(in: runtime) { entry in
                let listener = try sinks.listener(for: entry.listener)
                if let name = entry.name { sinks.remember(name: name, entry: entry) }
                return listener
            }
        }
        let group = ServiceGroup(
            configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }
}
