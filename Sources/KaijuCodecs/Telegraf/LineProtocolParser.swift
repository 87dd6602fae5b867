public import KaijuCore

/// Parses the InfluxDB line protocol as Telegraf writes it (and as InfluxDB accepts it) into ``Metric``s.
///
/// `measurement[,tag=v…] field=v[,…] [ns-timestamp]`: floats (`3`, `1e3`, `.5`), integers `42i`, unsigned
/// `42u`, booleans (`t`, `True`, `FALSE`…), strings in double quotes (which may hold raw newlines).
/// Blank and `#` lines are skipped; a line without a timestamp gets the receive time.
public struct LineProtocolParser {
    /// What one call to ``next()`` found.
    public enum Step {
        /// A metric, and the line is consumed.
        case metric(Metric)
        /// A blank or comment line was consumed.
        case skipped
        /// The input ends inside a line (wait for more bytes, or it is truncated).
        case incomplete
        /// A bad line was consumed; the error says why and where.
        case failed(IngestError)
    }

    let bytes: UnsafeRawBufferPointer
    /// Where the next line starts.
    public private(set) var offset: Int
    let receivedAt: Int64
    /// Whether the bytes end at a line end even without a final newline (a complete HTTP body).
    let complete: Bool
    /// The unit of timestamps (`precision` of the InfluxDB write API; ns by default).
    let precision: TimestampUnits

    /// A parser over `bytes`; `complete` says whether the last line may be cut, `precision` is the timestamps' unit and `receivedAt` the time for lines without one.
    public init(
        _ bytes: UnsafeRawBufferPointer,
        receivedAt: Int64,
        complete: Bool,
        offset: Int = 0,
        precision: TimestampUnits = .ns
    ) {
        self.bytes = bytes
        self.receivedAt = receivedAt
        self.complete = complete
        self.offset = offset
        self.precision = precision
    }

    /// Whether every line was consumed.
    public var isAtEnd: Bool { self.offset >= self.bytes.count }

    /// Parses every line of a complete body; bad lines are reported and skipped.
    public static func parseAll(
        _ bytes: UnsafeRawBufferPointer,
        receivedAt: Int64,
        precision: TimestampUnits = .ns,
        into metrics: inout [Metric],
        errors: inout [IngestError]
    ) {
        var p = LineProtocolParser(bytes, receivedAt: receivedAt, complete: true, precision: precision)
        while !p.isAtEnd {
            switch p.next() {
            case .metric(let m): metrics.append(m)
            case .skipped: continue
            case .failed(let e): errors.append(e)
            case .incomplete: return
            }
        }
    }

    /// Parses the line at ``offset``.
    public mutating func next() -> Step {
        let start = self.offset
        var cursor = Cursor(bytes: self.bytes, at: start)
        do throws(LineError) {
            cursor.skipSpaces()
            if cursor.atEnd {
                if !self.complete { return .incomplete }
                self.offset = cursor.at
                return .skipped
            }
            if cursor.peek == UInt8(ascii: "\n") || cursor.peek == UInt8(ascii: "\r")
                || cursor.peek == UInt8(ascii: "#")
            {
                guard let end = cursor.lineEnd() else {
                    if !self.complete { return .incomplete }
                    self.offset = self.bytes.count
                    return .skipped
                }
                self.offset = end
                return .skipped
            }
            let metric = try self.parseLine(&cursor)
            self.offset = cursor.at
            return .metric(metric)
        } catch {
            // Without the rest of the line an error at the end of the bytes may just be a cut.
            if !self.complete && (error.incomplete || cursor.atEnd) { return .incomplete }
            // Resynchronise at the next newline.
            var skip = Cursor(bytes: self.bytes, at: start)
            self.offset = skip.lineEnd() ?? self.bytes.count
            let column = error.at - start + 1
            return .failed(.lineProtocol(at: error.at, column: column, error.message))
        }
    }

    private func parseLine(_ c: inout Cursor) throws(LineError) -> Metric {
        let name = try c.token(stops: .measurement)
        guard !name.isEmpty else { throw c.fail("missing measurement") }
        var tags: [ValueMap.Entry] = []
        while c.peek == UInt8(ascii: ",") {
            c.at += 1
            let key = try c.token(stops: .key)
            guard c.peek == UInt8(ascii: "=") else { throw c.fail("expected '=' after tag key") }
            c.at += 1
            let value = try c.token(stops: .tagValue)
            guard !key.isEmpty, !value.isEmpty else { throw c.fail("empty tag key or value") }
            tags.append(.init(key: key, value: .string(value)))
        }
        guard c.peek == UInt8(ascii: " ") else {
            throw c.fail(
                c.atEnd || c.peek == UInt8(ascii: "\n") || c.peek == UInt8(ascii: "\r")
                    ? "missing fields" : "expected a space before the fields"
            )
        }
        c.skipSpaces()
        var fields: [ValueMap.Entry] = []
        repeat {
            if !fields.isEmpty { c.at += 1 }
            let key = try c.token(stops: .key)
            guard !key.isEmpty, c.peek == UInt8(ascii: "=") else { throw c.fail("expected field=value") }
            c.at += 1
            fields.append(.init(key: key, value: try c.fieldValue()))
        } while c.peek == UInt8(ascii: ",")
        var timestamp = self.receivedAt
        if c.peek == UInt8(ascii: " ") {
            c.skipSpaces()
            if let raw = try c.integer() { timestamp = self.precision.milliseconds(raw) }
        }
        c.skipSpaces()
        if c.peek == UInt8(ascii: "\r") { c.at += 1 }
        if c.atEnd {
            if !self.complete { throw LineError(at: c.at, message: "incomplete line", incomplete: true) }
        } else if c.peek == UInt8(ascii: "\n") {
            c.at += 1
        } else {
            throw c.fail("unexpected '\(Character(Unicode.Scalar(c.peek!)))' after the fields")
        }
        return Metric(name: name, timestamp: timestamp, fields: ValueMap(fields), tags: ValueMap(tags))
    }
}

