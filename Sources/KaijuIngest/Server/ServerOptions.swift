public import ArgumentParser
import Foundation
public import KaijuCore
import Logging

/// The flags every Kaiju server takes.
public struct ServerOptions: ParsableArguments {
    @Option(help: "Rule file (default stmts/statements.txt; a missing file given explicitly is an error).")
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

    @Option(help: "Events held in memory while kaiju-hl is unreachable; older ones are dropped (and counted) beyond it.")
    public var forwardBuffer = 100_000

    @Option(help: "Batches queued for the engine before TCP reads pause, UDP drops and HTTP answers 503.")
    public var highWater = 64

    @Option(help: "Unit of Telegraf JSON timestamps: auto, s, ms, us, ns.")
    public var jsonTimestampUnits = "auto"

    public init() {}

    public mutating func validate() throws {
        guard TimePeriod(parsing: self.rtime) != nil else { throw ValidationError("--rtime '\(self.rtime)' is not a duration such as 2min or 30 sec") }
        guard Logger.Level(rawValue: self.logLevel) != nil else { throw ValidationError("--log-level '\(self.logLevel)' is not a log level") }
        guard TimestampUnits(rawValue: self.jsonTimestampUnits) != nil else {
            throw ValidationError("--json-timestamp-units must be one of auto, s, ms, us, ns")
        }
        for (flag, value) in [("--tcp", self.tcp), ("--admin", self.admin)] + (self.hl.map { [("--hl", $0)] } ?? []) {
            do { _ = try ModuleConfiguration.parse(address: value) } catch { throw ValidationError("\(flag): \(error)") }
        }
        guard self.maxFrameBytes > 0, self.maxBodyBytes > 0, self.maxInflatedBytes > 0, self.forwardBuffer > 0, self.highWater > 0 else {
            throw ValidationError("limits must be positive")
        }
        if !self.noParse, let path = self.statements, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("--statements \(path): no such file")
        }
    }

    /// The kaiju-hl address: the flag, else `HL_ADDRESS`; `none` disables forwarding.
    public var hlAddress: String? {
        let value = self.hl ?? ProcessInfo.processInfo.environment["HL_ADDRESS"]
        return value == "none" || value?.isEmpty == true ? nil : value
    }

    public var limits: IngestLimits {
        IngestLimits(maxFrameSize: self.maxFrameBytes, maxBodySize: self.maxBodyBytes, maxInflatedSize: self.maxInflatedBytes)
    }
}

/// What each executable's `run()` does: log to stderr, build the configuration, serve until SIGINT/SIGTERM, shut down cleanly.
public enum ServerMain {
    public static func run(
        name: String, options: ServerOptions, listeners: [ModuleConfiguration.Listener],
        rules: @escaping @Sendable (Runtime) throws -> Void
    ) throws {
        let level = Logger.Level(rawValue: options.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: name)
        if !options.noParse {
            let path = options.statements ?? "stmts/statements.txt"
            if FileManager.default.fileExists(atPath: path) {
                logger.warning("\(path): EPL text rule files are not read yet; running the built-in rule set")
            }
        }
        let configuration = ModuleConfiguration(
            name: name, listeners: listeners + [.stream(name: "tcp", address: options.tcp)], admin: options.admin,
            hl: options.hlAddress, limits: options.limits, forwardBuffer: options.forwardBuffer, highWater: options.highWater,
            timestampUnits: TimestampUnits(rawValue: options.jsonTimestampUnits) ?? .auto
        )
        let server = try ModuleServer.start(configuration, logger: logger, rules: rules)
        server.waitForSignal()
        try server.shutdown()
    }
}
