public import KaijuCore

/// Parses the Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 (what `/metrics` endpoints
/// serve) into one ``Metric`` per sample: the sample's name as written (`http_requests_total`,
/// `latency_bucket` with its `le` label, `latency_sum`, `latency_count`), its labels as tags, its value as
/// the field `value`, its timestamp (ms in 0.0.4, seconds in OpenMetrics) or else the scrape time.
/// `# HELP`/`# TYPE` lines and OpenMetrics exemplars are skipped; a bad line is an error of that line
/// only (its number and column), the others are kept.
public enum PrometheusExposition {
    /// The metrics of one exposition.
    /// - Parameters:
    ///   - body: The exposition's bytes.
    ///   - openMetrics: Whether it is OpenMetrics (timestamps in seconds, `# EOF` ends it).
    ///   - scrapedAt: The time (ms) given to samples without a timestamp.
    /// - Returns: The metrics and an error per bad line.
    public static func parse(
        _ body: [UInt8],
        openMetrics: Bool,
        scrapedAt: Int64
    ) -> (metrics: [Metric], errors: [IngestError]) {
        var metrics: [Metric] = []
        var errors: [IngestError] = []
        var lineNumber = 0
        var start = 0
        while start < body.count {
            let end = body[start...].firstIndex(of: 0x0a) ?? body.count
            lineNumber += 1
            var line = body[start..<end]
            if line.last == 0x0d { line = line.dropLast() }
            start = end + 1
            if line.isEmpty { continue }
            if line.first == UInt8(ascii: "#") {
                if openMetrics, line.elementsEqual("# EOF".utf8) { break }
                continue
            }
            do throws(IngestError) {
                metrics.append(try Self.sample(line, openMetrics: openMetrics, scrapedAt: scrapedAt, line: lineNumber))
            } catch {
                errors.append(error)
            }
        }
        return (metrics, errors)
    }

    static func sample(
        _ line: ArraySlice<UInt8>,
        openMetrics: Bool,
        scrapedAt: Int64,
        line number: Int
    ) throws(IngestError) -> Metric {
        var i = line.startIndex
        func fail(_ message: String) -> IngestError {
            .malformed("prometheus text", at: i - line.startIndex, "line \(number): \(message)")
        }
        let nameStart = i
        while i < line.endIndex, Self.isNameByte(line[i], first: i == nameStart) { i += 1 }
        guard i > nameStart else { throw fail("expected a metric name") }
        let name = String(decoding: line[nameStart..<i], as: UTF8.self)
        var tags: [ValueMap.Entry] = []
        if i < line.endIndex, line[i] == UInt8(ascii: "{") {
            i += 1
            while true {
                while i < line.endIndex, line[i] == 0x20 { i += 1 }
                guard i < line.endIndex else { throw fail("unterminated labels") }
                if line[i] == UInt8(ascii: "}") {
                    i += 1
                    break
                }
                let keyStart = i
                while i < line.endIndex, Self.isNameByte(line[i], first: i == keyStart), line[i] != UInt8(ascii: ":") {
                    i += 1
                }
                guard i > keyStart, i + 1 < line.endIndex, line[i] == UInt8(ascii: "="),
                    line[i + 1] == UInt8(ascii: "\"")
                else { throw fail("expected label=\"value\"") }
                let key = String(decoding: line[keyStart..<i], as: UTF8.self)
                i += 2
                var value: [UInt8] = []
                while true {
                    guard i < line.endIndex else { throw fail("unterminated label value") }
                    let c = line[i]
                    i += 1
                    if c == UInt8(ascii: "\"") { break }
                    if c == UInt8(ascii: "\\"), i < line.endIndex {
                        let e = line[i]
                        i += 1
                        value.append(e == UInt8(ascii: "n") ? 0x0a : e)
                    } else {
                        value.append(c)
                    }
                }
                tags.append(.init(key: key, value: .string(String(decoding: value, as: UTF8.self))))
                while i < line.endIndex, line[i] == 0x20 { i += 1 }
                if i < line.endIndex, line[i] == UInt8(ascii: ",") { i += 1 }
            }
        }
        // The rest: value [timestamp] [# exemplar].
        var rest = line[i...]
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) { rest = rest[..<hash] }
        let parts = rest.split(separator: 0x20, omittingEmptySubsequences: true)
        guard let valueText = parts.first, parts.count <= 2 else {
            throw fail("expected a value and an optional timestamp")
        }
        guard let value = Self.double(valueText) else {
            throw fail("'\(String(decoding: valueText, as: UTF8.self))' is not a number")
        }
        var timestamp = scrapedAt
        if parts.count == 2 {
            let text = String(decoding: parts[1], as: UTF8.self)
            if openMetrics {
                guard let seconds = Double(text), seconds.isFinite, abs(seconds) < 1e12 else {
                    throw fail("bad timestamp")
                }
                timestamp = Int64((seconds * 1000).rounded())
            } else {
                guard let ms = Int64(text) else { throw fail("bad timestamp") }
                timestamp = ms
            }
        }
        return Metric(name: name, timestamp: timestamp, fields: ["value": Value.double(value)], tags: ValueMap(tags))
    }

    static func isNameByte(_ c: UInt8, first: Bool) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_") || c == UInt8(ascii: ":")
            || (!first && c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    static func double(_ text: ArraySlice<UInt8>) -> Double? {
        let s = String(decoding: text, as: UTF8.self)
        switch s {
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default: return Double(s)
        }
    }
}
