import KaijuCodecs
import KaijuCore
import KaijuEPL
import KaijuTestSupport
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import KaijuServer

/// The NIO handlers on `EmbeddedChannel`: bytes written into the channel one at a time, the engine on its own loop.
@Suite(.serialized)
struct ChannelHandlerTests {
    static let logger = Logger(label: "kaiju-test")

    /// An engine running one EPL statement whose rows are collected.
    final class Engine: Sendable {
        /// The rows the statement delivered.
        final class Rows: Sendable {
            let lines = Mutex<[String]>([])
        }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let rows = Rows()
        let pump: EnginePump

        init(_ statement: String, highWater: Int = 64) async throws {
            let rows = self.rows
            self.pump = try await EnginePump.start(on: self.group.next(), highWater: highWater, stats: IngestStats()) {
                runtime in
                try EPL.install(statement, in: runtime, name: "s") { output in
                    rows.lines.withLock { $0 += output.jsonLines }
                }
            }
        }

        /// The rows so far, once the engine has taken everything submitted before.
        func settledRows() async throws -> [String] {
            try await self.pump.withRuntime { _ in }.get()
            return self.rows.lines.withLock { $0 }
        }

        func stop() async throws { try await self.group.shutdownGracefully() }
    }

    static func stream(_ engine: Engine, limits: IngestLimits = IngestLimits()) async throws -> EmbeddedChannel {
        let handler = StreamIngestHandler(
            decoder: StreamDecoder(limits: limits),
            pump: engine.pump,
            logger: Self.logger,
            greeting: nil
        )
        let channel = EmbeddedChannel(handler: handler)
        try await channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 9)).get()
        return channel
    }

    static func writeByteByByte(_ bytes: [UInt8], to channel: EmbeddedChannel) throws {
        for byte in bytes { try channel.writeInbound(ByteBuffer(bytes: [byte])) }
    }

    @Test func lineProtocolArrivingOneByteAtATimeReachesTheRules() async throws {
        let engine = try await Engine(
            "select tags('host') as host, fields('usage_idle') as idle from Metric(name='cpu')"
        )
        let channel = try await Self.stream(engine)
        try Self.writeByteByByte(
            Array(
                "cpu,host=a usage_idle=93.5 1700000000000000000\ncpu,host=b usage_idle=1i 1700000000000000000\n".utf8
            ),
            to: channel
        )
        #expect(
            try await engine.settledRows() == [
                #"{"statement":"s","row":{"host":"a","idle":93.5}}"#,
                #"{"statement":"s","row":{"host":"b","idle":1}}"#,
            ]
        )
        #expect(channel.isActive)
        try await engine.stop()
    }

    @Test func forwardChunksAreAcknowledgedOnceTheEngineHasThem() async throws {
        let engine = try await Engine("select payload('v') as v from Event")
        let channel = try await Self.stream(engine)
        let message = ForwardMessage.encode(
            events: [Event(timestamp: 5, payload: ["v": 1]), Event(timestamp: 6, payload: ["v": 2])],
            chunk: "c1"
        )
        try Self.writeByteByByte(message, to: channel)
        #expect(
            try await engine.settledRows() == [
                #"{"statement":"s","row":{"v":1}}"#, #"{"statement":"s","row":{"v":2}}"#,
            ]
        )
        channel.embeddedEventLoop.run()  // the ack waits for the engine, then hops back to the channel
        var ack = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(ack.readBytes(length: ack.readableBytes) == ForwardMessage.ack(Array("c1".utf8)))
        try await engine.stop()
    }

    @Test func aLineOverTheFrameLimitClosesTheConnectionAndIsCounted() async throws {
        let engine = try await Engine("select * from Metric")
        let channel = try await Self.stream(engine, limits: IngestLimits(maxFrameSize: 32))
        try channel.writeInbound(
            ByteBuffer(
                bytes: Array("cpu v=1 1700000000000000000\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 64)
            )
        )
        #expect(try await engine.settledRows().count == 1)
        #expect(!channel.isActive)
        #expect(engine.pump.stats.value(.init("kaiju_decode_errors_total", ["protocol": "ndjson"])) == 1)
        #expect(engine.pump.stats.value(.init("kaiju_limit_hits_total", ["limit": "frame"])) == 1)
        try await engine.stop()
    }

    @Test func telegrafHTTPOneByteAtATimeAnswers204AfterTheEngineTookTheMetrics() async throws {
        let engine = try await Engine("select tags('host') as host from Metric")
        let route = IngestRoutes.telegraf(pump: engine.pump, timestampUnits: .auto, limits: IngestLimits())
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
        try channel.pipeline.syncOperations.addHandler(
            HTTPIngestHandler(
                name: "http",
                limits: IngestLimits(),
                stats: engine.pump.stats,
                logger: Self.logger,
                route: route
            )
        )
        try await channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 9)).get()
        let body = "cpu,host=a v=1 1700000000000000000\ncpu,host=b v=2 1700000000000000000\n"
        let request = "POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        try Self.writeByteByByte(Array(request.utf8), to: channel)
        #expect(
            try await engine.settledRows() == [
                #"{"statement":"s","row":{"host":"a"}}"#, #"{"statement":"s","row":{"host":"b"}}"#,
            ]
        )
        channel.embeddedEventLoop.run()
        var reply = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) { reply.writeBuffer(&part) }
        #expect(String(buffer: reply).hasPrefix("HTTP/1.1 204 No Content\r\n"))
        try await engine.stop()
    }

    @Test func jaegerDatagramsBecomeSpansAndBadOnesAreCounted() async throws {
        let engine = try await Engine("select operationName as op from Span")
        let channel = EmbeddedChannel(
            handler: JaegerUDPHandler(encoding: .compact, pump: engine.pump, logger: Self.logger, maxDepth: 32)
        )
        let peer = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        try channel.writeInbound(
            AddressedEnvelope(
                remoteAddress: peer,
                data: ByteBuffer(bytes: try Fixture("jaeger-compact-emitbatch").bytes)
            )
        )
        try channel.writeInbound(AddressedEnvelope(remoteAddress: peer, data: ByteBuffer(bytes: [0x82, 0x21, 0x01])))
        #expect(try await engine.settledRows() == [#"{"statement":"s","row":{"op":"GET /cart"}}"#])
        #expect(engine.pump.stats.value(.init("kaiju_decode_errors_total", ["protocol": "jaeger-compact"])) == 1)
        try await engine.stop()
    }
}
