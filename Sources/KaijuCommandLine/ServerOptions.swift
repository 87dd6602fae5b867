public import ArgumentParser
import Foundation
public import KaijuCodecs
public import KaijuCore
import KaijuEPL
import KaijuNATS
public import KaijuServer
import Logging
import NIOCore

/// The flags every Kaiju server takes.
public struct ServerOptions: ParsableArguments {
    /// EPL rule file, one key:value,...=STATEMENT a line (default stmts/statements.txt; without one the built-in rules run; a missing file given explicitly is an error).
    @Option(
        help:
            "EPL rule file, one key:value,...=STATEMENT a line (default stmts/statements.txt; without one the built-in rules run; a missing file given explicitly is an error)."
    )
    public var statements: String?

    /// An Esper EPL module of rules (statements separated by `;`), run besides or instead of the statements file.
    @Option(
        help:
            "Esper EPL module of rules (statements separated by ';', @name('x') statements print their rows), run besides or instead of --statements."
    )
    public var rules: String?

    /// Do not read the statements file.
    @Flag(name: .customLong("no-parse"), help: "Do not read the statements file.")
    public var noParse = false

    /// Retention time substituted for :retentionTime: in statements (Esper forms: 2min, 30 sec).
    @Option(help: "Retention time substituted for :retentionTime: in statements (Esper forms: 2min, 30 sec).")
    public var rtime = "2min"

    /// kaiju-hl HOST:PORT that produced Events are forwarded to (default: $HL_ADDRESS; none to disable).
    @Option(help: "kaiju-hl HOST:PORT that produced Events are forwarded to (default: $HL_ADDRESS; none to disable).")
    public var hl: AddressOption?

    /// TCP address for ndjson / line protocol / Forward, told apart per connection (none to disable).
    @Option(help: "TCP address for ndjson / line protocol / Forward, told apart per connection (none to disable).")
    public var tcp = AddressOption(host: "0.0.0.0", port: 9876)

    /// Admin HTTP address serving GET /metrics (none to disable).
    @Option(help: "Admin HTTP address serving GET /metrics (none to disable).")
    public var admin = AddressOption(host: "127.0.0.1", port: 9278)

    /// Log level on stderr: trace, debug, info, notice, warning, error, critical.
    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.")
    public var logLevel = "info"

    /// Largest line, Forward message or datagram, in bytes.
    @Option(help: "Largest line, Forward message or datagram, in bytes.")
    public var maxFrameBytes = 16 << 20

    /// Largest HTTP body as received, in bytes.
    @Option(help: "Largest HTTP body as received, in bytes.")
    public var maxBodyBytes = 32 << 20

    /// Most bytes one compressed payload may inflate to.
    @Option(help: "Most bytes one compressed payload may inflate to.")
    public var maxInflatedBytes = 64 << 20

    /// Deepest nesting of JSON objects/arrays and msgpack maps/arrays in one input value.
    @Option(help: "Deepest nesting of JSON objects/arrays and msgpack maps/arrays in one input value.")
    public var maxDepth = 64

    /// Most flattened key bytes a log record may produce per byte of input.
    @Option(help: "Most flattened key bytes a log record may produce per byte of input.")
    public var maxFlattenExpansion = 16

    /// Events held in memory while kaiju-hl is unreachable; older ones are dropped (and counted) beyond it.
    @Option(
        help: "Events held in memory while kaiju-hl is unreachable; older ones are dropped (and counted) beyond it."
    )
    public var forwardBuffer = 100_000

    /// NATS JetStream instead of the TCP link to kaiju-hl.
    @Option(
        help:
            "NATS JetStream (nats://[user:password@]host:port, or a nats://token@host:port) instead of the TCP link to kaiju-hl: modules publish their Events to it, kaiju-hl consumes its partitions. KAIJU_NATS when not given (keeps credentials out of ps)."
    )
    public var nats: String?

