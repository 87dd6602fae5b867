import Foundation
import KaijuCore
import KaijuTestSupport
import Testing

@testable import KaijuCodecs

/// Issue 13's crash inputs against the decoders: each is refused with an error at its offset, counted
/// as a limit where it is one, and the input around it is still decoded.
struct HardeningDecoderTests {
    /// `{"a":` + 100 000 `[`: the 200 KB line of finding 1. The object is level 1, so the 64th `[` (byte 68) is refused.
    static let deepJSON = Array(("{\"a\":" + String(repeating: "[", count: 100_000)).utf8)

    @Test func deeplyNestedNDJSONLineIsRefusedAtItsDepthAndTheNextLineStillDecodes() {
        let probe = StreamDecoderProbe.make()
        probe.feed(
            Self.deepJSON + Array("\n{\"name\":\"cpu\",\"timestamp\":5,\"fields\":{\"v\":1},\"tags\":{}}\n".utf8)
        )
        probe.finish()
        #expect(probe.result.fatal == nil)
        #expect(probe.result.errors == ["ndjson: invalid JSON at byte 68: nested deeper than 64"])
        #expect(probe.result.items == [.metric(Metric(name: "cpu", timestamp: 5_000, fields: ["v": 1]))])
    }

    @Test func nestingUpToTheLimitIsAcceptedAndOneMoreIsNot() throws {
        let limits = IngestLimits(maxDepth: 4)
        let decoder = JSONLineDecoder(limits: limits)
        var out: [InputEvent] = []
        try decoder.decode(line: Array(#"{"a":{"b":{"c":[1]}}}"#.utf8), receivedAt: 1, into: &out)
        #expect(out == [.log(LogRecord(timestamp: 1, fields: ["a.b.c[0]": 1]))])
        #expect(throws: JSONError(offset: 16, message: "nested deeper than 4", limit: "depth")) {
            try decoder.decode(line: Array(#"{"a":{"b":{"c":[[1]]}}}"#.utf8), receivedAt: 1, into: &out)
        }
    }

    @Test func deeplyNestedJSONUnderAnUnknownKeyOfEveryJSONDecoderIsAnError() throws {
        let body = Array(("{\"unknown\":" + String(repeating: "[", count: 100_000)).utf8)
        #expect(throws: IngestError.self) { try OTLPTraceJSON.decode(body) }
        var items: [InputEvent] = []
        #expect(throws: JSONError.self) { try JSONLineDecoder().decode(line: body, receivedAt: 1, into: &items) }
        let fluent = FluentHTTPBody(limits: IngestLimits()).decode(body, mediaType: "application/json", receivedAt: 1)
        #expect(fluent.items.isEmpty)
        #expect(fluent.errors.map(\.limit) == ["depth"])
        do {
            _ = try OTLPTraceJSON.decode(body)
        } catch {
            #expect(error.limit == "depth")
        }
    }

    /// Finding 2: `92 a3 'tag' 91 92` + `92`×1 000 000 + `01` + `c0`×1 000 000 + `80`.
    @Test func nestedForwardEntryTimeIsAnErrorNotARecursion() {
        var bytes: [UInt8] = [0x92, 0xa3, 0x74, 0x61, 0x67, 0x91, 0x92]
        bytes += [UInt8](repeating: 0x92, count: 1_000_000)
        bytes.append(0x01)
        bytes += [UInt8](repeating: 0xc0, count: 1_000_000)
        bytes.append(0x80)
        let probe = StreamDecoderProbe.make()
        probe.feed(bytes)
        probe.feed([0x93, 0xa3, 0x74, 0x61, 0x67, 0x01, 0x81, 0xa1, 0x6b, 0xa1, 0x76])  // ["tag", 1, {"k":"v"}]
        probe.finish()
        #expect(probe.result.fatal == nil)
        #expect(probe.result.errors == ["msgpack at byte 9: entry time is not EventTime, a number or [time, metadata]"])
        #expect(probe.result.items == [.log(LogRecord(timestamp: 1000, fields: ["k": "v"]))])
    }

    @Test func fluentBitTimeWithMetadataStillDecodes() throws {
        // ["tag", [[[1, {}], {"k": "v"}]]]
        let bytes: [UInt8] = [0x92, 0xa3, 0x74, 0x61, 0x67, 0x91, 0x92, 0x92, 0x01, 0x80, 0x81, 0xa1, 0x6b, 0xa1, 0x76]
        let message = try bytes.raw { try ForwardDecoder().decode($0, receivedAt: 7) }
        #expect(message?.records == [LogRecord(timestamp: 1000, fields: ["k": "v"])])
    }

    /// Finding 8: flattening keeps one key buffer; a record whose keys would grow quadratically is refused.
    @Test func flatteningIsLinearAndAQuadraticKeyRecordIsRefused() throws {
        let long = String(repeating: "k", count: 20_000)
        let leaves = (0..<5_000).map { "\"\($0)\":1" }.joined(separator: ",")
        let line = Array("{\"\(long)\":{\(leaves)}}".utf8)
        var items: [InputEvent] = []
        #expect(throws: JSONError.self) { try JSONLineDecoder().decode(line: line, receivedAt: 1, into: &items) }
        do {
            try JSONLineDecoder().decode(line: line, receivedAt: 1, into: &items)
        } catch {
            #expect(error.limit == "flatten")
        }
        // The same shape with a short key is an ordinary record.
        try JSONLineDecoder().decode(line: Array("{\"k\":{\(leaves)}}".utf8), receivedAt: 1, into: &items)
        guard case .log(let record) = items.last else {
            Issue.record("no record")
            return
        }
        #expect(record.fields.count == 5_000)
        #expect(record.fields["k.4999"] == 1)
    }

    @Test func msgpackFlatteningHasTheSameBound() throws {
        // {"kkkk…(20 000)": {"0":1, … "4999":1}} as msgpack.
        var bytes: [UInt8] = [0x81, 0xdb, 0x00, 0x00, 0x4e, 0x20] + [UInt8](repeating: 0x6b, count: 20_000)
        bytes += [0xde, 0x13, 0x88]
        for i in 0..<5_000 {
            let key = Array(String(i).utf8)
            bytes += [0xa0 | UInt8(key.count)] + key + [0x01]
        }
        var entries: [ValueMap.Entry] = []
        #expect(
            throws: IngestError.limitExceeded(
                "flatten",
                detail: "msgpack at byte 20066: flattened keys exceed 16 times the record's size"
            )
        ) {
            try bytes.raw { raw in
                var r = MsgPackReader(raw)
                try r.readFlattenedMap(into: &entries)
            }
        }
    }
}

/// The binary decoders' nesting bounds.
struct HardeningBinaryDecoderTests {
    /// A protobuf length-delimited field.
    static func field(_ number: UInt8, _ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [number << 3 | 2]
        var n = body.count
        repeat {
            out.append(UInt8(n & 0x7f) | (n >= 0x80 ? 0x80 : 0))
            n >>= 7
        } while n > 0
        return out + body
    }

    /// A span attribute whose value is `depth` nested array values around a string.
    static func otlpRequest(depth: Int) -> [UInt8] {
        var value = Self.field(1, Array("x".utf8))
        for _ in 0..<depth { value = Self.field(5, Self.field(1, value)) }
        let attribute = Self.field(1, Array("k".utf8)) + Self.field(2, value)
        let span = Self.field(9, attribute)
        return Self.field(1, Self.field(2, Self.field(2, span)))
    }

    @Test func otlpAttributeValuesNestedPastTheLimitAreRefused() throws {
        let deep = Self.otlpRequest(depth: 40)
        do {
            _ = try deep.raw { try OTLPTraceProtobuf.decode($0, maxDepth: 32) }
            Issue.record("decoded")
        } catch let error as IngestError {
            #expect(error.limit == "depth")
        }
        do {
            _ = try deep.raw { try OTLPTraceProtobuf.decode($0, maxDepth: 64) }
        } catch let error as IngestError {
            #expect(error.limit == nil, "within the limit the request fails only for its missing ids")
        }
    }

    @Test func thriftStructuresNestedPastTheLimitAreRefused() throws {
        // A Batch whose unknown field 99 nests 40 structures.
        var bytes: [UInt8] = []
        for _ in 0..<40 { bytes += [0x0c, 0x00, 0x63] }
        bytes += [UInt8](repeating: 0x00, count: 41)
        do {
            _ = try bytes.raw { try JaegerThriftDecoder.batch(binary: $0, maxDepth: 32) }
            Issue.record("decoded")
        } catch let error as IngestError {
            #expect(error.limit == "depth")
        }
        do {
            _ = try bytes.raw { try JaegerThriftDecoder.batch(binary: $0, maxDepth: 64) }
        } catch let error as IngestError {
            #expect(error.limit == nil)
        }
    }
}

/// Finding 9: an incomplete line arriving in many reads is scanned once.
struct HardeningLineScanTests {
    @Test func aLongLineInManyReadsIsScannedOnceAndStillDecodes() {
        let decoder = StreamDecoder(limits: IngestLimits())
        let value = String(repeating: "x", count: 1 << 20)
        let line = Array("cpu,host=a msg=\"\(value)\" 1700000000000000000".utf8)
        var fed = 0
        for chunk in stride(from: 0, to: line.count, by: 4096) {
            let piece = Array(line[chunk..<min(chunk + 4096, line.count)])
            let out = piece.withUnsafeBytes { decoder.feed($0, receivedAt: 1) }
            fed += piece.count
            #expect(out.items.isEmpty && out.errors.isEmpty)
            // What is known to hold no newline is remembered, so the next read looks only at new bytes.
            #expect(decoder.scannedWithoutNewline == fed)
        }
        let out = Array("\n".utf8).withUnsafeBytes { decoder.feed($0, receivedAt: 1) }
        #expect(
            out.items == [
                .metric(
                    Metric(
                        name: "cpu",
                        timestamp: 1_700_000_000_000,
                        fields: ["msg": Value.string(value)],
                        tags: ["host": "a"]
                    )
                )
            ]
        )
        #expect(decoder.scannedWithoutNewline == 0)
    }

    @Test func aLineOverTheFrameLimitIsRefusedWithoutBeingParsed() {
        let decoder = StreamDecoder(limits: IngestLimits(maxFrameSize: 64 << 10))
        var fatal: String?
        for _ in 0..<40 where fatal == nil {
            let out = [UInt8](repeating: UInt8(ascii: "a"), count: 4096).withUnsafeBytes {
                decoder.feed($0, receivedAt: 1)
            }
            fatal = out.fatal?.description
        }
        #expect(fatal == "frame exceeds the limit of 65536 bytes")
    }
}
