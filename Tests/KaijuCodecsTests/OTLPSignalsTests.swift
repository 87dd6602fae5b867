import Foundation
import KaijuCore
import KaijuTestSupport
import Testing

@testable import KaijuCodecs

/// OTLP logs and metrics as the OpenTelemetry Python SDK's HTTP exporters send them (fixtures), and
/// the same requests in OTLP JSON: exact records and metrics.
struct OTLPSignalsTests {
    static let sdkResource: ValueMap = [
        "service.instance.id": "5115d40a-fdaf-4f5f-92bf-d801b10e62be", "service.name": "checkout",
        "telemetry.sdk.language": "python", "telemetry.sdk.name": "opentelemetry", "telemetry.sdk.version": "1.45.2",
    ]

    @Test func pythonSDKLogs() throws {
        let fixture = try Fixture("otlp-logs-protobuf-gzip")
        #expect(fixture.expected["path"] == "/v1/logs")
        #expect(fixture.expected["content_encoding"] == "gzip")
        let records = try OTLPLogsProtobuf.decode(try Inflater().inflate(fixture.bytes), receivedAt: 1)
        var fields: ValueMap = [
            "attributes.http.status_code": 402, "attributes.retry": false, "log": "card declined",
            "resource.k8s.namespace.name": "shop", "scope": "shop.payments", "severity": "ERROR",
            "severity_number": 17,
        ]
        for e in Self.sdkResource.entries { fields["resource." + e.key] = e.value }
        #expect(records == [LogRecord(timestamp: 1_700_000_000_250, fields: fields)])
    }