    /// Agents' NATS subjects this module reads its input from.
    @Option(
        help:
            "With --nats: a subject (wildcards allowed) this module reads agents' input from, as Telegraf outputs.nats (kaiju-metrics), Fluent Bit's nats output (kaiju-logs) or OTLP traces (kaiju-traces) publish it; repeatable."
    )
    public var natsInput: [String] = []

    /// The queue group replicas share the input subjects in.
    @Option(help: "With --nats-input: the queue group replicas share the subjects in (default: the module's name).")
    public var natsQueueGroup: String?

    /// The NATS URL: the flag, else `KAIJU_NATS`.
    var natsURL: String? {
        if let url = self.nats, !url.isEmpty { return url }
        if let env = ProcessInfo.processInfo.environment["KAIJU_NATS"], !env.isEmpty { return env }
        return nil
    }

    /// How many partitions the Events are spread over.
    @Option(help: "With --nats: how many partitions (subjects kaiju.events.N) the Events are spread over.")
    public var partitions = 1

    /// The Event property that picks a partition.
    @Option(help: "With --nats: the Event property whose value picks the partition (payload.KEY or context.KEY).")
    public var partitionKey = "context.namespace"

    /// This kaiju-hl replica's number.
    @Option(
        help:
            "kaiju-hl with --nats: this replica's number, from 0 (it consumes the partitions p with p % replicas = replica)."
    )
    public var replica = 0

    /// How many kaiju-hl replicas share the partitions.
    @Option(
        help:
            "kaiju-hl with --nats: how many replicas share the partitions; 0 learns it from the live replicas (for a StatefulSet an autoscaler resizes)."
    )
    public var replicas = 1

    /// Seconds a fetched Event may stay unacknowledged before JetStream delivers it again.
    @Option(help: "kaiju-hl with --nats: seconds a fetched Event may stay unacknowledged before it is delivered again.")
    public var natsAckWait = 30

    /// The JetStream link the flags describe, if `--nats` is given.
    public var natsLink: NATSLink? {
        guard let url = self.natsURL, var options = NATSOptions(url: url) else { return nil }
        options.name = "kaiju"
        var link = NATSLink(options: options)
        link.partitions = self.partitions
        link.partitionKey = StatementsFile.propertyPath(self.partitionKey) ?? link.partitionKey
        link.replica = self.replica
        link.replicas = self.replicas
        link.capacity = self.forwardBuffer
        link.ackWait = .seconds(self.natsAckWait)
        return link
    }

    /// Most events one statement's window holds; the oldest is pushed out (and counted) beyond it.
    @Option(help: "Most events one statement's window holds; the oldest is pushed out (and counted) beyond it.")
    public var maxWindowEvents = 1_000_000

    /// Most groups one statement keeps; events of further groups are not aggregated (and counted).
    @Option(help: "Most groups one statement keeps; events of further groups are not aggregated (and counted).")
    public var maxGroups = 1_000_000

    /// Most live pattern (and match_recognize) instances one statement keeps; more are dropped (and counted).
    @Option(
        help: "Most live pattern (and match_recognize) instances one statement keeps; more are dropped (and counted)."
    )
    public var maxPatternInstances = 1_000_000

    /// Most partitions one context statement runs at once; more are refused (and counted).
    @Option(help: "Most partitions one context statement runs at once; more are refused (and counted).")
    public var maxContextPartitions = 100_000

    /// Most rows one table holds; rows of further keys are refused (and counted).
    @Option(help: "Most rows one table holds; rows of further keys are refused (and counted).")
    public var maxTableRows = 1_000_000

    /// The engine limits the flags set.
    public var runtimeLimits: RuntimeLimits {
        RuntimeLimits(
            maxWindowEvents: self.maxWindowEvents,
            maxGroups: self.maxGroups,
            maxPatternInstances: self.maxPatternInstances,
            maxContextPartitions: self.maxContextPartitions,
            maxTableRows: self.maxTableRows
        )
    }

