public import KaijuCodecs
public import KaijuServer
import KaijuEPL
public import ArgumentParser
import Foundation
public import KaijuCore
import KaijuEPL
import Logging
import NIOCore

/// The flags every Kaiju server takes.
public struct ServerOptions: ParsableArguments {
    @Option(help: "EPL rule file, one key:value,...=STATEMENT a line (default stmts/statements.txt; without one the built-in rules run; a missing file given explicitly is an error).")
    public var statements: String?

    @Flag(name: .customLong("no-parse"), help: "Do not read the statements file.")
    public var noParse = false

    @Option(help: "Retention time substituted for :retentionTime: in statements (Esper forms: 2min, 30 sec).")
    public var rtime = "2min"

    @Option(help: "kaiju-hl HOST:PORT that produced Events are forwarded to (default: $HL_ADDRESS; none to disable).")
    public var hl: String?

    @Option(help: "TCP address for ndjson / line protocol / Forward, told apart per connection (none to disable).")
    public var tcp = "0.0.0.0:9876"

    @Option(help: "Admin HTTP address serving GET /metrics (none to disable).")
    public var admin = "127.0.0.1:9278"

    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.")
    public var logLevel = "info"

    @Option(help: "Largest line, Forward message or datagram, in bytes.")
    public var maxFrameBytes = 16 << 20

    @Option(help: "Largest HTTP body as received, in bytes.")
    public var maxBodyBytes = 32 << 20

    @Option(help: "Most bytes one compressed payload may inflate to.")
    public var maxInflatedBytes = 64 << 20

    @Option(help: "Deepest nesting of JSON objects/arrays and msgpack maps/arrays in one input value.")
    public var maxDepth = 64

    @Option(help: "Most flattened key bytes a log record may produce per byte of input.")
    public var maxFlattenExpansion = 16

    @Option(help: "Events held in memory while kaiju-hl is unreachable; older ones are dropped (and counted) beyond it.")
    public var forwardBuffer = 100_000

    @Option(help: "Batches queued for the engine before TCP reads pause, UDP drops and HTTP answers 503.")
    public var highWater = 64

    @Option(help: "Most connections one TCP or HTTP listener keeps open; more are closed at once (and counted).")
    public var maxConnections = 1024

    @Option(help: "Seconds a connection may send nothing before it is closed (and counted); 0 disables.")
    public var idleTimeout = 300

    @Option(help: "Bearer token the admin address requires (Authorization: Bearer TOKEN); prefer --admin-token-file or $KAIJU_ADMIN_TOKEN, which stay out of ps.")
    public var adminToken: String?

    @Option(help: "File whose first line is the admin bearer token.")
    public var adminTokenFile: String?

    @Option(help: "A host name the admin address answers to besides IP literals and localhost (repeatable; e.g. a Kubernetes service name).")
    public var adminHost: [String] = []

    @Option(help: "Directory sample listeners write in; their paths resolve inside it ('none' refuses sample listeners).")
    public var sampleDir = "."

    @Flag(help: "Let hl listeners in rule text name their own address (otherwise only --hl is used).")
    public var allowRuleAddresses = false

    @Option(help: "PEM certificate chain: with --tls-key, every TCP and HTTP listener (admin too) speaks TLS.")
    public var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert.")
    public var tlsKey: String?

    @Option(help: "PEM CA bundle: listeners then require client certificates signed by it; the kaiju-hl link verifies kaiju-hl against it.")
    public var tlsCa: String?

    @Flag(help: "Speak TLS to kaiju-hl (--hl), verifying it against --tls-ca (or the system roots) and presenting --tls-cert if given.")
    public var hlTls = false

    @Option(help: "Append every input event, as it enters the runtime, to this ndjson recording.")
    public var record: String?

    @Option(help: "Run the rules over this recording on its own clock, print what they output, and exit (no listeners).")
    public var replay: String?

    @Option(help: "Unit of Telegraf JSON timestamps: auto, s, ms, us, ns.")
    public var jsonTimestampUnits = "auto"

    public init() {}

