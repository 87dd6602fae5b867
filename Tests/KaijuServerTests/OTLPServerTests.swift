import Foundation
import KaijuCore
import KaijuEPL
import KaijuTestSupport
import Logging
import NIOCore
import Synchronization
import Testing

@testable import KaijuServer

/// OTLP/HTTP logs on kaiju-logs and metrics on kaiju-metrics: what the Python SDK's exporters sent
/// (gzip protobuf) and OTLP JSON reach the rules; other paths and media types are refused.
struct OTLPServerTests {
    final class Rows: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { self.lines.withLock { $0 } }
    }

    static func server(_ kind: ModuleConfiguration.HTTPKind, statement: String, rows: Rows) async throws -> ModuleServer
    {
        let configuration = ModuleConfiguration(
            name: "kaiju-otlp",
            listeners: [.http(name: "otlp-http", address: .loopback, kind: kind)],
            admin: nil,
            hl: nil
        )
        return try await ModuleServer.start(configuration, logger: Logger(label: "test")) { runtime in
            try EPL.install(statement, in: runtime, name: "s") { output in
                rows.lines.withLock { $0 += output.rows.map(\.jsonString) }
            }
        }
    }

    @Test func logsFromThePythonSDKAndJSON() async throws {
        let rows = Rows()
        let server = try await Self.server(
            .otlp(.logs),
            statement:
                "select fields('log') as log, fields('severity') as severity, fields('resource.k8s.namespace.name') as ns from FLog",
            rows: rows
        )
        let port = server.boundAddresses["otlp-http"]?.port ?? 0
        let fixture = try Fixture("otlp-logs-protobuf-gzip")
        #expect(
            try Loopback.http(
                port: port,
                path: "/v1/logs",
                headers: ["Content-Type": "application/x-protobuf", "Content-Encoding": "gzip"],
                body: fixture.bytes
            ) == 200
        )
        let json =
            #"{"resourceLogs":[{"resource":{"attributes":[{"key":"k8s.namespace.name","value":{"stringValue":"data"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"1700000000000000000","severityText":"WARN","body":{"stringValue":"slow query"}}]}]}]}"#
        #expect(
            try Loopback.http(
                port: port,
                path: "/v1/logs",
                headers: ["Content-Type": "application/json"],
                body: Array(json.utf8)
            )
                == 200
        )
        #expect(
            try Loopback.http(port: port, path: "/v1/traces", headers: ["Content-Type": "application/json"], body: [1])
                == 404
        )
        #expect(
            try Loopback.http(port: port, path: "/v1/logs", headers: ["Content-Type": "text/plain"], body: [1]) == 415
        )
        #expect(
            try Loopback.http(
                port: port,
                path: "/v1/logs",
                headers: ["Content-Type": "application/x-protobuf"],
                body: [0x0a, 0x05]
            ) == 400
        )
        #expect(await ServerProcess.eventually { rows.all.count == 2 })
        #expect(
            rows.all == [
                #"{"log":"card declined","severity":"ERROR","ns":"shop"}"#,
                #"{"log":"slow query","severity":"WARN","ns":"data"}"#,
            ]
        )
        try await server.shutdown()
    }

    @Test func metricsFromThePythonSDK() async throws {
        let rows = Rows()
        let server = try await Self.server(
            .otlp(.metrics),
            statement:
                "select name, fields('counter') as counter, fields('+Inf') as total, tags('service.name') as service from Metric(name in ('orders', 'latency_ms'))",
            rows: rows
        )
        let port = server.boundAddresses["otlp-http"]?.port ?? 0
        #expect(
            try Loopback.http(
                port: port,
                path: "/v1/metrics",
                headers: ["Content-Type": "application/x-protobuf", "Content-Encoding": "gzip"],
                body: try Fixture("otlp-metrics-protobuf-gzip").bytes
            ) == 200
        )
        #expect(await ServerProcess.eventually { rows.all.count == 2 })
        #expect(
            Set(rows.all) == [
                #"{"name":"orders","counter":3,"total":null,"service":"checkout"}"#,
                #"{"name":"latency_ms","counter":null,"total":4,"service":"checkout"}"#,
            ]
        )
        try await server.shutdown()
    }
}