    /// Batches queued for the engine before TCP reads pause, UDP drops and HTTP answers 503.
    @Option(help: "Batches queued for the engine before TCP reads pause, UDP drops and HTTP answers 503.")
    public var highWater = 64

    /// Most connections one TCP or HTTP listener keeps open; more are closed at once (and counted).
    @Option(help: "Most connections one TCP or HTTP listener keeps open; more are closed at once (and counted).")
    public var maxConnections = 1024

    /// Seconds a connection may send nothing before it is closed (and counted); 0 disables.
    @Option(help: "Seconds a connection may send nothing before it is closed (and counted); 0 disables.")
    public var idleTimeout = 300

    /// Bearer token the admin address requires (Authorization: Bearer TOKEN); prefer --admin-token-file or $KAIJU_ADMIN_TOKEN, which stay out of ps.
    @Option(
        help:
            "Bearer token the admin address requires (Authorization: Bearer TOKEN); prefer --admin-token-file or $KAIJU_ADMIN_TOKEN, which stay out of ps."
    )
    public var adminToken: String?

    /// File whose first line is the admin bearer token.
    @Option(help: "File whose first line is the admin bearer token.")
    public var adminTokenFile: String?

    /// A host name the admin address answers to besides IP literals and localhost (repeatable; e.g. a Kubernetes service name).
    @Option(
        help:
            "A host name the admin address answers to besides IP literals and localhost (repeatable; e.g. a Kubernetes service name)."
    )
    public var adminHost: [String] = []

    /// Directory sample listeners write in; their paths resolve inside it ('none' refuses sample listeners).
    @Option(
        help: "Directory sample listeners write in; their paths resolve inside it ('none' refuses sample listeners)."
    )
    public var sampleDir = "."

    /// Let hl, alertmanager and webhook listeners in rule text name their own address.
    @Flag(
        help:
            "Let hl, alertmanager and webhook listeners in rule text name their own address or url (otherwise only --hl, --alertmanager and --webhook are used)."
    )
    public var allowRuleAddresses = false

    /// The Alertmanager statements' rows go to as alerts.
    @Option(
        help:
            "Alertmanager base URL (http://host:9093) that alertmanager listeners (listener:alertmanager, @alertmanager) post their rows to as alerts."
    )
    public var alertmanager: String?

    /// How long after its row an alert resolves.
    @Option(help: "How long after its row an alert resolves unless a new row fires it again (endsAt).")
    public var alertResolveAfter = "5 min"

    /// Prometheus endpoints to scrape.
    @Option(
        help:
            "kaiju-metrics: a Prometheus endpoint to scrape (http://host:port/metrics; repeatable or comma-separated), each sample a Metric."
    )
    public var scrape: [String] = []

    /// How often each endpoint is scraped.
    @Option(help: "How often each --scrape endpoint is scraped.")
    public var scrapeInterval = "15 sec"

    /// The scrape targets, one URL each.
    public var scrapeTargets: [String] {
        self.scrape.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
    }

    /// The webhook URL statements' rows are posted to.
    @Option(help: "URL that webhook listeners (listener:webhook, @webhook) post their rows to, in JSON batches.")
    public var webhook: String?

    /// The webhook's bearer token file.
    @Option(help: "File whose first line is the bearer token sent to webhooks (or $KAIJU_WEBHOOK_TOKEN).")
    public var webhookTokenFile: String?

    /// Rows per alert or webhook request.
    @Option(help: "Rows per Alertmanager or webhook request.")
    public var deliveryBatch = 100

    /// How long a row waits for more before its batch is posted.
    @Option(help: "How long the first waiting row waits for more before its Alertmanager or webhook batch is posted.")
    public var deliveryInterval = "1 sec"

    /// Rows held per Alertmanager or webhook destination.
    @Option(
        help:
            "Rows held per Alertmanager or webhook destination while it is slow or away; the oldest are dropped (and counted) beyond it."
    )
    public var deliveryBuffer = 10_000

