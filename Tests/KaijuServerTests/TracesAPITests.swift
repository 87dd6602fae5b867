import Foundation
import KaijuCore
import KaijuTestSupport
import Logging
import NIOCore
import Testing

@testable import KaijuServer

/// The traces API over retained spans, and tail sampling of flagged traces as their spans leave retention.
struct TracesAPITests {
    static let frontend = JaegerProcess(serviceName: "frontend", tags: [.string("host", "h1")])
    static let cart = JaegerProcess(serviceName: "cart")

    static func batches() -> [Batch] {
        [
            Batch(
                process: Self.frontend,
                spans: [
                    Span(
                        traceIdLow: 0x2a,
                        traceIdHigh: 1,
                        spanId: 1,
                        operationName: "GET /cart",
                        startTime: 1_700_000_000_000_000,
                        duration: 900,
                        tags: [.long("http.status_code", 200)],
                        logs: [SpanLog(timestamp: 1_700_000_000_000_100, fields: [.string("event", "cache miss")])]
                    )
                ]
            ),
            Batch(
                process: Self.cart,
                spans: [
                    Span(
                        traceIdLow: 0x2a,
                        traceIdHigh: 1,
                        spanId: 2,
                        parentSpanId: 1,
                        operationName: "load",
                        startTime: 1_700_000_000_000_200,
                        duration: 500
                    ),
                    Span(
                        traceIdLow: 7,
                        spanId: 3,
                        operationName: "other",
                        startTime: 1_700_000_000_001_000,
                        duration: 5
                    ),
                ]
            ),
        ]
    }

    @Test func retentionExpiresAndSamplesFlaggedTraces() {
        let retention = SpanRetention(retention: 1000, maxSpans: 10)
        var sampled: [String] = []
        retention.sampled = { sampled.append("\($0.process.serviceName)/\($0.span.operationName)@\($0.at)") }
        let b = Self.batches()
        retention.add(b[0], at: 0)
        retention.add(b[1], at: 500)
        #expect(retention.count == 3)
        retention.flag(SpanRetention.TraceID(hex: "0000000000000001000000000000002a")!)
        retention.flag(SpanRetention.TraceID(hex: "ff")!)  // not retained: ignored
        retention.expire(now: 999)
        #expect(retention.count == 3)
        retention.expire(now: 1000)
        #expect(sampled == ["frontend/GET /cart@0"])
        retention.expire(now: 1500)
        #expect(sampled == ["frontend/GET /cart@0", "cart/load@500"])
        #expect(retention.count == 0 && retention.traces.isEmpty)
        // A bound of two spans: the oldest leaves early.
        let small = SpanRetention(retention: 1000, maxSpans: 2)
        small.add(b[0], at: 0)
        small.add(b[1], at: 1)
        #expect(small.count == 2 && small.evicted == 1)
        #expect(SpanRetention.TraceID(hex: "1000000000000002a")?.high == 1)
        #expect(SpanRetention.TraceID(hex: "xyz") == nil)
    }

