import KaijuCore
import KaijuTestSupport
import Testing

@testable import KaijuCodecs

struct TelegrafTests {
    static func metrics(_ items: [InputEvent]) -> [Metric] {
        items.compactMap { if case .metric(let m) = $0 { return m } else { return nil } }
    }

    static func parse(_ text: String, complete: Bool = true) -> (metrics: [Metric], errors: [String]) {
        var metrics: [Metric] = []
        var errors: [IngestError] = []
        Array(text.utf8).raw { LineProtocolParser.parseAll($0, receivedAt: 5, into: &metrics, errors: &errors) }
        return (metrics, errors.map(\.description))
    }

    /// The three metrics of `telegraf-socket-writer-gzip` (JSON, JSON batch, line protocol).
    static let socketWriterMetrics = [
        Metric(
            name: "cpu",
            timestamp: 1_700_000_000_000,
            fields: ["usage_idle": 99.5, "count": 3, "big": Value.double(Double(UInt64.max)), "ok": true, "msg": "hi"],
            tags: ["cpu": "cpu0", "host": "web"]
        ),
        Metric(name: "disk", timestamp: 1_700_000_001_000, fields: ["free": 1e21], tags: [:]),
        Metric(
            name: "cpu",
            timestamp: 1_700_000_000_000,
            fields: ["usage_idle": 99.5, "count": 3, "ok": true, "msg": "say \"hi\"\nbye"],
            tags: ["cpu": "cpu0", "host": "web 1"]
        ),
    ]

    @Test func decodesASocketWriterGzipStreamAtEverySplit() throws {
        let f = try Fixture("telegraf-socket-writer-gzip")
        for cut in 0...f.bytes.count {
            let result = decodeStream(f.bytes, splitAt: cut, make: { StreamDecoderProbe.make() })
            #expect(result.errors.isEmpty && result.fatal == nil, "cut \(cut)")
            #expect(Self.metrics(result.items) == Self.socketWriterMetrics, "cut \(cut)")
        }
    }

    @Test func decodesThePlainStreamAtEverySplitWithLinesOfBothKinds() throws {
        let f = try Fixture("telegraf-socket-writer-gzip")
        let plain = try Inflater().inflate(f.bytes)
        for cut in 0...plain.count {
            let result = decodeStream(plain, splitAt: cut, make: { StreamDecoderProbe.make() })
            #expect(Self.metrics(result.items) == Self.socketWriterMetrics, "cut \(cut)")
        }
    }