    /// PEM certificate chain: with --tls-key, every TCP and HTTP listener (admin too) speaks TLS.
    @Option(help: "PEM certificate chain: with --tls-key, every TCP and HTTP listener (admin too) speaks TLS.")
    public var tlsCert: String?

    /// PEM private key of --tls-cert.
    @Option(help: "PEM private key of --tls-cert.")
    public var tlsKey: String?

    /// PEM CA bundle: listeners then require client certificates signed by it; the kaiju-hl link verifies kaiju-hl against it.
    @Option(
        help:
            "PEM CA bundle: listeners then require client certificates signed by it; the kaiju-hl link verifies kaiju-hl against it."
    )
    public var tlsCa: String?

    /// Speak TLS to kaiju-hl (--hl), verifying it against --tls-ca (or the system roots) and presenting --tls-cert if given.
    @Flag(
        help:
            "Speak TLS to kaiju-hl (--hl), verifying it against --tls-ca (or the system roots) and presenting --tls-cert if given."
    )
    public var hlTls = false

    /// Append every input event, as it enters the runtime, to this ndjson recording.
    @Option(help: "Append every input event, as it enters the runtime, to this ndjson recording.")
    public var record: String?

    /// Run the rules over this recording on its own clock, print what they output, and exit (no listeners).
    @Option(
        help: "Run the rules over this recording on its own clock, print what they output, and exit (no listeners)."
    )
    public var replay: String?

    /// Unit of Telegraf JSON timestamps: auto, s, ms, us, ns.
    @Option(help: "Unit of Telegraf JSON timestamps: auto, s, ms, us, ns.")
    public var jsonTimestampUnits = "auto"

    /// The defaults.
    public init() {}

