import KaijuCore
import KaijuTestSupport
import NIOCore
import Synchronization
import Testing

@testable import KaijuNATS

/// The core protocol against a real nats-server: publish/subscribe with headers, request/reply,
/// queue groups, authentication, and the frame decoder on malformed and partial input.
struct NATSCoreTests {
    @Test func publishSubscribeHeadersAndRequestReply() async throws {
        let server = try NATSTestServer()
        let a = try await NATSConnection.connect(server.options)
        let b = try await NATSConnection.connect(server.options)
        let received = Mutex<[String]>([])
        _ = try await b.subscribe("kaiju.>") { m in
            received.withLock {
                $0.append("\(m.subject) \(m.header("X-Kind") ?? "-") \(String(decoding: m.payload, as: UTF8.self))")
            }
        }
        _ = try await b.subscribe("echo") { m in
            guard let reply = m.replyTo else { return }
            Task { try? await b.publish(reply, payload: Array("re:".utf8) + m.payload) }
        }
        try await b.flush()
        try await a.publish("kaiju.events.1", payload: Array("one".utf8))
        try await a.publish("kaiju.events.2", payload: Array("two".utf8), headers: [("X-Kind", "metric")])
        try await a.flush()
        let reply = try await a.request("echo", payload: Array("ping".utf8))
        #expect(String(decoding: reply.payload, as: UTF8.self) == "re:ping")
        try await b.flush()
        #expect(received.withLock { $0 } == ["kaiju.events.1 - one", "kaiju.events.2 metric two"])
        await #expect(throws: NATSError.self) { _ = try await a.request("nobody", payload: []) }
        await a.close()
        await b.close()
    }

    @Test func tokenAndUserAuthentication() async throws {
        let tokenServer = try NATSTestServer(auth: ["--auth", "s3cret"])
        var good = tokenServer.options
        good.token = "s3cret"
        let c = try await NATSConnection.connect(good)
        try await c.flush()
        await c.close()
        var bad = tokenServer.options
        bad.token = "wrong"
        await #expect(throws: (any Error).self) { _ = try await NATSConnection.connect(bad) }

        let userServer = try NATSTestServer(auth: ["--user", "kaiju", "--pass", "pw"])
        var user = try #require(NATSOptions(url: "nats://kaiju:pw@127.0.0.1:\(userServer.port)"))
        let u = try await NATSConnection.connect(user)
        try await u.flush()
        await u.close()
        user.password = "nope"
        await #expect(throws: (any Error).self) { _ = try await NATSConnection.connect(user) }
    }

    @Test func aLostLinkIsMadeAgainWithItsSubscriptions() async throws {
        let server = try NATSTestServer()
        let c = try await NATSConnection.connect(server.options)
        let received = Mutex<[String]>([])
        _ = try await c.subscribe("after") { m in
            received.withLock { $0.append(String(decoding: m.payload, as: UTF8.self)) }
        }
        try await c.flush()
        server.kill()
        // While the server is away, publishing says so instead of buffering without bound.
        var refused = false
        for _ in 0..<200 where !refused {
            do {
                try await c.publish("after", payload: Array("lost".utf8))
                try await Task.sleep(for: .milliseconds(10))
            } catch { refused = true }
        }
        #expect(refused)
        try server.start()
        var linked = false
        for _ in 0..<400 where !linked {
            linked = await c.reconnects >= 1
            if !linked { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(linked)
        let other = try await NATSConnection.connect(server.options)
        try await other.publish("after", payload: Array("back".utf8))
        try await other.flush()
        try await c.flush()
        #expect(received.withLock { $0 } == ["back"])
        await other.close()
        await c.close()
    }

    @Test func decoderSplitsFramesAndRefusesMalformedOnes() throws {
        var buffer = ByteBuffer(
            string: "PING\r\nMSG a.b 7 in.1 5\r\nhello\r\nHMSG c 8 27 29\r\nNATS/1.0 404 None\r\nK: v\r\n\r\nok\r\nMS"
        )
        var frames: [String] = []
        while let f = try NATSFrameDecoder.frame(in: &buffer, maxControlLine: 4096, maxPayload: 1 << 20) {
            switch f {
            case .ping: frames.append("ping")
            case .message(let m):
                frames.append(
                    "\(m.subject) \(m.sid) \(m.replyTo ?? "-") \(m.status ?? 0) \(m.headers.map { "\($0.name)=\($0.value)" }) \(String(decoding: m.payload, as: UTF8.self))"
                )
            default: frames.append("other")
            }
        }
        #expect(frames == ["ping", "a.b 7 in.1 0 [] hello", "c 8 - 404 [\"K=v\"] ok"])
        #expect(buffer.readableBytes == 2, "a partial frame waits for more bytes")
        for bad in [
            "MSG a 1\r\n", "MSG a x 3\r\nabc\r\n", "NOPE\r\n", "MSG a 1 99999999\r\n", "HMSG a 1 9 3\r\nabc\r\n",
        ] {
            var b = ByteBuffer(string: bad)
            #expect(throws: NATSError.self) {
                _ = try NATSFrameDecoder.frame(in: &b, maxControlLine: 64, maxPayload: 1024)
            }
        }
        var long = ByteBuffer(string: String(repeating: "x", count: 100))
        #expect(throws: NATSError.self) {
            _ = try NATSFrameDecoder.frame(in: &long, maxControlLine: 64, maxPayload: 1024)
        }
    }
}