    public mutating func validate() throws {
        if (self.tlsCert == nil) != (self.tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        guard TimePeriod(parsing: self.rtime) != nil else { throw ValidationError("--rtime '\(self.rtime)' is not a duration such as 2min or 30 sec") }
        guard Logger.Level(rawValue: self.logLevel) != nil else { throw ValidationError("--log-level '\(self.logLevel)' is not a log level") }
        guard TimestampUnits(rawValue: self.jsonTimestampUnits) != nil else {
            throw ValidationError("--json-timestamp-units must be one of auto, s, ms, us, ns")
        }
        for (flag, value) in [("--tcp", self.tcp), ("--admin", self.admin)] + (self.hl.map { [("--hl", $0)] } ?? []) {
            do { _ = try ModuleConfiguration.parse(address: value) } catch { throw ValidationError("\(flag): \(error)") }
        }
        guard self.maxFrameBytes > 0, self.maxBodyBytes > 0, self.maxInflatedBytes > 0, self.forwardBuffer > 0, self.highWater > 0,
              self.maxDepth > 0, self.maxFlattenExpansion > 0, self.maxConnections > 0, self.idleTimeout >= 0 else {
            throw ValidationError("limits must be positive")
        }
        if !self.noParse, let path = self.statements, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("--statements \(path): no such file")
        }
        if let path = self.replay, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("--replay \(path): no such file")
        }
        if self.replay != nil, self.record != nil { throw ValidationError("--record and --replay cannot be combined") }
    }

    /// The kaiju-hl address: the flag, else `HL_ADDRESS`; `none` disables forwarding.
    public var hlAddress: String? {
        let value = self.hl ?? ProcessInfo.processInfo.environment["HL_ADDRESS"]
        return value == "none" || value?.isEmpty == true ? nil : value
    }

    /// Who may use the admin address.
    /// - Throws: ``RuleFileError`` when the token file cannot be read.
    public func adminAccess() throws -> AdminAccess {
        AdminAccess(
            token: try Secret.resolve(value: self.adminToken, file: self.adminTokenFile, environment: "KAIJU_ADMIN_TOKEN"),
            allowedHosts: self.adminHost)
    }

    /// The TLS files given.
    public var tlsFiles: TLSFiles { TLSFiles(certificate: self.tlsCert, privateKey: self.tlsKey, certificateAuthority: self.tlsCa) }

    /// The sample directory, or `nil` when sample listeners are refused.
    public var sampleDirectory: String? { self.sampleDir == "none" ? nil : self.sampleDir }

    public var limits: IngestLimits {
        IngestLimits(
            maxFrameSize: self.maxFrameBytes, maxBodySize: self.maxBodyBytes, maxInflatedSize: self.maxInflatedBytes,
            maxDepth: self.maxDepth, maxFlattenExpansion: self.maxFlattenExpansion)
    }
}

/// What each executable's `run()` does: log to stderr, load the rules, then either serve until
/// SIGINT/SIGTERM and shut down cleanly, or (`--replay`) run a recording and exit.
public enum ServerMain {
    /// - Parameters:
    ///   - builtIn: the module's built-in rules, used when no statements file is present.
    ///   - eventsPath: kaiju-hl's events file, if the module reads one.
    ///   - builtInEvents: kaiju-hl's built-in hierarchy, used under a statements file when no events file is present.
    public static func run(
        name: String, options: ServerOptions, listeners: [ModuleConfiguration.Listener], eventsPath: String? = nil,
        builtInEvents: (@Sendable (Runtime) throws -> Void)? = nil,
        builtIn: @escaping @Sendable (Runtime, @escaping StatementListener) throws -> Void
    ) throws {
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
        let rules = RuleSource(
            statementsPath: fromFile ? statements : nil, eventsPath: fromFile ? events : nil, retentionTime: options.rtime,
            builtIn: builtIn, builtInEvents: builtInEvents
        )
        logger.info("\(name): rules from \(rules.summary)")
        if let replay = options.replay {
            try ReplayMain.run(replay, rules: rules, options: options, logger: logger)
            return
        }
        var configuration = ModuleConfiguration(
            name: name, listeners: listeners + [.stream(name: "tcp", address: options.tcp)], admin: options.admin,
            hl: options.hlAddress, limits: options.limits, forwardBuffer: options.forwardBuffer, highWater: options.highWater,
            timestampUnits: TimestampUnits(rawValue: options.jsonTimestampUnits) ?? .auto
        )
        configuration.retentionTime = options.rtime
        configuration.maxConnections = options.maxConnections
        configuration.adminAccess = try options.adminAccess()
        if options.tlsCert != nil { configuration.tls = try options.tlsFiles.serverContext() }
        if options.hlTls { configuration.hlTLS = try options.tlsFiles.clientContext() }
        configuration.sampleDirectory = options.sampleDirectory
        configuration.allowRuleAddresses = options.allowRuleAddresses
        if options.adminToken != nil { logger.warning("\(name): --admin-token is visible in ps; prefer --admin-token-file or KAIJU_ADMIN_TOKEN") }
        configuration.idleTimeout = options.idleTimeout > 0 ? .seconds(Int64(options.idleTimeout)) : nil
        let recorder = try options.record.map { try RecordingWriter(path: $0) }
        let server = try ModuleServer.start(configuration, logger: logger, recorder: recorder) { runtime, sinks in
            try rules.install(in: runtime) { entry in
                let listener = try sinks.listener(for: entry.listener)
                if let name = entry.name { sinks.remember(name: name, entry: entry) }
                return listener
            }
        }
        server.waitForSignal()
        try server.shutdown()
    }
}