    /// Checks the flags together: TLS files in pairs, durations, levels, addresses, positive limits, files present.
    /// - Throws: `ValidationError` naming the flag.
    public mutating func validate() throws {
        if (self.tlsCert == nil) != (self.tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        for (flag, text) in [
            ("--alert-resolve-after", self.alertResolveAfter), ("--delivery-interval", self.deliveryInterval),
            ("--scrape-interval", self.scrapeInterval),
        ]
        where TimePeriod(parsing: text) == nil {
            throw ValidationError("\(flag) '\(text)' is not a duration such as 5 min or 30 sec")
        }
        for url in self.scrapeTargets where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("--scrape '\(url)' is not an http:// or https:// URL")
        }
        for (flag, url) in [("--alertmanager", self.alertmanager), ("--webhook", self.webhook)] {
            if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                throw ValidationError("\(flag) '\(url)' is not an http:// or https:// URL")
            }
        }
        guard self.deliveryBatch > 0, self.deliveryBuffer > 0 else {
            throw ValidationError("--delivery-batch and --delivery-buffer must be positive")
        }
        guard TimePeriod(parsing: self.rtime) != nil else {
            throw ValidationError("--rtime '\(self.rtime)' is not a duration such as 2min or 30 sec")
        }
        guard Logger.Level(rawValue: self.logLevel) != nil else {
            throw ValidationError("--log-level '\(self.logLevel)' is not a log level")
        }
        guard TimestampUnits(rawValue: self.jsonTimestampUnits) != nil else {
            throw ValidationError("--json-timestamp-units must be one of auto, s, ms, us, ns")
        }
        guard self.maxFrameBytes > 0, self.maxBodyBytes > 0, self.maxInflatedBytes > 0, self.forwardBuffer > 0,
            self.highWater > 0,
            self.maxDepth > 0, self.maxFlattenExpansion > 0, self.maxConnections > 0, self.idleTimeout >= 0,
            self.maxWindowEvents > 0, self.maxGroups > 0, self.maxPatternInstances > 0,
            self.maxContextPartitions > 0, self.maxTableRows > 0, self.partitions > 0, self.replicas >= 0,
            self.natsAckWait > 0,
            self.replica >= 0, self.replica < 1024, self.replicas == 0 || self.replica < self.replicas
        else {
            throw ValidationError("limits must be positive")
        }
        if !self.noParse, let path = self.statements, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("--statements \(path): no such file")
        }
        if let path = self.rules, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("--rules \(path): no such file")
        }
        if let path = self.replay, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("--replay \(path): no such file")
        }
        if self.replay != nil, self.record != nil { throw ValidationError("--record and --replay cannot be combined") }
        if let url = self.natsURL, NATSOptions(url: url) == nil {
            throw ValidationError("--nats (or KAIJU_NATS) is not nats://[user:password@]host[:port]")
        }
        if StatementsFile.propertyPath(self.partitionKey) == nil {
            throw ValidationError("--partition-key '\(self.partitionKey)' is not payload.KEY or context.KEY")
        }
        if !self.natsInput.isEmpty, self.natsURL == nil {
            throw ValidationError("--nats-input needs --nats (or KAIJU_NATS)")
        }
        if self.natsInput.contains(where: { $0.isEmpty || $0.contains(where: \.isWhitespace) }) {
            throw ValidationError("--nats-input takes a subject without spaces")
        }
    }

    /// The kaiju-hl address: the flag, else `HL_ADDRESS`; `none` (or nothing) disables forwarding.
    /// - Throws: ``BindAddressError`` when `HL_ADDRESS` is not `HOST:PORT` or `none`.
    public func hlAddress() throws(BindAddressError) -> BindAddress? {
        if let flag = self.hl { return flag.address }
        guard let value = ProcessInfo.processInfo.environment["HL_ADDRESS"], !value.isEmpty else { return nil }
        return try BindAddress.parse(orNone: value)
    }

    /// Who may use the admin address.
    /// - Throws: ``RuleFileError`` when the token file cannot be read.
    public func adminAccess() throws -> AdminAccess {
        AdminAccess(
            token: try Secret.resolve(
                value: self.adminToken,
                file: self.adminTokenFile,
                environment: "KAIJU_ADMIN_TOKEN"
            ),
            allowedHosts: self.adminHost
        )
    }

    /// Where alertmanager and webhook listeners deliver, as the flags say.
    /// - Throws: ``RuleFileError`` when the webhook token file cannot be read.
    public func delivery() throws -> DeliveryConfiguration {
        var d = DeliveryConfiguration()
        d.alertmanager = self.alertmanager
        d.alertResolveAfter = TimePeriod(parsing: self.alertResolveAfter)?.milliseconds ?? d.alertResolveAfter
        d.webhook = self.webhook
        d.webhookToken = try Secret.resolve(value: nil, file: self.webhookTokenFile, environment: "KAIJU_WEBHOOK_TOKEN")
        d.batchSize = self.deliveryBatch
        d.interval = .milliseconds(TimePeriod(parsing: self.deliveryInterval)?.milliseconds ?? 1000)
        d.capacity = self.deliveryBuffer
        if self.tlsCa != nil { d.tls = try TLSFiles(certificateAuthority: self.tlsCa).clientConfiguration() }
        return d
    }

    /// The TLS files given.
    public var tlsFiles: TLSFiles {
        TLSFiles(certificate: self.tlsCert, privateKey: self.tlsKey, certificateAuthority: self.tlsCa)
    }

    /// The sample directory, or `nil` when sample listeners are refused.
    public var sampleDirectory: String? { self.sampleDir == "none" ? nil : self.sampleDir }

    /// The ingest limits the flags set.
    public var limits: IngestLimits {
        IngestLimits(
            maxFrameSize: self.maxFrameBytes,
            maxBodySize: self.maxBodyBytes,
            maxInflatedSize: self.maxInflatedBytes,
            maxDepth: self.maxDepth,
            maxFlattenExpansion: self.maxFlattenExpansion
        )
    }
}
