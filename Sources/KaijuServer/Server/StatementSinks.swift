import AsyncHTTPClient
import Foundation
import KaijuCodecs
public import KaijuCore
public import KaijuEPL
public import Logging
public import NIOCore
import NIOPosix
public import NIOSSL
import Synchronization

/// Where statements' rows go, per `statements.txt` listener: stdout (`simple`), kaiju-hl (`hl`, the
/// server's forwarder, or one per `address` when rule addresses are allowed), a file (`sample`, one JSON
/// line per row, inside the sample directory). Owns the extra forwarders and files, closes a sample file
/// when its last statement is removed, and closes everything at shutdown.
public final class StatementSinks: Sendable {
    let defaultForwarder: HLForwarder?
    /// The JetStream publisher (`--nats`): `hl` listeners without an address publish there too.
    let natsPublisher: NATSEventPublisher?
    let loop: any EventLoop
    let stats: IngestStats
    let logger: Logger
    let forwardBuffer: Int
    /// Where `sample` paths resolve (`nil`: sample listeners are refused).
    let sampleDirectory: String?
    /// Whether `hl` listeners may name an `address` of their own.
    let allowRuleAddresses: Bool
    /// TLS for the forwarders to rule-text addresses.
    let tls: NIOSSLContext?
    private let forwarders = Mutex<[String: HLForwarder]>([:])
    /// Alertmanager and webhook destinations.
    let delivery: DeliveryConfiguration
    /// The HTTP deliveries, by `kind url`, and the client they share (made by the first).
    private let deliveries = Mutex<(client: HTTPClient?, all: [String: HTTPDelivery])>((nil, [:]))
    private let samples = Mutex<[String: SampleFile]>([:])
    /// Each installed statement's text and listener, by name (for `GET /api/statements`).
    let texts = Mutex<[String: (text: String, listener: String)]>([:])
    /// Each installed statement's listener kind, by name, so removing it releases its sample file.
    private let kinds = Mutex<[String: StatementsFile.Listener]>([:])

    /// Sinks forwarding to `defaultForwarder` (the server's `--hl`), sample files confined to
    /// `sampleDirectory`, rule-text `hl` addresses only when `allowRuleAddresses`.
    public init(
        defaultForwarder: HLForwarder?,
        loop: any EventLoop,
        stats: IngestStats,
        logger: Logger,
        forwardBuffer: Int,
        sampleDirectory: String? = ".",
        allowRuleAddresses: Bool = false,
        tls: NIOSSLContext? = nil,
        natsPublisher: NATSEventPublisher? = nil,
        delivery: DeliveryConfiguration = DeliveryConfiguration()
    ) {
        self.delivery = delivery
        self.natsPublisher = natsPublisher
        self.tls = tls
        self.defaultForwarder = defaultForwarder
        self.loop = loop
        self.stats = stats
        self.logger = logger
        self.forwardBuffer = forwardBuffer
        self.sampleDirectory = sampleDirectory
        self.allowRuleAddresses = allowRuleAddresses
    }

    /// The listener for a rule file entry. Nothing is created yet: a sample file is opened by its first
    /// row. A statement that is then refused must be given back with ``abandon(_:)``.
    /// - Throws: ``RuleFileError`` for an `hl` listener without any address or with an address while rule
    ///   addresses are not allowed, or a sample path outside the sample directory; ``BindAddressError`` for a bad address.
    public func listener(for kind: StatementsFile.Listener) throws -> StatementListener? {
        switch kind {
        case .none: return nil
        case .simple: return StdoutRows.write
        case .hl(nil) where self.natsPublisher != nil:
            // Over NATS (and the TCP link too when --hl is also given).
            let tcp = self.defaultForwarder?.eventListener(stats: self.stats)
            let nats = self.natsPublisher?.eventListener(stats: self.stats)
            return { output in
                tcp?(output)
                nats?(output)
            }
        case .hl(let address):
            return try self.forwarder(address).eventListener(stats: self.stats)
        case .sample(let path):
            let file = try self.sampleFile(path)
            return { output in file.write(output.rows.map { $0.jsonString + "\n" }.joined()) }
        case .alertmanager(let url):
            let base = try self.destination(url, server: self.delivery.alertmanager, flag: "--alertmanager")
            let target = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/api/v2/alerts"
            let sink = self.httpDelivery("alertmanager", target, headers: [], encode: JSONArrayBody.join)
            let encoding = AlertEncoding(
                resolveAfter: self.delivery.alertResolveAfter,
                generatorBase: self.delivery.generatorBase
            )
            return { output in sink.send(encoding.alerts(output)) }
        case .webhook(let url):
            let target = try self.destination(url, server: self.delivery.webhook, flag: "--webhook")
            let headers = self.delivery.webhookToken.map { [("Authorization", "Bearer \($0)")] } ?? []
            let sink = self.httpDelivery("webhook", target, headers: headers, encode: JSONArrayBody.join)
            return { output in sink.send(WebhookEncoding.items(output)) }
        }
    }

