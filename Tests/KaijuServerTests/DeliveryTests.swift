import Foundation
@_spi(Codecs) import KaijuCore
import KaijuEPL
import KaijuTestSupport
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import KaijuServer

/// Rows to Alertmanager and webhooks: the encodings, exact; delivery to the real Alertmanager, read back
/// from its API; a webhook that fails, is retried, and refuses.
@Suite(.serialized)
struct DeliveryTests {
    static let logger = Logger(label: "test")

    @Test func rfc3339() {
        #expect(RFC3339.format(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(milliseconds: 1_700_000_000_123) == "2023-11-14T22:13:20.123Z")
        #expect(RFC3339.format(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(RFC3339.format(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(RFC3339.format(milliseconds: 253_402_300_799_999) == "9999-12-31T23:59:59.999Z")
    }

    @Test func alertsAndWebhookItems() {
        let output = StatementOutput(
            statement: "HighCPU",
            time: 1_700_000_000_000,
            rows: [
                Row(
                    columns: ["pod", "kube.namespace", "usage", "alertname", "note"],
                    values: ["web-1", "shop", 97.5, "x", .null]
                )
            ]
        )
        let encoding = AlertEncoding(resolveAfter: 300_000, generatorBase: "http://kaiju:9278")
        #expect(
            encoding.alerts(output).map { String(decoding: $0, as: UTF8.self) } == [
                #"{"labels":{"alertname":"HighCPU","pod":"web-1","kube_namespace":"shop"},"annotations":{"usage":"97.5"},"startsAt":"2023-11-14T22:13:20.000Z","endsAt":"2023-11-14T22:18:20.000Z","generatorURL":"http://kaiju:9278/api/statements/HighCPU"}"#
            ]
        )
        #expect(
            String(decoding: JSONArrayBody.join(WebhookEncoding.items(output)), as: UTF8.self)
                == #"[{"statement":"HighCPU","row":{"pod":"web-1","kube.namespace":"shop","usage":97.5,"alertname":"x","note":null}}]"#
        )
    }

    /// A listener's own URL needs `--allow-rule-addresses`; without one, the server's flag must be set.
    @Test func listenerURLsAreTheServersUnlessRuleAddressesAreAllowed() async throws {
        func sinks(allow: Bool, _ delivery: DeliveryConfiguration = DeliveryConfiguration()) -> StatementSinks {
            StatementSinks(
                defaultForwarder: nil,
                loop: MultiThreadedEventLoopGroup.singleton.next(),
                stats: IngestStats(),
                logger: Self.logger,
                forwardBuffer: 10,
                allowRuleAddresses: allow,
                delivery: delivery
            )
        }
        #expect(throws: RuleFileError.self) { try sinks(allow: false).listener(for: .webhook(url: "http://x:1/h")) }
        #expect(throws: RuleFileError.self) { try sinks(allow: false).listener(for: .alertmanager(url: nil)) }
        #expect(throws: RuleFileError.self) { try sinks(allow: true).listener(for: .webhook(url: "ftp://x/h")) }
        let allowed = sinks(allow: true)
        #expect(try allowed.listener(for: .webhook(url: "http://x:1/h")) != nil)
        var configured = DeliveryConfiguration()
        configured.alertmanager = "http://am:9093"
        let server = sinks(allow: false, configured)
        #expect(try server.listener(for: .alertmanager(url: nil)) != nil)
        await allowed.close(timeout: .milliseconds(10))
        await server.close(timeout: .milliseconds(10))
    }

    /// A server with `statement` installed under `listener`, reading ndjson on TCP.
    static func server(
        _ delivery: DeliveryConfiguration,
        statement: String,
        listener: StatementsFile.Listener
    ) async throws -> ModuleServer {
        var configuration = ModuleConfiguration(
            name: "kaiju-metrics",
            listeners: [.stream(name: "tcp", address: .loopback)],
            admin: nil,
            hl: nil
        )
        configuration.delivery = delivery
        return try await ModuleServer.start(configuration, logger: Self.logger) { runtime, sinks in
            let entry = StatementsFile.Entry(line: 1, name: "HighCPU", listener: listener, text: statement)
            try EPL.install(statement, in: runtime, name: "HighCPU", listener: try sinks.listener(for: listener))
            sinks.remember(name: "HighCPU", entry: entry)
        }
    }

    static func send(_ server: ModuleServer, _ lines: [String]) throws {
        _ = try Loopback.tcp(
            port: server.boundAddresses["tcp"]?.port ?? 0,
            Array(lines.joined(separator: "\n").utf8) + [10]
        )
    }

    static let metrics = [
        #"{"name":"cpu","timestamp":1700000000,"fields":{"usage":97.5},"tags":{"pod":"web-1","namespace":"shop"}}"#,
        #"{"name":"cpu","timestamp":1700000001,"fields":{"usage":12},"tags":{"pod":"web-2","namespace":"shop"}}"#,
        #"{"name":"cpu","timestamp":1700000002,"fields":{"usage":91},"tags":{"pod":"db-1","namespace":"data"}}"#,
    ]
    static let highCPU =
        "select tags('pod') as pod, tags('namespace') as namespace, fields('usage') as usage from Metric(fields('usage') > 90)"

    @Test func alertsReachTheRealAlertmanager() async throws {
        let alertmanager = try AlertmanagerTestServer()
        var delivery = DeliveryConfiguration()
        delivery.alertmanager = "http://127.0.0.1:\(alertmanager.port)"
        delivery.interval = .milliseconds(50)
        delivery.generatorBase = "http://kaiju.test:9278"
        let server = try await Self.server(delivery, statement: Self.highCPU, listener: .alertmanager(url: nil))
        // Alerts of now (an alert whose endsAt has passed is resolved, and the API lists active ones).
        let now = String(Int(Date().timeIntervalSince1970))
        try Self.send(
            server,
            Self.metrics.map { $0.replacingOccurrences(of: "17000000", with: String(now.dropLast(2))) }
        )
        var alerts: Value = .null
        #expect(
            await ServerProcess.eventually(seconds: 20) {
                guard let body = try? Loopback.get(port: alertmanager.port, path: "/api/v2/alerts"),
                    let value = try? JSONScanner.parse(Array(body.utf8), { (s) throws(JSONError) in try s.readValue() })
                else { return false }
                alerts = value
                return value.arrayValue?.count == 2
            }
        )
        let read = (alerts.arrayValue ?? []).map { alert in
            "\(alert["labels"].jsonString) \(alert["annotations"].jsonString) \(alert["generatorURL"].jsonString)"
        }.sorted()
        #expect(
            read == [
                #"{"alertname":"HighCPU","namespace":"data","pod":"db-1"} {"usage":"91"} "http://kaiju.test:9278/api/statements/HighCPU""#,
                #"{"alertname":"HighCPU","namespace":"shop","pod":"web-1"} {"usage":"97.5"} "http://kaiju.test:9278/api/statements/HighCPU""#,
            ]
        )
        #expect(
            await ServerProcess.eventually {
                server.pump.stats.value(
                    .init("kaiju_delivery_total", ["sink": "alertmanager", "outcome": "delivered"])
                )
                    == 2
            }
        )
        try await server.shutdown()
    }

    @Test func aWebhookIsRetriedOnFailuresAndRefusalsAreCounted() async throws {
        // 503, then a dropped connection is not simulated: 503 twice, then 200, then 400.
        let hook = try await RecordingHTTPServer(statuses: [503, 503, 200, 400])
        var delivery = DeliveryConfiguration()
        delivery.webhook = "http://127.0.0.1:\(hook.port)/hook"
        delivery.webhookToken = "t0ken"
        delivery.interval = .milliseconds(50)
        let server = try await Self.server(delivery, statement: Self.highCPU, listener: .webhook(url: nil))
        try Self.send(server, Self.metrics)
        #expect(await ServerProcess.eventually(seconds: 20) { hook.requests.count == 3 })
        let requests = hook.requests
        #expect(requests.map(\.path) == ["/hook", "/hook", "/hook"])
        #expect(requests.allSatisfy { $0.authorization == "Bearer t0ken" && $0.contentType == "application/json" })
        #expect(
            requests.last?.body
                == #"[{"statement":"HighCPU","row":{"pod":"web-1","namespace":"shop","usage":97.5}},{"statement":"HighCPU","row":{"pod":"db-1","namespace":"data","usage":91}}]"#
        )
        let stats = server.pump.stats
        #expect(stats.value(.init("kaiju_delivery_total", ["sink": "webhook", "outcome": "failed"])) == 4)
        #expect(stats.value(.init("kaiju_delivery_total", ["sink": "webhook", "outcome": "delivered"])) == 2)
        // The next row is refused (400): counted, not retried.
        try Self.send(server, [Self.metrics[0]])
        #expect(
            await ServerProcess.eventually(seconds: 20) {
                stats.value(.init("kaiju_delivery_total", ["sink": "webhook", "outcome": "rejected"])) == 1
            }
        )
        #expect(hook.requests.count == 4)
        try await server.shutdown()
        try await hook.close()
    }
}