    @Test func parsesWhatInfluxDBClientWrites() throws {
        let f = try Fixture("influx-write-v2")
        #expect(f.expected["path"].stringValue?.hasPrefix("/api/v2/write") == true)
        var metrics: [Metric] = []
        var errors: [IngestError] = []
        f.bytes.raw { LineProtocolParser.parseAll($0, receivedAt: 0, into: &metrics, errors: &errors) }
        #expect(errors.isEmpty)
        #expect(
            metrics == [
                Metric(
                    name: "cpu",
                    timestamp: 1_700_000_000_123,
                    fields: ["count": 3, "msg": "say \"hi\"\nbye", "ok": true, "usage_idle": 99.5],
                    tags: ["host": "web 1", "region": "eu,west"]
                ),
                Metric(name: "disk space", timestamp: 1_700_000_001_000, fields: ["free": 1.0], tags: ["path": "/a=b"]),
            ]
        )
    }

    @Test func parsesEveryFieldTypeAndTheGrammarsExtras() {
        let r = Self.parse(
            """
            # a comment

              m,t=a f=1e3,g=-1.,h=.5,i=-42i,u=42u,b1=t,b2=FALSE,b3=True,s="a\\\\b" -1000000\r
            m f=18446744073709551615u
            """
        )
        #expect(r.errors.isEmpty)
        #expect(
            r.metrics == [
                Metric(
                    name: "m",
                    timestamp: -1,
                    fields: [
                        "f": 1000.0, "g": -1.0, "h": 0.5, "i": -42, "u": 42, "b1": true, "b2": false, "b3": true,
                        "s": "a\\b",
                    ],
                    tags: ["t": "a"]
                ),
                Metric(name: "m", timestamp: 5, fields: ["f": Value.double(Double(UInt64.max))], tags: [:]),
            ]
        )
    }

    @Test func keepsTelegrafsWrittenEscapesAsTheyAre() {
        let r = Self.parse("weather,loc=a\\tb temp=1 1\n")
        #expect(r.metrics.first?.tags["loc"] == "a\\tb")
    }

    @Test(arguments: [
        ("cpu\n", "line protocol, column 4: missing fields"),
        ("cpu usage\n", "line protocol, column 10: expected field=value"),
        ("cpu,host usage=1\n", "line protocol, column 9: expected '=' after tag key"),
        ("cpu usage=abc\n", "line protocol, column 11: invalid field value 'abc'"),
        ("cpu usage=1i2i\n", "line protocol, column 11: invalid integer '1i2i'"),
        ("cpu usage=\"open\n", "line protocol, column 11: unterminated string"),
        ("cpu usage=1 12x\n", "line protocol, column 15: unexpected 'x' after the fields"),
        ("cpu usage=nan\n", "line protocol, column 11: invalid field value 'nan'"),
    ])
    func reportsBadLinesWithTheirColumnAndGoesOn(line: String, message: String) {
        let r = Self.parse(line + "ok v=1 1000000\n")
        #expect(r.errors == [message])
        #expect(r.metrics == [Metric(name: "ok", timestamp: 1, fields: ["v": 1.0], tags: [:])])
    }

    @Test func classifiesJSONLinesByTheirKeysAsTheOriginalDid() throws {
        var out: [InputEvent] = []
        let decoder = JSONLineDecoder(timestampUnits: .auto)
        for line in [
            #"{"name":"cpu","fields":{"v":1},"tags":{"h":"a"},"timestamp":1700000000123}"#,
            #"{"timestamp":5,"payload":{"x":1},"context":{"pod":"p"}}"#,
            #"{"events":[{"timestamp":6,"payload":{}}]}"#,
            #"{"log":"hello","kubernetes":{"pod":"p"},"name":{"not":"a metric"}}"#,
        ] {
            try decoder.decode(line: Array(line.utf8), receivedAt: 9, into: &out)
        }
        #expect(
            out == [
                .metric(Metric(name: "cpu", timestamp: 1_700_000_000_123, fields: ["v": 1], tags: ["h": "a"])),
                .event(Event(timestamp: 5, payload: ["x": 1], context: ["pod": "p"])),
                .event(Event(timestamp: 6)),
                .log(LogRecord(timestamp: 9, fields: ["log": "hello", "kubernetes.pod": "p", "name.not": "a metric"])),
            ]
        )
        #expect(throws: JSONError.self) { try decoder.decode(line: Array("{\"a\":".utf8), receivedAt: 0, into: &out) }
    }

    @Test(arguments: [
        (TimestampUnits.auto, Int64(1_700_000_000), Int64(1_700_000_000_000)),
        (.auto, 1_700_000_000_000, 1_700_000_000_000),
        (.auto, 1_700_000_000_000_000, 1_700_000_000_000), (.auto, 1_700_000_000_000_000_000, 1_700_000_000_000),
        (.s, 5, 5000), (.ms, 5, 5), (.us, 5000, 5), (.ns, 5_000_000, 5),
        (.ns, -1, -1), (.ns, -1_000_000, -1), (.ns, -1_000_001, -2), (.us, -1500, -2),
    ])
    func convertsTelegrafTimestampUnits(units: TimestampUnits, raw: Int64, ms: Int64) {
        #expect(units.milliseconds(raw) == ms)
    }

    @Test func reportsABadJSONLineWithoutLosingTheNextOne() {
        let probe = StreamDecoderProbe.make()
        probe.feed(
            Array(
                "{\"name\":\"a\",\"fields\":{\"v\":1}}\n{\"oops\" 1}\n{\"name\":\"b\",\"timestamp\":1700000000000}\n"
                    .utf8
            )
        )
        #expect(probe.result.errors == ["ndjson: invalid JSON at byte 8: expected ':'"])
        #expect(Self.metrics(probe.result.items).map(\.name) == ["a", "b"])
    }

    @Test func refusesAGzipBombOnTheStream() {
        let probe = StreamDecoderProbe.make(limits: IngestLimits(maxInflatedSize: 1 << 20))
        probe.feed(CompressedSamples.bomb)
        #expect(probe.result.fatal == "inflated size exceeds the limit of 1048576 bytes")
    }

    @Test func refusesALineLongerThanTheFrameLimit() {
        let probe = StreamDecoderProbe.make(limits: IngestLimits(maxFrameSize: 32))
        probe.feed(Array("{\"name\":\"a\",\"fields\":{\"v\":\"0123456789012345678901234567890\"".utf8))
        #expect(probe.result.fatal == "frame exceeds the limit of 32 bytes")
    }
}
