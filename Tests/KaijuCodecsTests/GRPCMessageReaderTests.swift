import KaijuCodecs
import KaijuTestSupport
import Testing

/// gRPC's length-prefixed messages read from pieces, within the body and inflated limits.
struct GRPCMessageReaderTests {
    static func message(_ bytes: [UInt8], compressed: Bool = false) -> [UInt8] {
        let n = UInt32(bytes.count)
        return [compressed ? 1 : 0, UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
            + bytes
    }

    @Test func messagesSplitAnywhereOrSharingAPieceComeOutWhole() throws {
        // Python's gzip.compress(b"world", mtime=0).
        let gzipped: [UInt8] = [
            31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 43, 207, 47, 202, 73, 1, 0, 67, 17, 119, 58, 5, 0, 0, 0,
        ]
        let body = Self.message(Array("hello".utf8)) + Self.message([]) + Self.message(gzipped, compressed: true)
        for cut in 0...body.count {
            var reader = GRPCMessageReader(limits: IngestLimits())
            let messages = try reader.feed(Array(body[..<cut])) + reader.feed(Array(body[cut...]))
            #expect(messages == [Array("hello".utf8), [], Array("world".utf8)], "cut at \(cut)")
            #expect(reader.remainder.isEmpty)
        }
        var reader = GRPCMessageReader(limits: IngestLimits())
        #expect(try reader.feed(Array(body.prefix(7))) == [])
        #expect(reader.remainder == Array(body.prefix(7)))
    }

    @Test func limitsAreKeptAndNamed() throws {
        var reader = GRPCMessageReader(limits: IngestLimits(maxBodySize: 16, maxInflatedSize: 1000))
        // Refused from the prefix alone, before the message arrives.
        #expect(throws: IngestError.limitExceeded("body", detail: "message of 17 bytes exceeds the limit of 16 bytes"))
        {
            _ = try reader.feed([0, 0, 0, 0, 17])
        }
        reader = GRPCMessageReader(limits: IngestLimits(maxBodySize: 64, maxInflatedSize: 1000))
        #expect(throws: IngestError.inflatedTooLarge(limit: 1000)) {
            _ = try reader.feed(Self.message(CompressedSamples.bomb.prefix(60).map { $0 }, compressed: true))
        }
        reader = GRPCMessageReader(limits: IngestLimits())
        do {
            _ = try reader.feed(Self.message([1, 2, 3, 4], compressed: true))
            Issue.record("bytes that do not inflate were accepted")
        } catch {
            #expect(error.limit == nil)
            #expect("\(error)".hasPrefix("corrupt compressed data"))
        }
    }
}