    /// A listener's URL: its own (only with `--allow-rule-addresses`), else the server's.
    private func destination(_ url: String?, server: String?, flag: String) throws -> String {
        guard let url else {
            guard let server else { throw RuleFileError("this listener needs a url (or \(flag))") }
            return server
        }
        guard self.allowRuleAddresses else {
            throw RuleFileError("a listener url of its own needs --allow-rule-addresses (or use \(flag))")
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw RuleFileError("listener url '\(url)' is not http:// or https://")
        }
        return url
    }

    /// The delivery to `url` for `sink` (one per destination, made on first use).
    private func httpDelivery(
        _ sink: String,
        _ url: String,
        headers: [(String, String)],
        encode: @escaping HTTPDelivery.Encoder
    ) -> HTTPDelivery {
        self.deliveries.withLock { state in
            if let existing = state.all["\(sink) \(url)"] { return existing }
            let client =
                state.client
                ?? HTTPClient(
                    eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                    configuration: HTTPClient.Configuration(tlsConfiguration: self.delivery.tls)
                )
            state.client = client
            let delivery = HTTPDelivery(
                sink: sink,
                url: url,
                client: client,
                batchSize: self.delivery.batchSize,
                interval: self.delivery.interval,
                capacity: self.delivery.capacity,
                headers: headers,
                stats: self.stats,
                logger: self.logger,
                encode: encode
            )
            state.all["\(sink) \(url)"] = delivery
            return delivery
        }
    }

    /// Gives back what ``listener(for:)`` took for a statement that was not installed.
    public func abandon(_ kind: StatementsFile.Listener) {
        guard case .sample(let path) = kind, let resolved = try? SampleFile.confine(path, to: self.sampleDirectory)
        else { return }
        self.releaseSample(resolved)
    }

    /// Forgets a removed statement: its text, and its sample file (closed if no other statement writes there).
    public func forget(name: String) {
        _ = self.texts.withLock { $0.removeValue(forKey: name) }
        self.natsPublisher?.setPartitionKey(nil, forStatement: name)
        if let kind = self.kinds.withLock({ $0.removeValue(forKey: name) }) { self.abandon(kind) }
    }

    private func releaseSample(_ resolved: String) {
        self.samples.withLock { all in
            if let file = all[resolved], file.release() { all[resolved] = nil }
        }
    }

    private func forwarder(_ address: String?) throws -> HLForwarder {
        guard let address else {
            guard let f = self.defaultForwarder else {
                throw RuleFileError("listener hl needs an address (or --hl / HL_ADDRESS)")
            }
            return f
        }
        guard self.allowRuleAddresses else {
            throw RuleFileError("listener hl with an address of its own needs --allow-rule-addresses (or use --hl)")
        }
        return try self.forwarders.withLock { (all) throws -> HLForwarder in
            if let f = all[address] { return f }
            let f = HLForwarder(
                to: try BindAddress(parsing: address),
                capacity: self.forwardBuffer,
                loop: self.loop,
                stats: self.stats,
                logger: self.logger,
                tls: self.tls
            )
            all[address] = f
            return f
        }
    }

    /// A writer appending text to the sample file at `path` (inside the sample directory), for tail sampling.
    /// - Throws: ``RuleFileError`` for a path outside the sample directory, or when sampling is off.
    func sampleWriter(_ path: String) throws -> (String) -> Void {
        let file = try self.sampleFile(path)
        return { text in file.write(text) }
    }

    private func sampleFile(_ path: String) throws -> SampleFile {
        let resolved = try SampleFile.confine(path, to: self.sampleDirectory)
        return self.samples.withLock { all in
            let file = all[resolved] ?? SampleFile(path: resolved, stats: self.stats)
            all[resolved] = file
            file.retain()
            return file
        }
    }

    /// Remembers a rule-file statement's text and listener for `GET /api/statements`, and its NATS
    /// partition key.
    public func remember(name: String, entry: StatementsFile.Entry) {
        let listener = entry.listener.description
        self.texts.withLock { $0[name] = (entry.text, listener) }
        self.kinds.withLock { $0[name] = entry.listener }
        self.natsPublisher?.setPartitionKey(entry.partitionKey, forStatement: name)
    }

    /// Flushes the extra forwarders and the HTTP deliveries (up to `timeout`) and closes the sample files.
    public func close(timeout: TimeAmount) async {
        for f in self.forwarders.withLock({ Array($0.values) }) { try? await f.close(timeout: timeout).get() }
        let (client, deliveries) = self.deliveries.withLock { ($0.client, Array($0.all.values)) }
        for d in deliveries { await d.close(timeout: .nanoseconds(timeout.nanoseconds)) }
        try? await client?.shutdown()
        self.samples.withLock { all in
            for file in all.values { file.close() }
            all.removeAll()
        }
    }
}
