import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import KaijuCodecs
import KaijuCore
import KaijuEPL
import KaijuTestSupport
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import KaijuServer

/// OTLP/gRPC on the three source modules: the export requests the Python SDK sent (the OTLP/HTTP fixtures'
/// protobuf, sent here by a gRPC client with gzip), the SDK's own gRPC and HTTP exporters when
/// `KAIJU_OTEL_PYTHON` names a Python with them (CI installs it), and the refusals.
struct OTLPGRPCTests {
    final class Rows: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { self.lines.withLock { $0 } }
    }

    /// A server with an OTLP/gRPC and an OTLP/HTTP listener for `signal`, running `statement`.
    static func server(
        _ signal: OTLPSignal,
        statement: String,
        rows: Rows,
        limits: IngestLimits = IngestLimits(),
        configure: (inout ModuleConfiguration) -> Void = { _ in }
    ) async throws -> ModuleServer {
        var configuration = ModuleConfiguration(
            name: "kaiju-otlp-grpc",
            listeners: [
                .otlpGRPC(name: "otlp-grpc", address: .loopback, signal: signal),
                .http(name: "otlp-http", address: .loopback, kind: .otlp(signal)),
            ],
            admin: nil,
            hl: nil,
            limits: limits
        )
        configure(&configuration)
        return try await ModuleServer.start(configuration, logger: Logger(label: "test")) { runtime in
            try EPL.install(statement, in: runtime, name: "s") { output in
                rows.lines.withLock { $0 += output.rows.map(\.jsonString) }
            }
        }
    }

    /// Calls `signal`'s `Export` with `request` (gzip-compressed unless `gzip` is false); the reply's bytes,
    /// or the RPC's error.
    static func export(
        _ signal: OTLPSignal,
        _ request: [UInt8],
        port: Int,
        gzip: Bool = true
    ) async throws -> Result<[UInt8], RPCError> {
        var config = HTTP2ClientTransport.Posix.Config.defaults
        config.compression.algorithm = gzip ? .gzip : .none
        config.compression.enabledAlgorithms = .all
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port),
            transportSecurity: .plaintext,
            config: config
        )
        return try await withGRPCClient(transport: transport) { client in
            var options = CallOptions.defaults
            options.compression = gzip ? .gzip : CompressionAlgorithm.none
            do {
                let reply = try await client.unary(
                    request: ClientRequest(message: request),
                    descriptor: MethodDescriptor(fullyQualifiedService: signal.grpcService, method: "Export"),
                    serializer: ProtobufBytes(),
                    deserializer: ProtobufBytes(),
                    options: options
                ) { response in try response.message }
                return .success(reply)
            } catch let error as RPCError {
                return .failure(error)
            }
        }
    }

    /// The protobuf export request inside an OTLP/HTTP fixture (sent gzip-compressed).
    static func request(_ fixture: String) throws -> [UInt8] {
        try Inflater().inflate(try Fixture(fixture).bytes)
    }

    @Test func tracesLogsAndMetricsOverGRPCWithGzip() async throws {
        for (signal, fixture, statement, expected) in [
            (
                OTLPSignal.traces, "otlp-traces-protobuf-gzip", "select operationName as op, duration from Span",
                [#"{"op":"checkout","duration":500000}"#]
            ),
            (
                .logs, "otlp-logs-protobuf-gzip",
                "select fields('log') as log, fields('severity') as severity, fields('resource.k8s.namespace.name') as ns from FLog",
                [#"{"log":"card declined","severity":"ERROR","ns":"shop"}"#]
            ),
            (
                .metrics, "otlp-metrics-protobuf-gzip",
                "select name, fields('counter') as counter, fields('+Inf') as total from Metric(name in ('orders', 'latency_ms'))",
                [#"{"name":"orders","counter":3,"total":null}"#, #"{"name":"latency_ms","counter":null,"total":4}"#]
            ),
        ] {
            let rows = Rows()
            let server = try await Self.server(signal, statement: statement, rows: rows)
            let port = try #require(server.boundAddresses["otlp-grpc"]?.port)
            let request = try Self.request(fixture)
            #expect(try await Self.export(signal, request, port: port) == .success([]))
            #expect(try await Self.export(signal, request, port: port, gzip: false) == .success([]))
            #expect(await ServerProcess.eventually { rows.all.count == 2 * expected.count })
            #expect(rows.all.sorted() == (expected + expected).sorted())
            try await server.shutdown()
        }
    }

    @Test func refusalsAreCountedAndOtherRequestsGoOn() async throws {
        let rows = Rows()
        let server = try await Self.server(
            .logs,
            statement: "select fields('log') as log from FLog",
            rows: rows,
            limits: IngestLimits(maxBodySize: 4096, maxInflatedSize: 6000)
        )
        let port = try #require(server.boundAddresses["otlp-grpc"]?.port)
        let stats = server.pump.stats
        // A truncated request: INVALID_ARGUMENT naming what could not be read, counted as a decode error.
        let bad = try await Self.export(.logs, [0x0a, 0x05], port: port)
        #expect(bad.failure?.code == .invalidArgument)
        #expect(stats.value(.init("kaiju_decode_errors_total", ["protocol": "grpc"])) == 1)
        // A message over the body limit, and one inflating past the inflated limit: RESOURCE_EXHAUSTED, counted.
        let big = [UInt8](repeating: 0, count: 8192)
        let tooLong = try await Self.export(.logs, big, port: port, gzip: false)
        #expect(tooLong.failure?.code == .resourceExhausted)
        #expect(tooLong.failure?.message == "message of 8192 bytes exceeds the limit of 4096 bytes")
        #expect(stats.value(.init("kaiju_limit_hits_total", ["limit": "body"])) == 1)
        let bomb = try await Self.export(.logs, big, port: port, gzip: true)
        #expect(bomb.failure?.code == .resourceExhausted)
        #expect(bomb.failure?.message == "inflated size exceeds the limit of 6000 bytes")
        #expect(stats.value(.init("kaiju_limit_hits_total", ["limit": "inflated"])) == 1)
        // The wrong service for this module: UNIMPLEMENTED.
        let request = try Self.request("otlp-logs-protobuf-gzip")
        #expect(try await Self.export(.traces, request, port: port).failure?.code == .unimplemented)
        // A good request still goes through.
        #expect(try await Self.export(.logs, request, port: port) == .success([]))
        #expect(await ServerProcess.eventually { rows.all.count == 1 })
        #expect(rows.all == [#"{"log":"card declined"}"#])
        try await server.shutdown()
    }
}

extension OTLPGRPCTests {
    @Test func connectionsAreCappedAndIdleOnesClosedAndCounted() async throws {
        // The cap: of three connections one is closed at once and counted.
        let rows = Rows()
        let capped = try await Self.server(.traces, statement: "select operationName as op from Span", rows: rows) {
            $0.maxConnections = 2
            $0.idleTimeout = nil
        }
        var port = try #require(capped.boundAddresses["otlp-grpc"]?.port)
        var clients: [any Channel] = []
        for _ in 0..<3 {
            clients.append(
                try await ClientBootstrap(group: Loopback.group).connect(host: "127.0.0.1", port: port).get()
            )
        }
        // Connections are admitted on their own I/O threads, so which of the three is refused is not fixed.
        #expect(await ServerProcess.eventually { clients.filter(\.isActive).count == 2 })
        #expect(capped.pump.stats.value(.init("kaiju_limit_hits_total", ["limit": "connections"])) == 1)
        for client in clients { try? await client.close() }
        try await capped.shutdown()
        // Idleness: connections that say nothing for the timeout are closed and counted. (Exports reach the
        // engine through a listener with the default timeout in the tests above; a short one here would race
        // a loaded machine's handshake.)
        let idle = try await Self.server(.traces, statement: "select operationName as op from Span", rows: rows) {
            $0.idleTimeout = .milliseconds(300)
        }
        port = try #require(idle.boundAddresses["otlp-grpc"]?.port)
        clients = []
        for _ in 0..<2 {
            clients.append(
                try await ClientBootstrap(group: Loopback.group).connect(host: "127.0.0.1", port: port).get()
            )
        }
        let stats = idle.pump.stats
        #expect(
            await ServerProcess.eventually {
                stats.value(.init("kaiju_limit_hits_total", ["limit": "idle_timeout"])) == 2
            }
        )
        #expect(await ServerProcess.eventually { clients.allSatisfy { !$0.isActive } })
        try await idle.shutdown()
    }
}

/// The OpenTelemetry Python SDK's own exporters (`Fixtures/otlp_sdk.py`), run against the server.
struct OTLPPythonSDKTests {
    /// A Python with `opentelemetry-sdk` and both OTLP exporters (CI's `.ci/run` installs them there).
    static let python = ProcessInfo.processInfo.environment["KAIJU_OTEL_PYTHON"]

    /// Runs `otlp_sdk.py PROTOCOL SIGNAL ENDPOINT`, waiting without holding a thread; whether the SDK
    /// reported a successful export.
    static func sdkExport(_ proto: String, _ signal: OTLPSignal, endpoint: String) async throws -> Bool {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("KaijuTestSupport/Fixtures/otlp_sdk.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python ?? "python3")
        process.arguments = [script.path, proto, signal.rawValue, endpoint]
        process.standardOutput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return status == 0
    }

    @Test(.enabled(if: Self.python != nil, "KAIJU_OTEL_PYTHON names a Python with the OpenTelemetry SDK"))
    func sdkExportersOverGRPCAndHTTPForEverySignal() async throws {
        for (signal, statement, expected) in [
            (
                OTLPSignal.traces,
                "select operationName as op, spanId, parentSpanId, startTime, duration from Span",
                [
                    #"{"op":"charge","spanId":2459565876494606882,"parentSpanId":1229782938247303441,"startTime":1700000000100000,"duration":300000}"#,
                    #"{"op":"checkout","spanId":1229782938247303441,"parentSpanId":0,"startTime":1700000000000000,"duration":500000}"#,
                ]
            ),
            (
                .logs,
                "select timestamp, fields('log') as log, fields('severity') as severity, fields('resource.service.name') as service from FLog",
                [
                    #"{"timestamp":1700000000250,"log":"card declined","severity":"ERROR","service":"checkout"}"#,
                    #"{"timestamp":1700000001000,"log":"order placed","severity":"INFO","service":"checkout"}"#,
                ]
            ),
            (
                .metrics,
                "select name, fields('counter') as counter, fields('gauge') as gauge, fields('+Inf') as count, tags('service.name') as service from Metric",
                [
                    #"{"name":"orders","counter":3,"gauge":null,"count":null,"service":"checkout"}"#,
                    #"{"name":"latency_ms","counter":null,"gauge":null,"count":4,"service":"checkout"}"#,
                    #"{"name":"temperature","counter":null,"gauge":21.5,"count":null,"service":"checkout"}"#,
                ]
            ),
        ] {
            let rows = OTLPGRPCTests.Rows()
            let server = try await OTLPGRPCTests.server(signal, statement: statement, rows: rows)
            let grpc = try #require(server.boundAddresses["otlp-grpc"]?.port)
            let http = try #require(server.boundAddresses["otlp-http"]?.port)
            #expect(try await Self.sdkExport("grpc", signal, endpoint: "127.0.0.1:\(grpc)"))
            #expect(await ServerProcess.eventually { rows.all.count == expected.count })
            #expect(try await Self.sdkExport("http", signal, endpoint: "http://127.0.0.1:\(http)"))
            #expect(await ServerProcess.eventually { rows.all.count == 2 * expected.count })
            #expect(rows.all == expected + expected)
            try await server.shutdown()
        }
    }
}

extension Result {
    /// The error, or `nil` on success.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