struct LineError: Error {
    var at: Int
    var message: String
    var incomplete = false
}

/// A position in line-protocol bytes.
struct Cursor {
    enum Stops { case measurement, key, tagValue }

    let bytes: UnsafeRawBufferPointer
    var at: Int

    var atEnd: Bool { self.at >= self.bytes.count }
    var peek: UInt8? { self.at < self.bytes.count ? self.bytes[self.at] : nil }

    func fail(_ message: String) -> LineError {
        LineError(at: self.at, message: message, incomplete: self.atEnd)
    }

    mutating func skipSpaces() {
        while let b = self.peek, b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { self.at += 1 }
    }

    /// The offset after the next newline, if there is one.
    mutating func lineEnd() -> Int? {
        while let b = self.peek {
            self.at += 1
            if b == UInt8(ascii: "\n") { return self.at }
        }
        return nil
    }

    /// A name or tag value up to an unescaped stop character; `\` escapes the stop characters.
    mutating func token(stops: Stops) throws(LineError) -> String {
        let start = self.at
        var escaped = false
        while let b = self.peek {
            if b == UInt8(ascii: "\\"), self.at + 1 < self.bytes.count, Self.isEscapable(self.bytes[self.at + 1], stops)
            {
                escaped = true
                self.at += 2
                continue
            }
            if b == UInt8(ascii: " ") || b == UInt8(ascii: ",") || b == UInt8(ascii: "\n") { break }
            if b == UInt8(ascii: "="), stops != .measurement { break }
            self.at += 1
        }
        let raw = UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.at])
        guard escaped else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            if raw[i] == UInt8(ascii: "\\"), i + 1 < raw.count, Self.isEscapable(raw[i + 1], stops) { i += 1 }
            out.append(raw[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isEscapable(_ b: UInt8, _ stops: Stops) -> Bool {
        b == UInt8(ascii: ",") || b == UInt8(ascii: " ") || b == UInt8(ascii: "\\")
            || (stops != .measurement && b == UInt8(ascii: "="))
    }

    /// A field value: quoted string, integer (`i`), unsigned (`u`), bool, or float.
    mutating func fieldValue() throws(LineError) -> Value {
        if self.peek == UInt8(ascii: "\"") { return .string(try self.quoted()) }
        let start = self.at
        while let b = self.peek, b != UInt8(ascii: ","), b != UInt8(ascii: " "), b != UInt8(ascii: "\n"),
            b != UInt8(ascii: "\r")
        { self.at += 1 }
        let raw = UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.at])
        guard let last = raw.last else { throw self.fail("missing field value") }
        let text = String(decoding: raw, as: UTF8.self)
        switch last {
        case UInt8(ascii: "i"):
            guard let i = Int64(text.dropLast()) else {
                throw LineError(at: start, message: "invalid integer '\(text)'")
            }
            return .int(i)
        case UInt8(ascii: "u"):
            guard let u = UInt64(text.dropLast()) else {
                throw LineError(at: start, message: "invalid unsigned '\(text)'")
            }
            return u <= UInt64(Int64.max) ? .int(Int64(u)) : .double(Double(u))
        default:
            switch text {
            case "t", "T", "true", "True", "TRUE": return .bool(true)
            case "f", "F", "false", "False", "FALSE": return .bool(false)
            default:
                guard Self.isFloatSyntax(raw), let d = Double(text), d.isFinite else {
                    throw LineError(at: start, message: "invalid field value '\(text)'")
                }
                return .double(d)
            }
        }
    }

    /// Digits with an optional sign, fraction and exponent (no `nan`, `inf` or hex, which Double(String) takes).
    static func isFloatSyntax(_ raw: UnsafeRawBufferPointer) -> Bool {
        var digits = 0
        for (i, b) in raw.enumerated() {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                if i != 0, raw[i - 1] | 0x20 != UInt8(ascii: "e") { return false }
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): continue
            default: return false
            }
        }
        return digits > 0
    }

    /// A double-quoted string; `\"` and `\\` unescape, anything else (raw newlines too) is literal.
    mutating func quoted() throws(LineError) -> String {
        let open = self.at
        self.at += 1
        var out: [UInt8] = []
        while let b = self.peek {
            if b == UInt8(ascii: "\\"), self.at + 1 < self.bytes.count,
                self.bytes[self.at + 1] == UInt8(ascii: "\"") || self.bytes[self.at + 1] == UInt8(ascii: "\\")
            {
                out.append(self.bytes[self.at + 1])
                self.at += 2
                continue
            }
            self.at += 1
            if b == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            out.append(b)
        }
        throw LineError(at: open, message: "unterminated string", incomplete: true)
    }

    /// An optional signed integer (the timestamp).
    mutating func integer() throws(LineError) -> Int64? {
        let start = self.at
        if self.peek == UInt8(ascii: "-") { self.at += 1 }
        while let b = self.peek, b &- 0x30 < 10 { self.at += 1 }
        if self.at == start { return nil }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.at]), as: UTF8.self)
        guard let v = Int64(text) else { throw LineError(at: start, message: "invalid timestamp '\(text)'") }
        return v
    }
}
