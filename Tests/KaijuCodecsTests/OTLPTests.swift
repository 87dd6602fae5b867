import KaijuCore
import KaijuTestSupport
import Testing

@testable import KaijuCodecs

struct OTLPTests {
    @Test func decodesWhatTheOpenTelemetryExporterSends() throws {
        let f = try Fixture("otlp-traces-protobuf-gzip")
        let e = f.expected
        #expect(e["content_type"] == "application/x-protobuf")
        #expect(e["content_encoding"] == "gzip")
        let body = try Inflater().inflate(f.bytes)
        let batches = try body.raw { try OTLPTraceProtobuf.decode($0) }
        #expect(batches.count == 1)
        let batch = batches[0]
        #expect(batch.process.serviceName == "frontend")
        #expect(batch.process.tags.contains(.string("k8s.pod.name", "fe-1")))
        let span = try #require(batch.spans.first)
        #expect(span.operationName == "checkout")
        #expect(
            JaegerIDs.traceIDHex(high: span.traceIdHigh, low: span.traceIdLow)
                == Self.trimmed(e["trace_id"].stringValue!)
        )
        #expect(String(UInt64(bitPattern: span.spanId), radix: 16) == Self.trimmed(e["span_id"].stringValue!))
        #expect(span.parentSpanId == 0)
        #expect(span.startTime == e["start_us"].intValue)
        #expect(span.duration == e["duration_us"].intValue)
        #expect(
            span.tags == [
                .string("http.method", "POST"), .long("retries", 2), .bool("ok", false), .double("load", 0.75),
                .string("span.kind", "server"), .bool("error", true),
                .string("otel.status_description", "card declined"),
                .string("otel.scope.name", "shop.lib"),
            ]
        )
        #expect(
            span.logs == [
                SpanLog(timestamp: 1_700_000_000_100_000, fields: [.string("event", "paid"), .long("amount", 12)])
            ]
        )
    }

    static func trimmed(_ hex: String) -> String {
        let t = hex.drop { $0 == "0" }
        return t.isEmpty ? "0" : String(t)
    }

    /// protocols.md §5's JSON example.
    static let jsonExample =
        #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"scope":{"name":"lib"},"spans":[{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","name":"op","kind":2,"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000"}]}]}]}"#

    @Test func decodesTheSpecJSONExampleWithHexIdsAndStringNumbers() throws {
        let batches = try OTLPTraceJSON.decode(Array(Self.jsonExample.utf8))
        #expect(
            batches == [
                Batch(
                    process: JaegerProcess(serviceName: "svc"),
                    spans: [
                        Span(
                            traceIdLow: Int64(bitPattern: 0xD269_B633_813F_C60C),
                            traceIdHigh: Int64(bitPattern: 0x5B8E_FFF7_9803_8103),
                            spanId: Int64(bitPattern: 0xEEE1_9B7E_C3C1_B174),
                            operationName: "op",
                            flags: 1,
                            startTime: 1_544_712_660_000_000,
                            duration: 1_000_000,
                            tags: [.string("span.kind", "server"), .string("otel.scope.name", "lib")]
                        )
                    ]
                )
            ]
        )
    }

    @Test func acceptsNumbersForInt64sAndIgnoresUnknownKeys() throws {
        let json =
            #"{"resourceSpans":[{"x":1,"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000000001","spanId":"0000000000000002","parentSpanId":"","name":"a","startTimeUnixNano":1000,"endTimeUnixNano":3000,"attributes":[{"key":"n","value":{"intValue":"7"}},{"key":"arr","value":{"arrayValue":{"values":[{"intValue":1},{"stringValue":"x"}]}}}],"novel":{"a":[1]}}]}]}]}"#
        let span = try #require(try OTLPTraceJSON.decode(Array(json.utf8)).first?.spans.first)
        #expect(span.traceIdLow == 1 && span.traceIdHigh == 0 && span.spanId == 2 && span.parentSpanId == 0)
        #expect(span.startTime == 1 && span.duration == 2)
        #expect(span.tags == [.long("n", 7), .string("arr", "[1,\"x\"]")])
    }

    @Test func refusesBadIdsTruncationAndWrongTypes() throws {
        #expect(throws: IngestError.self) {
            try OTLPTraceJSON.decode(
                Array(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz","spanId":"01"}]}]}]}"#.utf8)
            )
        }
        #expect(
            throws: IngestError.json(
                JSONError(offset: 105, message: "otlp: spanId must be 8 bytes, got 1"),
                "otlp json"
            )
        ) {
            try OTLPTraceJSON.decode(
                Array(
                    #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000000001","spanId":"01"}]}]}]}"#
                        .utf8
                )
            )
        }
        let body = try Inflater().inflate(try Fixture("otlp-traces-protobuf-gzip").bytes)
        for n in 1..<body.count {
            let prefix = Array(body[..<n])
            // A prefix may end between fields and still be a valid (shorter) message; it must never crash.
            _ = try? prefix.raw { try OTLPTraceProtobuf.decode($0) }
        }
        #expect(throws: IngestError.self) { try Array(body.dropLast(3)).raw { try OTLPTraceProtobuf.decode($0) } }
        #expect(throws: IngestError.self) { try [UInt8]([0x0b, 0x00]).raw { try OTLPTraceProtobuf.decode($0) } }
    }
}
