/// A pull parser over UTF-8 bytes, valid only inside ``parse(_:_:)``: the project's own JSON reader, used on every hot path.
///
/// It never builds an intermediate tree unless asked (``readValue()``); typed decoders walk objects with
/// ``readObject(_:)`` and pull exactly the values they need.
public struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    /// The current byte offset.
    public internal(set) var offset: Int

    /// A scanner over `bytes`; it must not outlive them (use ``parse(_:_:)``).
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.offset = 0
    }

    /// Runs `body` with a scanner over `bytes`, then checks that nothing but white space follows.
    public static func parse<T, C: Collection<UInt8>>(
        _ bytes: C,
        _ body: (inout JSONScanner) throws(JSONError) -> T
    ) throws(JSONError) -> T {
        let result: Result<T, JSONError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Self.run(buffer, body)
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer in Self.run(buffer, body) }.get()
    }

    /// Runs `body` once per top-level value of a sequence of JSON values separated by white space (or none),
    /// as in ndjson or Fluent Bit's `json_stream`. Stops at the first error.
    public static func parseSequence<C: Collection<UInt8>>(
        _ bytes: C,
        _ body: (inout JSONScanner) throws(JSONError) -> Void
    ) throws(JSONError) {
        try Self.parse(bytes) { (s) throws(JSONError) in
            while s.peek() != nil { try body(&s) }
        }
    }

    /// The bytes of the value at the scanner's position, which is skipped.
    public mutating func rawValue() throws(JSONError) -> UnsafeBufferPointer<UInt8> {
        _ = self.peek()
        let start = self.offset
        try self.skipValue()
        return UnsafeBufferPointer(rebasing: self.bytes[start..<self.offset])
    }

    private static func run<T>(
        _ buffer: UnsafeBufferPointer<UInt8>,
        _ body: (inout JSONScanner) throws(JSONError) -> T
    ) -> Result<T, JSONError> {
        var scanner = JSONScanner(buffer)
        do throws(JSONError) {
            let value = try body(&scanner)
            try scanner.expectEnd()
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    /// An error at the current offset.
    public func error(_ message: String) -> JSONError { JSONError(offset: self.offset, message: message) }

    mutating func skipWhitespace() {
        while self.offset < self.bytes.count {
            switch self.bytes[self.offset] {
            case 0x20, 0x0A, 0x0D, 0x09: self.offset += 1
            default: return
            }
        }
    }

    /// The next non-space byte without consuming it, or `nil` at the end.
    public mutating func peek() -> UInt8? {
        self.skipWhitespace()
        return self.offset < self.bytes.count ? self.bytes[self.offset] : nil
    }

    /// Throws unless only white space is left.
    public mutating func expectEnd() throws(JSONError) {
        if self.peek() != nil { throw self.error("unexpected data after the JSON value") }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONError) {
        guard self.peek() == byte else {
            throw self.error(self.offset < self.bytes.count ? "expected \(what)" : "unexpected end of input, expected \(what)")
        }
        self.offset += 1
    }

    /// Reads an object, calling `body` for each key with the scanner positioned at its value,
    /// which `body` must consume (``skipValue()`` if it is not wanted).
    public mutating func readObject(_ body: (inout JSONScanner, String) throws(JSONError) -> Void) throws(JSONError) {
        try self.expect(UInt8(ascii: "{"), "'{'")
        if self.peek() == UInt8(ascii: "}") {
            self.offset += 1
            return
        }
        while true {
            guard self.peek() == UInt8(ascii: "\"") else { throw self.error("expected a string key") }
            let key = try self.readString()
            try self.expect(UInt8(ascii: ":"), "':'")
            try body(&self, key)
            switch self.peek() {
            case UInt8(ascii: ","): self.offset += 1
            case UInt8(ascii: "}"): self.offset += 1; return
            case nil: throw self.error("unexpected end of input in object")
            default: throw self.error("expected ',' or '}'")
            }
        }
    }

    /// Reads an array, calling `body` once per element with the scanner positioned at it.
    public mutating func readArray(_ body: (inout JSONScanner) throws(JSONError) -> Void) throws(JSONError) {
        try self.expect(UInt8(ascii: "["), "'['")
        if self.peek() == UInt8(ascii: "]") {
            self.offset += 1
            return
        }
        while true {
            try body(&self)
            switch self.peek() {
            case UInt8(ascii: ","): self.offset += 1
            case UInt8(ascii: "]"): self.offset += 1; return
            case nil: throw self.error("unexpected end of input in array")
            default: throw self.error("expected ',' or ']'")
            }
        }
    }

    /// Reads any value into a ``Value`` tree.
    public mutating func readValue() throws(JSONError) -> Value {
        guard let byte = self.peek() else { throw self.error("unexpected end of input, expected a value") }
        switch byte {
        case UInt8(ascii: "{"):
            var entries: [ValueMap.Entry] = []
            try self.readObject { (s, key) throws(JSONError) in entries.append(.init(key: key, value: try s.readValue())) }
            return .object(ValueMap(entries))
        case UInt8(ascii: "["):
            var items: [Value] = []
            try self.readArray { (s) throws(JSONError) in items.append(try s.readValue()) }
            return .array(items)
        case UInt8(ascii: "\""):
            return .string(try self.readString())
        case UInt8(ascii: "t"):
            try self.literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try self.literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try self.literal("null")
            return .null
        default:
            return try self.readNumber()
        }
    }

    /// Consumes one value of any kind without building it.
    public mutating func skipValue() throws(JSONError) {
        _ = try self.readValue()
    }

    private mutating func literal(_ word: StaticString) throws(JSONError) {
        let n = word.utf8CodeUnitCount
        guard self.offset + n <= self.bytes.count else { throw self.error("unexpected end of input") }
        let p = word.utf8Start
        for i in 0..<n where self.bytes[self.offset + i] != p[i] {
            throw self.error("invalid literal")
        }
        self.offset += n
    }

    /// Reads a number: an `.int` when it has no fraction or exponent and fits 64 bits, else a `.double`.
    public mutating func readNumber() throws(JSONError) -> Value {
        self.skipWhitespace()
        let start = self.offset
        var negative = false
        if self.offset < self.bytes.count, self.bytes[self.offset] == UInt8(ascii: "-") {
            negative = true
            self.offset += 1
        }
        var magnitude: UInt64 = 0
        var digits = 0
        var overflow = false
        while self.offset < self.bytes.count {
            let d = self.bytes[self.offset] &- 0x30
            guard d < 10 else { break }
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(d))
            overflow = overflow || o1 || o2
            magnitude = m2
            digits += 1
            self.offset += 1
        }
        guard digits > 0 else {
            self.offset = start
            throw self.error("expected a value")
        }
        var isInteger = true
        if self.offset < self.bytes.count, self.bytes[self.offset] == UInt8(ascii: ".") {
            isInteger = false
            self.offset += 1
            let fracStart = self.offset
            while self.offset < self.bytes.count, self.bytes[self.offset] &- 0x30 < 10 { self.offset += 1 }
            if self.offset == fracStart { throw self.error("expected digits after '.'") }
        }
        if self.offset < self.bytes.count, self.bytes[self.offset] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            self.offset += 1
            if self.offset < self.bytes.count, self.bytes[self.offset] == UInt8(ascii: "+") || self.bytes[self.offset] == UInt8(ascii: "-") {
                self.offset += 1
            }
            let expStart = self.offset
            while self.offset < self.bytes.count, self.bytes[self.offset] &- 0x30 < 10 { self.offset += 1 }
            if self.offset == expStart { throw self.error("expected digits in exponent") }
        }
        if isInteger && !overflow {
            if negative {
                if magnitude <= UInt64(Int64.max) + 1 { return .int(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)) }
            } else if magnitude <= UInt64(Int64.max) {
                return .int(Int64(magnitude))
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<self.offset]), as: UTF8.self)
        guard let d = Double(text) else { throw JSONError(offset: start, message: "invalid number") }
        return .double(d)
    }

    /// Reads a string, decoding escapes.
    public mutating func readString() throws(JSONError) -> String {
        try self.expect(UInt8(ascii: "\""), "a string")
        let start = self.offset
        // Fast path: no escapes.
        while self.offset < self.bytes.count {
            let b = self.bytes[self.offset]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<self.offset]), as: UTF8.self)
                self.offset += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw self.error("control character in string") }
            self.offset += 1
        }
        var out = Array(UnsafeBufferPointer(rebasing: self.bytes[start..<self.offset]))
        while self.offset < self.bytes.count {
            let b = self.bytes[self.offset]
            self.offset += 1
            switch b {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard self.offset < self.bytes.count else { break }
                let e = self.bytes[self.offset]
                self.offset += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try self.hex4()
                    if (0xD800..<0xDC00).contains(scalar), self.offset + 1 < self.bytes.count,
                        self.bytes[self.offset] == UInt8(ascii: "\\"), self.bytes[self.offset + 1] == UInt8(ascii: "u")
                    {
                        self.offset += 2
                        let low = try self.hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw self.error("invalid surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    out.append(contentsOf: String(Character(u)).utf8)
                default:
                    self.offset -= 1
                    throw self.error("invalid escape")
                }
            default:
                if b < 0x20 {
                    self.offset -= 1
                    throw self.error("control character in string")
                }
                out.append(b)
            }
        }
        throw self.error("unterminated string")
    }

    private mutating func hex4() throws(JSONError) -> UInt32 {
        guard self.offset + 4 <= self.bytes.count else { throw self.error("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = self.bytes[self.offset]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw self.error("invalid hex digit in \\u escape")
            }
            v = v << 4 | UInt32(d)
            self.offset += 1
        }
        return v
    }

    /// Reads a map of values (a JSON object) into a ``ValueMap``.
    public mutating func readValueMap() throws(JSONError) -> ValueMap {
        var entries: [ValueMap.Entry] = []
        try self.readObject { (s, key) throws(JSONError) in entries.append(.init(key: key, value: try s.readValue())) }
        return ValueMap(entries)
    }

    /// Reads an integer (a JSON number with an exact 64-bit integer value).
    public mutating func readInt64() throws(JSONError) -> Int64 {
        let at = self.offset
        guard let i = try self.readNumber().intValue else { throw JSONError(offset: at, message: "expected an integer") }
        return i
    }

    /// Reads any value and flattens it into `entries` under `prefix`: nested keys joined with `.`,
    /// array items as `key[i]` — the original Kaiju's log flattening.
    public mutating func readFlattened(prefix: String, into entries: inout [ValueMap.Entry]) throws(JSONError) {
        switch self.peek() {
        case UInt8(ascii: "{"):
            try self.readObject { (s, key) throws(JSONError) in
                try s.readFlattened(prefix: prefix.isEmpty ? key : prefix + "." + key, into: &entries)
            }
        case UInt8(ascii: "["):
            var i = 0
            try self.readArray { (s) throws(JSONError) in
                try s.readFlattened(prefix: prefix + "[\(i)]", into: &entries)
                i += 1
            }
        default:
            entries.append(.init(key: prefix, value: try self.readValue()))
        }
    }
}