    /// The wiring on a virtual clock: an Event carrying a trace's id flags it; its spans are written, as
    /// one-span batch lines, when they leave retention (here on the next batch, 1 s later).
    @Test func tailSamplingOnTheEngine() throws {
        let runtime = Runtime()
        var lines: [String] = []
        _ = try SpanRetention.install(in: runtime, retentionTime: "1 sec", maxSpans: 100) { lines.append($0) }
        let b = Self.batches()
        runtime.send(.batch(b[0]), at: 1_000)
        runtime.send(.batch(b[1]), at: 1_200)
        runtime.send(
            .event(Event(timestamp: 1_300, payload: ["traceId": "0000000000000001000000000000002a"])),
            at: 1_300
        )
        runtime.send(.batch(Batch(process: Self.cart, spans: [])), at: 2_100)
        #expect(
            lines == [
                #"{"process":{"serviceName":"frontend","tags":[{"key":"host","vStr":"h1","vType":"STRING"}]},"spans":[{"duration":900,"flags":1,"logs":[{"fields":[{"key":"event","vStr":"cache miss","vType":"STRING"}],"timestamp":1700000000000100}],"operationName":"GET /cart","parentSpanId":0,"references":[],"spanId":1,"startTime":1700000000000000,"tags":[{"key":"http.status_code","vLong":200,"vType":"LONG"}],"traceIdHigh":1,"traceIdLow":42}]}"#
                    + "\n"
            ]
        )
        runtime.send(.batch(Batch(process: Self.cart, spans: [])), at: 2_300)
        #expect(lines.count == 2 && lines[1].contains(#""operationName":"load""#))
        #expect(!lines.joined().contains(#""operationName":"other""#))
    }

    @Test func theTracesAPI() async throws {
        var configuration = ModuleConfiguration(name: "kaiju-traces", listeners: [], admin: .loopback, hl: nil)
        configuration.tracesAPI = .loopback
        configuration.retentionTime = "10 min"
        let server = try await ModuleServer.start(configuration, logger: Logger(label: "test")) { _ in }
        try await server.pump.submit(Self.batches().map { .batch($0) }).get()
        let port = server.boundAddresses["traces-api"]?.port ?? 0
        let trace = "0000000000000001000000000000002a"
        #expect(
            try Loopback.get(port: port, path: "/api/traces/\(trace)")
                == #"{"data":[{"traceID":"0000000000000001000000000000002a","spans":[{"traceID":"0000000000000001000000000000002a","spanID":"0000000000000001","operationName":"GET /cart","references":[],"startTime":1700000000000000,"duration":900,"tags":[{"key":"http.status_code","type":"int64","value":200}],"logs":[{"timestamp":1700000000000100,"fields":[{"key":"event","type":"string","value":"cache miss"}]}],"processID":"p1"},{"traceID":"0000000000000001000000000000002a","spanID":"0000000000000002","operationName":"load","references":[{"refType":"CHILD_OF","traceID":"0000000000000001000000000000002a","spanID":"0000000000000001"}],"startTime":1700000000000200,"duration":500,"tags":[],"logs":[],"processID":"p2"}],"processes":{"p1":{"serviceName":"frontend","tags":[{"key":"host","type":"string","value":"h1"}]},"p2":{"serviceName":"cart","tags":[]}}}]}"#
        )
        #expect(
            try Loopback.get(port: port, path: "/api/dependencies/\(trace)")
                == #"{"data":[{"parent":"frontend","child":"cart","callCount":1}]}"#
        )
        #expect(
            try Loopback.get(port: port, path: "/api/logs/event")
                == #"{"data":[{"traceID":"0000000000000001000000000000002a","spanID":"0000000000000001","timestamp":1700000000000100,"fields":[{"key":"event","type":"string","value":"cache miss"}]}]}"#
        )
        let all = try Loopback.get(port: port, path: "/api/traces/all")
        #expect(all.contains(#""traceID":"0000000000000007""#) && all.contains(#""traceID":"\#(trace)""#))
        let byService = try Loopback.get(port: port, path: "/api/traces?service=frontend")
        #expect(byService.contains(trace) && !byService.contains(#""traceID":"0000000000000007""#))
        #expect(try Loopback.http(port: port, path: "/api/traces/abc", headers: [:], body: []) == 405)
        #expect(try Loopback.exchange(port: port, method: "GET", path: "/api/traces/0000000000000099").status == 404)
        // On-demand EPL over the same spans, on the admin API.
        let admin = server.boundAddresses["admin"]?.port ?? 0
        let (status, body) = try Loopback.exchange(
            port: admin,
            method: "POST",
            path: "/api/query",
            body: "select operationName, duration from RetainedSpans where duration > 100 order by duration"
        )
        #expect(status == 200)
        #expect(body == #"[{"operationName":"load","duration":500},{"operationName":"GET /cart","duration":900}]"#)
        try await server.shutdown()
    }
}