/// An HTTP server recording every request and answering with the given statuses in turn (200 after them).
final class RecordingHTTPServer: Sendable {
    struct Request: Sendable {
        var path: String
        var authorization: String?
        var contentType: String?
        var body: String
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: RecordingHTTPServer
        var head: HTTPRequestHead?
        var body: [UInt8] = []
        init(_ server: RecordingHTTPServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch Self.unwrapInboundIn(data) {
            case .head(let h):
                self.head = h
                self.body = []
            case .body(var b): self.body += b.readBytes(length: b.readableBytes) ?? []
            case .end:
                guard let head = self.head else { return }
                let status = self.server.record(
                    Request(
                        path: head.uri,
                        authorization: head.headers.first(name: "authorization"),
                        contentType: head.headers.first(name: "content-type"),
                        body: String(decoding: self.body, as: UTF8.self)
                    )
                )
                var headers = HTTPHeaders()
                headers.add(name: "Content-Length", value: "0")
                context.write(
                    Self.wrapOutboundOut(
                        .head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: headers))
                    ),
                    promise: nil
                )
                context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }

    private let state: Mutex<(requests: [Request], statuses: [Int])>
    private let channel: NIOLockedValueBox<(any Channel)?> = NIOLockedValueBox(nil)
    let port: Int

    init(statuses: [Int]) async throws {
        self.state = Mutex(([], statuses))
        let box = NIOLockedValueBox<RecordingHTTPServer?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    if let server = box.withLockedValue({ $0 }) {
                        try channel.pipeline.syncOperations.addHandler(Handler(server))
                    }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.port = channel.localAddress?.port ?? 0
        self.channel.withLockedValue { $0 = channel }
        box.withLockedValue { $0 = self }
    }

    func record(_ request: Request) -> Int {
        self.state.withLock { s in
            s.requests.append(request)
            return s.statuses.isEmpty ? 200 : s.statuses.removeFirst()
        }
    }

    var requests: [Request] { self.state.withLock { $0.requests } }

    func close() async throws { try await self.channel.withLockedValue { $0 }?.close() }
}
