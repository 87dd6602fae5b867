public import KaijuCodecs
public import KaijuCore
public import NIOCore
public import NIOSSL

/// What one Kaiju server listens on and how it bounds its work.
public struct ModuleConfiguration: Sendable {
    /// One listening socket.
    public enum Listener: Sendable {
        /// TCP: ndjson and line protocol, gzip streams and Forward, told apart by the first byte.
        /// With a shared key the connection must start with the Forward handshake.
        case stream(name: String, address: BindAddress, sharedKey: String? = nil)
        /// HTTP ingest.
        case http(name: String, address: BindAddress, kind: HTTPKind)
        /// Jaeger agent UDP.
        case jaegerUDP(name: String, address: BindAddress, binary: Bool)
        /// Fluentd's UDP heartbeat on the Forward port (answered with `00`).
        case forwardHeartbeat(name: String, address: BindAddress)
        /// OTLP/gRPC: the `signal`'s service (`Export`), protobuf, gzip.
        case otlpGRPC(name: String, address: BindAddress, signal: OTLPSignal)
    }

    /// Which HTTP endpoints a listener serves.
    public enum HTTPKind: Sendable {
        /// Telegraf and InfluxDB write, Fluentd/Fluent Bit http, Jaeger collector.
        case telegraf, fluent, jaeger
        /// OTLP/HTTP for one signal (`POST /v1/traces`, `/v1/logs` or `/v1/metrics`).
        case otlp(OTLPSignal)
    }

    /// The executable's name, for logs.
    public var name: String
    /// The listeners.
    public var listeners: [Listener]
    /// The admin HTTP address (`GET /metrics`), or `nil`.
    public var admin: BindAddress?
    /// Where produced Events go, or `nil`.
    public var hl: BindAddress?
    /// The bounds on frames, bodies, inflation and nesting.
    public var limits: IngestLimits
    /// Event lines held while kaiju-hl is away.
    public var forwardBuffer: Int
    /// Batches in flight before TCP reads pause, UDP drops and HTTP answers 503.
    public var highWater: Int
    /// The unit of Telegraf JSON timestamps.
    public var timestampUnits: TimestampUnits
    /// Replaces `:retentionTime:` in statements added at run time (`--rtime`), as in the rule file.
    public var retentionTime = "2min"
    /// TLS on every TCP and HTTP listener (admin included), or `nil` for plain TCP.
    public var tls: NIOSSLContext?
    /// The certificate and key files of ``tls``, which OTLP/gRPC listeners load themselves.
    public var tlsFiles: TLSFiles?
    /// TLS for the link to kaiju-hl, or `nil` for plain TCP.
    public var hlTLS: NIOSSLContext?
    /// Who may use the admin address (token, accepted Host names).
    public var adminAccess = AdminAccess()
    /// Where `sample` listeners may write (their paths resolve inside it), or `nil` to refuse them.
    public var sampleDirectory: String? = "."
    /// Whether `hl` listeners may name their own `address` in rule text.
    public var allowRuleAddresses = false
    /// The most connections one TCP or HTTP listener keeps open; more are closed at once and counted.
    public var maxConnections = 1024
    /// A connection that sends nothing for this long is closed and counted (`nil`: never).
    public var idleTimeout: TimeAmount? = .seconds(300)
    /// The engine's bounds on windows, groups, pattern instances, context partitions and table rows.
    public var runtimeLimits = RuntimeLimits()
    /// JetStream instead of the TCP link to kaiju-hl: Events produced are published to its partitions.
    public var nats: NATSLink?
    /// With ``nats``: this server consumes the partitions (kaiju-hl) instead of publishing to them.
    public var consumesNATS = false
    /// kaiju-traces' traces API address (`--traces-api`), serving the spans retained for ``retentionTime``.
    public var tracesAPI: BindAddress?
    /// Where spans of traces flagged by an Event (`payload.traceId`) are written as they leave retention
    /// (tail sampling; inside ``sampleDirectory``).
    public var traceSamples: String?
    /// Prometheus endpoints (URLs) scraped every ``scrape``.
    public var scrape: [String] = []
    /// How often each ``scrape`` target is scraped.
    public var scrapeInterval: Duration = .seconds(15)
    /// Where alertmanager and webhook listeners deliver.
    public var delivery = DeliveryConfiguration()
    /// Agents' input read from NATS subjects (on ``nats``'s server), besides the listeners.
    public var natsInput: NATSInput?

    /// A configuration with the given listeners and addresses; the rest have defaults.
    public init(
        name: String,
        listeners: [Listener],
        admin: BindAddress?,
        hl: BindAddress?,
        limits: IngestLimits = IngestLimits(),
        forwardBuffer: Int = 100_000,
        highWater: Int = 64,
        timestampUnits: TimestampUnits = .auto
    ) {
        self.name = name
        self.listeners = listeners
        self.admin = admin
        self.hl = hl
        self.limits = limits
        self.forwardBuffer = forwardBuffer
        self.highWater = highWater
        self.timestampUnits = timestampUnits
    }
}
