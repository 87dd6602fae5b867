import Testing

@_spi(Codecs) @testable import KaijuCore

struct ModelJSONTests {
    @Test func telegrafMetricDecodesAndEncodes() throws {
        let text =
            #"{"fields":{"counter":1234.5,"n":3},"name":"container_cpu_usage_seconds_total","tags":{"pod_name":"p","container_name":"c","namespace":"n"},"timestamp":1542650713000}"#
        let m = try Metric(json: Array(text.utf8))
        #expect(m.name == "container_cpu_usage_seconds_total")
        #expect(m.timestamp == 1_542_650_713_000)
        #expect(m.fields["counter"] == .double(1234.5))
        #expect(m.fields["n"] == .int(3))
        #expect(m.tags["pod_name"] == .string("p"))
        #expect(
            m.jsonString
                == #"{"fields":{"counter":1234.5,"n":3},"name":"container_cpu_usage_seconds_total","tags":{"container_name":"c","namespace":"n","pod_name":"p"},"timestamp":1542650713000}"#
        )
        let batch = try Metric.decodeBatch(json: Array(#"{"metrics":[\#(text),\#(text)]}"#.utf8))
        #expect(batch == [m, m])
        #expect(Metric.encodeBatch([m]) == #"{"metrics":[\#(m.jsonString)]}"#)
    }

    @Test func metricWithoutNameIsAnError() {
        #expect(throws: JSONError(offset: 13, message: "Metric has no \"name\"")) {
            try Metric(json: Array(#"{"fields":{}}  "#.utf8))
        }
    }

    @Test func eventDecodesAndEncodes() throws {
        let text =
            #"{"timestamp":1542650713000,"payload":{"name":"api_http_requests_total","value":"34"},"context":{"method":"POST","handler":"messages"}}"#
        let e = try Event(json: Array(text.utf8))
        #expect(e.payload["value"] == .string("34"))
        #expect(
            e.jsonString
                == #"{"timestamp":1542650713000,"payload":{"name":"api_http_requests_total","value":"34"},"context":{"handler":"messages","method":"POST"}}"#
        )
        let batch = try Event.decodeBatch(json: Array(#"{"events":[\#(text),\#(text)]}"#.utf8))
        #expect(batch.count == 2)
        #expect(Event.encodeBatch([e]) == #"{"events":[\#(e.jsonString)]}"#)
    }

    @Test func logRecordsAreFlattened() throws {
        let text =
            #"{"log":"pulled","kubernetes":{"labels":{"app":"eventrouter"}},"event":{"involvedObject":{"name":"img"},"reason":"Pulled"},"ports":[80,{"x":1}]}"#
        let l = try LogRecord(json: Array(text.utf8), timestamp: 7)
        #expect(l.timestamp == 7)
        #expect(
            l.fields.keys == [
                "event.involvedObject.name", "event.reason", "kubernetes.labels.app", "log", "ports[0]", "ports[1].x",
            ]
        )
        #expect(l.fields["kubernetes.labels.app"] == .string("eventrouter"))
        #expect(l.fields["ports[1].x"] == .int(1))
        let tree = try Value(json: text)
        #expect(LogRecord(timestamp: 7, record: tree.objectValue!) == l)
    }

    @Test func jaegerBatchRoundTripsInCamelCase() throws {
        let batch = Batch(
            process: JaegerProcess(serviceName: "frontend", tags: [.string("hostname", "h1")]),
            spans: [
                Span(
                    traceIdLow: -1,
                    traceIdHigh: 2,
                    spanId: 3,
                    parentSpanId: 0,
                    operationName: "GET /",
                    references: [SpanRef(refType: .childOf, traceIdLow: -1, traceIdHigh: 2, spanId: 9)],
                    flags: 1,
                    startTime: 1_000_000,
                    duration: 250,
                    tags: [.long("http.status_code", 200), .bool("error", false)],
                    logs: [SpanLog(timestamp: 1_000_100, fields: [.double("x", 0.5)])]
                )
            ]
        )
        let text = batch.jsonString
        #expect(text.contains(#""serviceName":"frontend""#))
        #expect(text.contains(#""vType":"LONG""#))
        #expect(try Batch(json: Array(text.utf8)) == batch)
    }

    @Test func recordingLinesParseInAnyKeyOrder() throws {
        let a = try RecordingLine(
            json: Array(#"{"at":5,"type":"Metric","event":{"name":"cpu","timestamp":4,"fields":{},"tags":{}}}"#.utf8)
        )
        let b = try RecordingLine(
            json: Array(#"{"event":{"name":"cpu","timestamp":4,"fields":{},"tags":{}},"type":"Metric","at":5}"#.utf8)
        )
        #expect(a == b)
        #expect(a.jsonString == #"{"at":5,"type":"Metric","event":{"fields":{},"name":"cpu","tags":{},"timestamp":4}}"#)
        let log = try RecordingLine(json: Array(#"{"at":9,"type":"LogRecord","event":{"a":{"b":1}}}"#.utf8))
        #expect(log.event == .log(LogRecord(timestamp: 9, fields: ["a.b": 1])))
        #expect(throws: JSONError(offset: 45, message: "Metric has no \"name\"")) {
            try RecordingLine(json: Array(#"{"at":5,"type":"Metric","event":{"nam":"cpu"}}"#.utf8))
        }
        // Any other type name is a declared type's, resolved when the line is sent.
        let declared = try RecordingLine(json: Array(#"{"at":5,"type":"Nope","event":{}}"#.utf8))
        #expect(declared.event == .declared(DeclaredEvent(type: "Nope", columns: [:])))
        #expect(throws: JSONError(offset: 15, message: "'no pe' is not an event type name")) {
            try RecordingLine(json: Array(#"{"at":5,"type":"no pe","event":{}}"#.utf8))
        }
    }
}

/// The scanner's own number parsing (fast path and strtod fallback) agrees with Swift's Double parser.
struct JSONNumberTests {
    @Test(arguments: [
        "0.25", "99.5", "-1.5", "1e3", "1E-3", "1e+21", "0.1", "0.3", "123456.789", "-0.0", "3.14159265358979",
        "1234567890.12345", "0.000001234567890123", "9007199254740993.0", "1.7976931348623157e308", "5e-324",
        "2.2250738585072014e-308", "123456789012345678901234567890", "1e22", "1e23", "0.1e-22", "4.35", "-77.125e2",
    ])
    func parsesLikeSwift(text: String) throws {
        let v = try JSONScanner.parse(Array(text.utf8)) { (s) throws(JSONError) in try s.readNumber() }
        let expected = Double(text)!
        #expect(v.doubleValue.map { $0.bitPattern } == expected.bitPattern, "\(text)")
    }

    @Test func keepsIntegersExact() throws {
        for text in ["0", "-0", "42", "9223372036854775807", "-9223372036854775808"] {
            let v = try JSONScanner.parse(Array(text.utf8)) { (s) throws(JSONError) in try s.readNumber() }
            #expect(v == .int(Int64(text)!))
        }
        let big = try JSONScanner.parse(Array("18446744073709551615".utf8)) { (s) throws(JSONError) in
            try s.readNumber()
        }
        #expect(big == .double(Double(UInt64.max)))
    }

    @Test func internsRepeatedShortStrings() throws {
        let interner = StringInterner(capacity: 16)
        let line = Array(
            #"{"a":"web-1","b":"web-1","c":"a much longer string than sixteen bytes","d":"caf\#u{e9}","e":"web-1234567890ab"}"#
                .utf8
        )
        let map = try JSONScanner.parse(line, interner: interner) { (s) throws(JSONError) in try s.readValueMap() }
        #expect(
            map == [
                "a": "web-1", "b": "web-1", "c": "a much longer string than sixteen bytes", "d": "caf\u{e9}",
                "e": "web-1234567890ab",
            ]
        )
        let again = try JSONScanner.parse(
            Array(#"{"e":"web-1234567890ac","f":"web-1234567890ab"}"#.utf8),
            interner: interner
        ) { (s) throws(JSONError) in try s.readValueMap() }
        #expect(again == ["e": "web-1234567890ac", "f": "web-1234567890ab"])
    }

    /// Names that differ in one byte (hosts, cpus) spread over the slots like random ones: a second pass
    /// rebuilds only the few that share a slot by chance (about 8 expected for 264 names in 4 096 slots).
    @Test func nearIdenticalNamesSpreadOverSlots() throws {
        let interner = StringInterner()
        let names = (0..<100).map { "web-\($0)" } + (0..<64).map { "cpu\($0)" } + (0..<100).map { "host-0000\($0)" }
        for name in names { #expect(Array(name.utf8).withUnsafeBufferPointer { interner.string($0) } == name) }
        let built = interner.misses
        #expect(built == names.count)
        for name in names { #expect(Array(name.utf8).withUnsafeBufferPointer { interner.string($0) } == name) }
        #expect(interner.misses - built < names.count / 10, "\(interner.misses - built) rebuilt")
    }
}

/// The word-at-a-time string scan finds quotes, escapes and control characters at every position.
struct JSONStringScanTests {
    @Test func findsTheEndEscapesAndControlCharactersAtEveryOffset() throws {
        for k in 0..<20 {
            let prefix = String(repeating: "é", count: k / 2) + String(repeating: "a", count: k % 2)
            let plain = try JSONScanner.parse(Array("\"\(prefix)\"".utf8)) { (s) throws(JSONError) in try s.readString()
            }
            #expect(plain == prefix)
            let escaped = try JSONScanner.parse(Array("\"\(prefix)\\n\\\"x\"".utf8)) { (s) throws(JSONError) in
                try s.readString()
            }
            #expect(escaped == prefix + "\n\"x")
            let skipped = try JSONScanner.parse(Array("[\"\(prefix)\\n\\\"x\",1]".utf8)) {
                (s) throws(JSONError) -> Int in
                var n = 0
                try s.readArray { (s) throws(JSONError) in
                    try s.skipValue()
                    n += 1
                }
                return n
            }
            #expect(skipped == 2)
            #expect(throws: JSONError.self) {
                try JSONScanner.parse(Array("\"\(prefix)\u{1}\"".utf8)) { (s) throws(JSONError) in try s.readString() }
            }
            #expect(throws: JSONError.self) {
                try JSONScanner.parse(Array("\"\(prefix)".utf8)) { (s) throws(JSONError) in try s.readString() }
            }
        }
    }
}

/// A recording stores a log record as received (nested); reading it back flattens it to the same fields.
struct LogRecordingTests {
    @Test func logRecordIsRecordedNestedAndReadsBackFlat() throws {
        let json = #"{"log":"pulled","kubernetes":{"labels":{"app":"web"},"pod":"web-1"},"ports":[80,{"tls":true}]}"#
        let record = try LogRecord(json: Array(json.utf8), timestamp: 7)
        let line = RecordingLine(at: 7, event: .log(record)).jsonString
        #expect(
            line
                == #"{"at":7,"type":"LogRecord","event":{"kubernetes":{"labels":{"app":"web"},"pod":"web-1"},"log":"pulled","ports":[80,{"tls":true}]}}"#
        )
        #expect(try RecordingLine(json: Array(line.utf8)) == RecordingLine(at: 7, event: .log(record)))
    }

    @Test func keysThatCannotNestStayFlat() throws {
        let record = LogRecord(timestamp: 1, fields: ["a": 1, "a.b": 2, "c..d": 3])
        let line = RecordingLine(at: 1, event: .log(record)).jsonString
        #expect(line == #"{"at":1,"type":"LogRecord","event":{"a":1,"a.b":2,"c..d":3}}"#)
        #expect(try RecordingLine(json: Array(line.utf8)) == RecordingLine(at: 1, event: .log(record)))
    }
}
