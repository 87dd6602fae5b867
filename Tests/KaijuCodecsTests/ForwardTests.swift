import Foundation
import KaijuCore
import KaijuTestSupport
import Testing

@testable import KaijuCodecs

struct ForwardTests {
    /// protocols.md §1: Message mode `["app.log", EventTime(1700000000,5), {"msg":"hi"}]`.
    static let messageMode: [UInt8] = [
        0x93, 0xa7, 0x61, 0x70, 0x70, 0x2e, 0x6c, 0x6f, 0x67, 0xd7, 0x00, 0x65, 0x53, 0xf1, 0x00, 0x00, 0x00, 0x00,
        0x05,
        0x81, 0xa3, 0x6d, 0x73, 0x67, 0xa2, 0x68, 0x69,
    ]

    static func logs(_ items: [InputEvent]) -> [LogRecord] {
        items.compactMap { if case .log(let l) = $0 { return l } else { return nil } }
    }

    static func records(from expected: Value) -> [LogRecord] {
        (expected["records"].arrayValue ?? []).map { r in
            LogRecord(timestamp: r["time_ms"].intValue!, fields: ["msg": r["msg"], "i": r["i"]])
        }
    }

    @Test func decodesTheSpecMessageModeExample() throws {
        let message = try Self.messageMode.raw { try ForwardDecoder().decode($0, receivedAt: 7) }
        #expect(message?.tag == "app.log")
        #expect(message?.records == [LogRecord(timestamp: 1_700_000_000_000, fields: ["msg": "hi"])])
        #expect(message?.chunk == nil)
    }

    @Test func acknowledgesWithTheSpecBytes() {
        #expect(ForwardMessage.ack(Array("cDE=".utf8)) == [0x81, 0xa3, 0x61, 0x63, 0x6b, 0xa4, 0x63, 0x44, 0x45, 0x3d])
    }

