import KaijuCodecs
import KaijuCore
import KaijuEPL
import Testing

/// The getting-started article's code, run as written, with the rows it gives.
struct CodecsGettingStartedTests {
    @Test func decodeAStreamAndABodyIntoTheEngine() throws {
        let runtime = Runtime(clock: .wall)
        var lines: [String] = []
        try EPL.install("select tags('host') as host from Metric(name='cpu')", in: runtime, name: "Cpu") { output in
            lines += output.jsonLines
        }
        let decoder = StreamDecoder(limits: IngestLimits())
        let bytes = Array("cpu,host=a usage_idle=93.5 1700000000000000000\nnot line protocol\n".utf8)
        let decoded = bytes.withUnsafeBytes { decoder.feed($0, receivedAt: EngineClock.wallMilliseconds()) }
        for input in decoded.items { runtime.send(input) }
        #expect(decoded.errors.map(\.description) == ["line protocol, column 9: expected field=value"])

        let body = Array(
            #"{"metrics":[{"name":"cpu","timestamp":1700000000,"fields":{"usage_idle":93.5},"tags":{"host":"b"}}]}"#
                .utf8
        )
        let telegraf = TelegrafHTTPBody(timestampUnits: .auto, limits: IngestLimits())
        let result = telegraf.decode(body, lineProtocolOnly: false, precision: .ns, receivedAt: 0)
        for input in result.items { runtime.send(input) }
        #expect(lines == [#"{"statement":"Cpu","row":{"host":"a"}}"#, #"{"statement":"Cpu","row":{"host":"b"}}"#])
    }
}
