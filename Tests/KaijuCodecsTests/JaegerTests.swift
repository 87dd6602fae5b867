import KaijuCore
import KaijuTestSupport
import Testing

@testable import KaijuCodecs

struct JaegerTests {
    static func hex(_ s: String) -> [UInt8] {
        s.split(separator: " ").map { UInt8($0, radix: 16)! }
    }

    /// protocols.md §4: the example Batch as a compact `emitBatch` (seqid 1).
    static let compactExample = hex(
        "82 81 01 09 65 6d 69 74 42 61 74 63 68 1c 1c 18 03 73 76 63 00 19 1c 16 02 16 00 16 04 16 00 18 02 6f 70 25 02 16 80 80 f2 81 83 89 85 06 16 d0 0f 00 00 00"
    )

    static let exampleBatch = Batch(
        process: JaegerProcess(serviceName: "svc"),
        spans: [
            Span(
                traceIdLow: 1,
                traceIdHigh: 0,
                spanId: 2,
                parentSpanId: 0,
                operationName: "op",
                flags: 1,
                startTime: 1_700_000_000_000_000,
                duration: 1000
            )
        ]
    )

    /// The same Batch, binary, as the collector's HTTP body.
    static let binaryExample = hex(
        """
        0c 00 01 0b 00 01 00 00 00 03 73 76 63 00 0f 00 02 0c 00 00 00 01 \
        0a 00 01 00 00 00 00 00 00 00 01 0a 00 02 00 00 00 00 00 00 00 00 0a 00 03 00 00 00 00 00 00 00 02 \
        0a 00 04 00 00 00 00 00 00 00 00 0b 00 05 00 00 00 02 6f 70 08 00 07 00 00 00 01 \
        0a 00 08 00 06 0a 24 18 1e 40 00 0a 00 09 00 00 00 00 00 00 03 e8 00 00
        """
    )

    @Test func decodesTheSpecCompactExample() throws {
        let batch = try Self.compactExample.raw { try JaegerThriftDecoder.emitBatch(compact: $0) }
        #expect(batch == Self.exampleBatch)
    }

    @Test func decodesTheSpecBinaryExampleBareAndInAStrictEnvelope() throws {
        #expect(try Self.binaryExample.raw { try JaegerThriftDecoder.batch(binary: $0) } == Self.exampleBatch)
        let envelope =
            Self.hex("80 01 00 04 00 00 00 09") + Array("emitBatch".utf8) + Self.hex("00 00 00 01 0c 00 01")
            + Self.binaryExample + [0]
        #expect(try envelope.raw { try JaegerThriftDecoder.emitBatch(binary: $0) } == Self.exampleBatch)
    }

    @Test func decodesCompactTagsWithBoolsInTheHeaderAndLittleEndianDoubles() throws {
        for (bytes, tag) in [
            (Self.hex("18 02 6f 6b 15 04 31 00"), KaijuCore.Tag.bool("ok", true)),
            (Self.hex("18 01 64 15 02 27 00 00 00 00 00 00 f8 3f 00"), KaijuCore.Tag.double("d", 1.5)),
        ] {
            let decoded = try bytes.raw { raw -> KaijuCore.Tag in
                var r = ThriftCompactReader(raw)
                return try JaegerThriftDecoder.tag(&r)
            }
            #expect(decoded == tag)
        }
    }

    @Test func decodesWhatJaegerClientSends() throws {
        let f = try Fixture("jaeger-compact-emitbatch")
        let e = f.expected
        let batch = try #require(try f.bytes.raw { try JaegerThriftDecoder.emitBatch(compact: $0) })
        #expect(batch.process.serviceName == e["service"].stringValue)
        #expect(batch.process.tags.contains(.string("kube.node_name", "node-1")))
        #expect(batch.spans.count == 1)
        let span = batch.spans[0]
        #expect(span.operationName == "GET /cart")
        #expect(JaegerIDs.traceIDHex(high: span.traceIdHigh, low: span.traceIdLow) == e["trace_id_hex"].stringValue)
        #expect(span.spanId == e["span_id"].intValue)
        #expect(span.startTime == e["start_us"].intValue)
        #expect(span.duration == e["duration_us"].intValue)
        #expect(span.flags & 1 == 1)
        #expect(span.tags.contains(.string("kube.pod_name", "cart-7")))
        #expect(span.tags.contains(.long("http.status_code", 200)))
        #expect(span.tags.contains(.double("ratio", 0.5)))
        #expect(span.tags.contains(.bool("cached", true)))
        #expect(span.logs.count == 1)
        #expect(span.logs.first?.timestamp == e["log_us"].intValue)
        #expect(span.logs.first?.fields.contains(.string("event", "cache-miss")) == true)
    }

    @Test func decodesTheCollectorBatchThriftWrote() throws {
        let f = try Fixture("jaeger-http-batch")
        let batch = try f.bytes.raw { try JaegerThriftDecoder.batch(binary: $0) }
        #expect(
            batch
                == Batch(
                    process: JaegerProcess(serviceName: "svc", tags: [.string("ip", "10.0.0.1")]),
                    spans: [
                        Span(
                            traceIdLow: -2,
                            traceIdHigh: 0x1234,
                            spanId: 7,
                            parentSpanId: 3,
                            operationName: "op",
                            references: [
                                SpanRef(refType: .followsFrom, traceIdLow: -2, traceIdHigh: 0x1234, spanId: 3)
                            ],
                            flags: 1,
                            startTime: 1_700_000_000_000_000,
                            duration: 1000,
                            tags: [.double("d", 1.5), .long("n", -5), .bool("b", true)]
                        )
                    ]
                )
        )
    }

    @Test func skipsUnknownFieldsOfANewerIDL() throws {
        // The binary example with Batch field 3 (seqNo, i64) and field 4 (stats struct) appended before stop.
        var bytes = Array(Self.binaryExample.dropLast())
        bytes += Self.hex("0a 00 03 00 00 00 00 00 00 00 09 0c 00 04 0a 00 01 00 00 00 00 00 00 00 01 00 00")
        #expect(try bytes.raw { try JaegerThriftDecoder.batch(binary: $0) } == Self.exampleBatch)
    }

    @Test func everyTruncationIsAnErrorNotACrash() throws {
        let f = try Fixture("jaeger-compact-emitbatch")
        for n in 0..<f.bytes.count {
            let prefix = Array(f.bytes[..<n])
            #expect(throws: IngestError.self) { try prefix.raw { try JaegerThriftDecoder.emitBatch(compact: $0) } }
        }
        for n in 0..<Self.binaryExample.count {
            let prefix = Array(Self.binaryExample[..<n])
            #expect(throws: IngestError.self) { try prefix.raw { try JaegerThriftDecoder.batch(binary: $0) } }
        }
    }

    @Test func refusesWrongTypesAndHugeLists() {
        // A list header announcing 2^31 elements in 10 bytes.
        let huge = Self.hex("0c 00 01 0b 00 01 00 00 00 00 00 0f 00 02 0c 7f ff ff ff")
        #expect(throws: IngestError.malformed("thrift binary", at: 19, "list of 2147483647 elements past the end")) {
            try huge.raw { try JaegerThriftDecoder.batch(binary: $0) }
        }
        #expect(throws: IngestError.malformed("thrift compact", at: 1, "not a compact protocol message")) {
            try [UInt8](Array("GET / HTTP/1.1".utf8)).raw { try JaegerThriftDecoder.emitBatch(compact: $0) }
        }
    }
}
