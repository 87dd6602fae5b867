import KaijuCodecs
import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP2
import Testing

@testable import KaijuServer

/// ``GRPCMessageGuard`` on an embedded channel: messages split over frames or sharing one come out whole
/// and uncompressed; one over a limit is answered with its status and the rest of the stream dropped.
struct GRPCMessageGuardTests {
    static func channel(_ limits: IngestLimits) throws -> (EmbeddedChannel, IngestStats) {
        let stats = IngestStats()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(GRPCMessageGuard(limits: limits, stats: stats))
        return (channel, stats)
    }

    /// A length-prefixed gRPC message.
    static func message(_ bytes: [UInt8], compressed: Bool = false) -> [UInt8] {
        let n = UInt32(bytes.count)
        return [compressed ? 1 : 0, UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
            + bytes
    }

    static func data(_ bytes: [UInt8], end: Bool = false) -> HTTP2Frame.FramePayload {
        .data(.init(data: .byteBuffer(ByteBuffer(bytes: bytes)), endStream: end))
    }

    /// What the guard passed on: the bytes of every DATA frame, and whether the last ended the stream.
    static func passed(_ channel: EmbeddedChannel) throws -> (bytes: [UInt8], ended: Bool) {
        var bytes: [UInt8] = []
        var ended = false
        while let payload = try channel.readInbound(as: HTTP2Frame.FramePayload.self) {
            guard case .data(let frame) = payload, case .byteBuffer(var buffer) = frame.data else { continue }
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
            ended = frame.endStream
        }
        return (bytes, ended)
    }

    @Test func splitAndSharedFramesComeOutWholeAndInflated() throws {
        let (channel, _) = try Self.channel(IngestLimits())
        let first = Self.message(Array("hello".utf8))
        // gzip of "world", as Python's gzip.compress(b"world", mtime=0) writes it.
        let gzipped: [UInt8] = [
            31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 43, 207, 47, 202, 73, 1, 0, 67, 17, 119, 58, 5, 0, 0, 0,
        ]
        let second = Self.message(gzipped, compressed: true)
        // The first message one byte per frame, the second in the last frame with the stream's end.
        for byte in first { try channel.writeInbound(Self.data([byte])) }
        try channel.writeInbound(Self.data(second, end: true))
        let passed = try Self.passed(channel)
        #expect(passed.bytes == Self.message(Array("hello".utf8)) + Self.message(Array("world".utf8)))
        #expect(passed.ended)
    }

    @Test func aMessageOverTheBodyLimitIsAnsweredAndTheRestDropped() throws {
        let (channel, stats) = try Self.channel(IngestLimits(maxBodySize: 16))
        try channel.writeInbound(Self.data(Array(Self.message([UInt8](repeating: 7, count: 17)).prefix(8))))
        #expect(try Self.passed(channel).bytes.isEmpty)
        let reply = try #require(try channel.readOutbound(as: HTTP2Frame.FramePayload.self))
        guard case .headers(let headers) = reply else {
            Issue.record("expected trailers, got \(reply)")
            return
        }
        #expect(headers.endStream)
        #expect(headers.headers.first(name: "grpc-status") == "8")
        #expect(headers.headers.first(name: "grpc-message") == "message of 17 bytes exceeds the limit of 16 bytes")
        #expect(stats.value(.init("kaiju_limit_hits_total", ["limit": "body"])) == 1)
        try channel.writeInbound(Self.data([1, 2, 3], end: true))
        #expect(try Self.passed(channel).bytes.isEmpty)
    }

    @Test func compressedBytesThatDoNotInflateAreInvalidArgument() throws {
        let (channel, stats) = try Self.channel(IngestLimits())
        try channel.writeInbound(Self.data(Self.message([1, 2, 3, 4], compressed: true), end: true))
        let reply = try #require(try channel.readOutbound(as: HTTP2Frame.FramePayload.self))
        guard case .headers(let headers) = reply else {
            Issue.record("expected trailers, got \(reply)")
            return
        }
        #expect(headers.headers.first(name: "grpc-status") == "3")
        #expect(stats.value(.init("kaiju_decode_errors_total", ["protocol": "grpc"])) == 1)
        #expect(GRPCMessageGuard.percentEncoded("a%b\nc é") == "a%25b%0Ac %C3%A9")
    }
}
