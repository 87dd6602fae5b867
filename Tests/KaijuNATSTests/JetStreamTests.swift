import KaijuCore
import KaijuTestSupport
import Testing

@testable import KaijuNATS

/// JetStream against a real `nats-server -js`: streams, de-duplicated publishing with acks, durable pull
/// consumers, ack/nak/redelivery, pending counts, and a server restart keeping what was acked.
struct JetStreamTests {
    @Test func publishFetchAckNakAndRedelivery() async throws {
        let server = try NATSTestServer()
        let c = try await NATSConnection.connect(server.options)
        let js = JetStream(c)
        try await js.ensureStream(.init(name: "EVENTS", subjects: ["kaiju.events.*"]))
        try await js.ensureStream(.init(name: "EVENTS", subjects: ["kaiju.events.*"]))  // exists: no error
        var acks: [String] = []
        for (i, id) in ["a", "b", "c", "b"].enumerated() {
            let ack = try await js.publish("kaiju.events.\(i % 2)", payload: Array("e\(i)".utf8), messageID: id)
            acks.append("\(ack.stream):\(ack.sequence):\(ack.duplicate)")
        }
        #expect(acks == ["EVENTS:1:false", "EVENTS:2:false", "EVENTS:3:false", "EVENTS:2:true"])
        try await js.ensureConsumer(
            stream: "EVENTS",
            durable: "p0",
            filterSubject: "kaiju.events.0",
            ackWait: .seconds(1)
        )
        try await js.ensureConsumer(stream: "EVENTS", durable: "all", ackWait: .seconds(30))
        let first = try await js.fetch(stream: "EVENTS", durable: "all", batch: 2)
        #expect(first.map { String(decoding: $0.message.payload, as: UTF8.self) } == ["e0", "e1"])
        #expect(first.map(\.streamSequence) == [1, 2])
        try await first[0].ack()
        try await first[1].nak()
        let second = try await js.fetch(stream: "EVENTS", durable: "all", batch: 5)
        // The refused e1 comes again (its second delivery), with e2; the server may send them in either order.
        #expect(
            second.map { "\(String(decoding: $0.message.payload, as: UTF8.self)):\($0.deliveries)" }.sorted()
                == ["e1:2", "e2:1"]
        )
        for m in second { try await m.ack() }
        try await c.flush()
        let info = try await js.consumerInfo(stream: "EVENTS", durable: "all")
        #expect(info.pending == 0 && info.ackPending == 0 && info.redelivered == 0)
        let none = try await js.fetch(stream: "EVENTS", durable: "all", batch: 3, expires: .milliseconds(200))
        #expect(none.isEmpty)
        let filtered = try await js.fetch(stream: "EVENTS", durable: "p0", batch: 5)
        #expect(filtered.map { String(decoding: $0.message.payload, as: UTF8.self) } == ["e0", "e2"])
        #expect(try await js.consumerInfo(stream: "EVENTS", durable: "p0").ackPending == 2)
        await c.close()
    }

    @Test func aRestartedServerKeepsTheStreamAndWhatWasAcked() async throws {
        let server = try NATSTestServer()
        let c = try await NATSConnection.connect(server.options)
        let js = JetStream(c)
        try await js.ensureStream(.init(name: "S", subjects: ["s.>"]))
        for i in 0..<4 { _ = try await js.publish("s.x", payload: Array("m\(i)".utf8), messageID: "m\(i)") }
        try await js.ensureConsumer(stream: "S", durable: "d")
        for m in try await js.fetch(stream: "S", durable: "d", batch: 2) { try await m.ack() }
        try await c.flush()
        await c.close()
        server.kill()
        try server.start()
        let again = try await NATSConnection.connect(server.options)
        let rest = try await JetStream(again).fetch(stream: "S", durable: "d", batch: 10)
        #expect(rest.map { String(decoding: $0.message.payload, as: UTF8.self) } == ["m2", "m3"])
        await again.close()
    }
}
