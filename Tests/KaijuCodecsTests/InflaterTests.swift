import Foundation
import KaijuCodecs
import KaijuTestSupport
import Testing

/// Inflating the samples in ``CompressedSamples``.
struct InflaterTests {
    @Test func inflatesEveryGzipMember() throws {
        let out = try Inflater().inflate(CompressedSamples.twoMembers)
        #expect(String(decoding: out, as: UTF8.self) == "{\"a\":1}\n{\"b\":2}\n")
    }

    @Test func inflatesZlib() throws {
        #expect(String(decoding: try Inflater().inflate(CompressedSamples.zlibHello), as: UTF8.self) == "hello zlib")
    }

    @Test func refusesToInflatePastTheCap() throws {
        #expect(CompressedSamples.bomb.count < 4096)
        #expect(throws: IngestError.inflatedTooLarge(limit: 1 << 20)) {
            try Inflater(maxInflatedSize: 1 << 20).inflate(CompressedSamples.bomb)
        }
        #expect(try Inflater(maxInflatedSize: 2 << 20).inflate(CompressedSamples.bomb).count == 2 << 20)
    }

    @Test func refusesCorruptAndTruncatedInput() {
        #expect(throws: IngestError.self) { try Inflater().inflate(Array("not gzip at all".utf8)) }
        #expect(throws: IngestError.corruptCompressedData("truncated input")) {
            try Inflater().inflate(Array(CompressedSamples.twoMembers.prefix(20)))
        }
        #expect(throws: IngestError.corruptCompressedData("empty input")) { try Inflater().inflate([]) }
    }
}