    @Test func pythonSDKMetrics() throws {
        let fixture = try Fixture("otlp-metrics-protobuf-gzip")
        #expect(fixture.expected["path"] == "/v1/metrics")
        let metrics = try OTLPMetricsProtobuf.decode(try Inflater().inflate(fixture.bytes), receivedAt: 1)
        func tags(_ extra: ValueMap) -> ValueMap {
            var t = Self.sdkResource
            for e in extra.entries { t[e.key] = e.value }
            return t
        }
        let at: Int64 = 1_796_168_836_556
        #expect(Set(metrics.map(\.name)) == ["orders", "queue_depth", "temperature", "latency_ms"])
        for m in metrics {
            switch m.name {
            case "orders":
                #expect(
                    m == Metric(name: "orders", timestamp: at, fields: ["counter": 3], tags: tags(["region": "eu"]))
                )
            case "queue_depth":
                #expect(
                    m
                        == Metric(
                            name: "queue_depth",
                            timestamp: at,
                            fields: ["gauge": -2],
                            tags: tags(["queue": "mail"])
                        )
                )
            case "temperature":
                #expect(
                    m
                        == Metric(
                            name: "temperature",
                            timestamp: at,
                            fields: ["gauge": 21.5],
                            tags: tags(["room": "lab"])
                        )
                )
            default:
                #expect(
                    m
                        == Metric(
                            name: "latency_ms",
                            timestamp: at,
                            fields: [
                                "count": 4, "sum": 950.0, "min": 3.0, "max": 900.0, "0": 0, "5": 1, "10": 2, "25": 2,
                                "50": 3, "75": 3, "100": 3, "250": 3, "500": 3, "750": 3, "1000": 4, "2500": 4,
                                "5000": 4, "7500": 4, "10000": 4, "+Inf": 4,
                            ],
                            tags: tags(["route": "/cart"])
                        )
                )
            }
        }
    }

    @Test func jsonLogsAndEveryMetricKind() throws {
        let logs = Array(
            #"{"resourceLogs":[{"resource":{"attributes":[{"key":"k8s.pod.name","value":{"stringValue":"web-1"}}]},"scopeLogs":[{"scope":{"name":"app"},"logRecords":[{"timeUnixNano":"1700000000000000000","severityNumber":9,"severityText":"INFO","body":{"kvlistValue":{"values":[{"key":"msg","value":{"stringValue":"hi"}},{"key":"n","value":{"intValue":"2"}}]}},"attributes":[{"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"boolValue":true}]}}}],"traceId":"0AF7651916CD43DD8448EB211C80319C","spanId":"b7ad6b7169203331"},{"observedTimeUnixNano":"1700000001000000000","body":{"stringValue":"plain"}}]}]}]}"#
                .utf8
        )
        #expect(
            try OTLPSignalsJSON.logs(logs, receivedAt: 5) == [
                LogRecord(
                    timestamp: 1_700_000_000_000,
                    fields: [
                        "msg": "hi", "n": 2, "severity": "INFO", "severity_number": 9,
                        "trace_id": "0af7651916cd43dd8448eb211c80319c", "span_id": "b7ad6b7169203331", "scope": "app",
                        "attributes.tags[0]": "a", "attributes.tags[1]": true, "resource.k8s.pod.name": "web-1",
                    ]
                ),
                LogRecord(
                    timestamp: 1_700_000_001_000,
                    fields: ["log": "plain", "scope": "app", "resource.k8s.pod.name": "web-1"]
                ),
            ]
        )
        let metrics = Array(
            #"{"resourceMetrics":[{"resource":{"attributes":[{"key":"host.name","value":{"stringValue":"h1"}}]},"scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[{"timeUnixNano":"1700000000000000000","asDouble":1.5,"attributes":[{"key":"cpu","value":{"intValue":"3"}}]}]}},{"name":"c","sum":{"isMonotonic":true,"aggregationTemporality":2,"dataPoints":[{"timeUnixNano":"1700000000000000000","asInt":"7"}]}},{"name":"h","histogram":{"dataPoints":[{"timeUnixNano":"1700000000000000000","count":"3","sum":6.5,"bucketCounts":["1","2","0"],"explicitBounds":[0.5,2]}]}},{"name":"e","exponentialHistogram":{"dataPoints":[{"timeUnixNano":"1700000000000000000","count":"4","sum":9,"scale":1,"zeroCount":"1","positive":{"offset":0,"bucketCounts":["1","1"]},"negative":{"bucketCounts":["1"]}}]}},{"name":"s","summary":{"dataPoints":[{"timeUnixNano":"1700000000000000000","count":"10","sum":55,"quantileValues":[{"quantile":0.5,"value":5},{"quantile":0.99,"value":9.9}]}]}}]}]}]}"#
                .utf8
        )
        let at: Int64 = 1_700_000_000_000
        #expect(
            try OTLPSignalsJSON.metrics(metrics, receivedAt: 5) == [
                Metric(name: "g", timestamp: at, fields: ["gauge": 1.5], tags: ["host.name": "h1", "cpu": "3"]),
                Metric(name: "c", timestamp: at, fields: ["counter": 7], tags: ["host.name": "h1"]),
                Metric(
                    name: "h",
                    timestamp: at,
                    fields: ["count": 3, "sum": 6.5, "0.5": 1, "2": 3, "+Inf": 3],
                    tags: ["host.name": "h1"]
                ),
                Metric(
                    name: "e",
                    timestamp: at,
                    fields: [
                        "count": 4, "sum": 9.0, "zero_count": 1, "negative_count": 1, "1.4142135623730951": 3, "2": 4,
                        "+Inf": 4,
                    ],
                    tags: ["host.name": "h1"]
                ),
                Metric(
                    name: "s",
                    timestamp: at,
                    fields: ["count": 10, "sum": 55.0, "0.5": 5.0, "0.99": 9.9],
                    tags: ["host.name": "h1"]
                ),
            ]
        )
    }

    @Test func badBodiesAreErrorsWithTheirOffset() {
        #expect(throws: IngestError.self) { try OTLPLogsProtobuf.decode([0x0a, 0x05], receivedAt: 1) }
        #expect(throws: IngestError.self) { try OTLPMetricsProtobuf.decode([0x0a, 0x05], receivedAt: 1) }
        #expect(throws: IngestError.self) {
            try OTLPSignalsJSON.logs(Array(#"{"resourceLogs":[{"#.utf8), receivedAt: 1)
        }
        // An exponential histogram whose bucket offset is the largest integer: bounds overflow to +Inf, no trap.
        let huge = Array(
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"e","exponentialHistogram":{"dataPoints":[{"count":"1","scale":-20,"positive":{"offset":"9223372036854775807","bucketCounts":["1"]}}]}}]}]}]}"#
                .utf8
        )
        #expect((try? OTLPSignalsJSON.metrics(huge, receivedAt: 1))?.first?.fields["+Inf"] == 1)
        let deep = Array(("{\"resourceLogs\":" + String(repeating: "[", count: 10_000)).utf8)
        #expect(throws: IngestError.self) { try OTLPSignalsJSON.logs(deep, receivedAt: 1) }
    }
}