    @Test func decodesFluentLoggerMessageModeWithNestedRecordFlattened() throws {
        let f = try Fixture("forward-fluent-logger")
        let result = decodeStream(f.bytes, splitAt: 0, make: { StreamDecoderProbe.make() })
        #expect(result.errors.isEmpty && result.fatal == nil)
        #expect(
            Self.logs(result.items) == [
                LogRecord(
                    timestamp: f.expected["time_ms"].intValue!,
                    fields: [
                        "msg": "hello", "level": "info", "kubernetes.labels.app": "web", "kubernetes.pod": "web-1",
                        "n": 42,
                    ]
                )
            ]
        )
    }

    @Test(arguments: [
        "forward-fluentbit-forward", "forward-ack", "forward-packed-str32", "forward-compressed-2members",
    ])
    func decodesEveryModeAtEverySplit(name: String) throws {
        let f = try Fixture(name)
        let expectedAcks = f.expected["chunk"].stringValue.map { [Array($0.utf8)] } ?? []
        for cut in 0...f.bytes.count {
            let result = decodeStream(f.bytes, splitAt: cut, make: { StreamDecoderProbe.make() })
            #expect(result.fatal == nil && result.errors.isEmpty, "cut \(cut)")
            #expect(Self.logs(result.items) == Self.records(from: f.expected), "cut \(cut)")
            #expect(result.acks == expectedAcks, "cut \(cut)")
        }
    }

    @Test func decodesSeveralMessagesAndHeartbeatsOnOneConnection() throws {
        let a = try Fixture("forward-ack").bytes
        let b = try Fixture("forward-compressed-2members").bytes
        let stream = a + [0xc0] + b + Self.messageMode
        let result = decodeStream(stream, splitAt: stream.count / 3, make: { StreamDecoderProbe.make() })
        #expect(Self.logs(result.items).count == 5)
        #expect(result.acks == [Array("cDE=".utf8), Array("Z3o=".utf8)])
    }

    @Test func acksButSkipsZstdAndNonLogSignals() throws {
        var w = MsgPackWriter()
        w.writeArrayHeader(3)
        w.writeString("t")
        w.writeBinary([1, 2, 3])
        w.writeMapHeader(3)
        w.writeString("compressed")
        w.writeString("zstd")
        w.writeString("size")
        w.writeInt(2)
        w.writeString("chunk")
        w.writeString("abc")
        let result = decodeStream(w.bytes, splitAt: 1, make: { StreamDecoderProbe.make() })
        #expect(result.items.isEmpty)
        #expect(result.skipped == 2)
        #expect(result.acks == [Array("abc".utf8)])
        #expect(result.errors == ["unsupported: forward: compression 'zstd' is not supported"])
    }

    @Test func refusesAGzipBombButStillAcks() throws {
        let bomb = CompressedSamples.bomb
        var w = MsgPackWriter()
        w.writeArrayHeader(3)
        w.writeString("t")
        w.writeBinary(bomb)
        w.writeMapHeader(2)
        w.writeString("compressed")
        w.writeString("gzip")
        w.writeString("chunk")
        w.writeString("q")
        let probe = StreamDecoderProbe.make(limits: IngestLimits(maxInflatedSize: 1 << 20))
        probe.feed(w.bytes)
        #expect(probe.result.items.isEmpty)
        #expect(probe.result.acks == [[UInt8(ascii: "q")]])
        #expect(probe.result.errors == ["inflated size exceeds the limit of 1048576 bytes"])
    }

    @Test func reportsMalformedMessagesAndKeepsTheConnection() {
        // [1, 2]: tag is not a string; then a valid message follows.
        let probe = StreamDecoderProbe.make()
        probe.feed([0x92, 0x01, 0x02] + Self.messageMode)
        #expect(probe.result.errors == ["msgpack at byte 2: expected a string"])
        #expect(Self.logs(probe.result.items).count == 1)
        // A map at top level is not a Forward message.
        let second = StreamDecoderProbe.make()
        second.feed([0x91, 0x81, 0xa1, 0x61, 0x01])
        #expect(second.result.errors == ["forward: expected [tag, entries, option] but found an array of 1"])
    }

    @Test func closesOnAnInvalidByteOrAnOversizedOrTruncatedFrame() {
        let invalid = StreamDecoderProbe.make()
        invalid.feed([0x93, 0xc1])
        #expect(invalid.result.fatal == "msgpack at byte 1: invalid byte 0xc1")
        let big = StreamDecoderProbe.make(limits: IngestLimits(maxFrameSize: 64))
        big.feed([0x93, 0xa1, 0x74, 0xdb, 0x00, 0x01, 0x00, 0x00] + [UInt8](repeating: 0x61, count: 100))
        #expect(big.result.fatal == "frame exceeds the limit of 64 bytes")
        let truncated = StreamDecoderProbe.make()
        truncated.feed(Array(Self.messageMode.dropLast(3)))
        truncated.finish()
        #expect(truncated.result.errors == ["forward: connection closed inside a message"])
    }

    @Test func handshakeAcceptsTheRightKeyAndRefusesAWrongOne() throws {
        let nonce = [UInt8](repeating: 7, count: 16)
        let handshake = ForwardHandshake(sharedKey: "secret", hostname: "kaiju", nonce: nonce)
        func ping(key: String) -> [UInt8] {
            let salt = Array("salt".utf8)
            var w = MsgPackWriter()
            w.writeArrayHeader(6)
            w.writeString("PING")
            w.writeString("client")
            w.writeString(bytes: salt)
            w.writeString(ForwardHandshake.hexSHA512(salt + Array("client".utf8) + nonce + Array(key.utf8)))
            w.writeString("")
            w.writeString("")
            return w.bytes
        }
        let good = StreamDecoderProbe.make(handshake: handshake)
        good.feed(ping(key: "secret") + Self.messageMode)
        #expect(good.result.fatal == nil)
        #expect(Self.logs(good.result.items).count == 1)
        let pong = try good.result.replies[0].raw { raw -> [Value] in
            var r = MsgPackReader(raw)
            return try r.readValue().arrayValue ?? []
        }
        let expectedDigest = ForwardHandshake.hexSHA512(
            Array("salt".utf8) + Array("kaiju".utf8) + nonce + Array("secret".utf8)
        )
        #expect(pong == ["PONG", true, "", "kaiju", .string(expectedDigest)])

        let bad = StreamDecoderProbe.make(handshake: handshake)
        bad.feed(ping(key: "guess") + Self.messageMode)
        #expect(bad.result.fatal == "forward handshake refused: shared_key mismatch")
        #expect(bad.result.items.isEmpty)
    }

    @Test func digestsAndExtValuesAreLowerCaseHex() throws {
        #expect(
            ForwardHandshake.hexSHA512(Array("abc".utf8))
                == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        )
        // fixext2 of type 5 holding 0x0a 0xff reads as its hex text.
        let value = try [UInt8]([0xd5, 0x05, 0x0a, 0xff]).raw { raw -> Value in
            var r = MsgPackReader(raw)
            return try r.readValue()
        }
        #expect(value == "0aff")
    }

    @Test func heloCarriesTheNonce() throws {
        let helo = ForwardHandshake(sharedKey: "k", hostname: "h", nonce: [UInt8](repeating: 1, count: 16)).helo
        let value = try helo.raw { raw -> Value in
            var r = MsgPackReader(raw)
            return try r.readValue()
        }
        #expect(value.arrayValue?[0] == "HELO")
        #expect(value.arrayValue?[1]["keepalive"] == true)
    }
}

/// The JSON bodies of Fluent Bit's `nats` output: `[[time, record], ...]`, time in fractional seconds.
struct FluentBitNATSBodyTests {
    @Test func entriesKeepTheirTimeAndOtherArraysStayLogValues() {
        let body = Array(
            #"[[1700000000.25,{"tag":"t","log":"a"}],[1700000001,{"log":"b"}],[1,2],["x",{"log":"c"}]]"#.utf8
        )
        let decoded = FluentHTTPBody(limits: IngestLimits()).decode(body, mediaType: "application/json", receivedAt: 7)
        #expect(decoded.errors.isEmpty)
        #expect(
            ForwardTests.logs(decoded.items) == [
                LogRecord(timestamp: 1_700_000_000_250, fields: ["log": "a", "tag": "t"]),
                LogRecord(timestamp: 1_700_000_001_000, fields: ["log": "b"]),
                LogRecord(timestamp: 7, fields: ["log": [1, 2]]),
                LogRecord(timestamp: 7, fields: ["log": Value.array(["x", Value.object(["log": "c"])])]),
            ]
        )
    }
}
