import Foundation

/// A pull parser over UTF-8 bytes, valid only inside ``parse(_:_:)``: the project's own JSON reader, used on every hot path.
///
/// It never builds an intermediate tree unless asked (``readValue()``); typed decoders walk objects with
/// ``readObject(_:)`` and pull exactly the values they need.
@_spi(Codecs) public struct JSONScanner {
    @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
    /// The current byte offset.
    public internal(set) var offset: Int
    /// Builds short strings once for repeated bytes, if set.
    @usableFromInline var interner: StringInterner?
    /// Objects and arrays open at the scanner's position.
    @usableFromInline var depth = 0
    /// The deepest nesting of objects and arrays accepted; deeper input is an error at the offending byte.
    public let maxDepth: Int

    /// The nesting accepted when a caller names no limit.
    public static let defaultMaxDepth = 128

    /// A scanner over `bytes`; it must not outlive them (use ``parse(_:_:)``).
    @usableFromInline init(
        _ bytes: UnsafeBufferPointer<UInt8>,
        interner: StringInterner? = nil,
        maxDepth: Int = Self.defaultMaxDepth
    ) {
        self.bytes = bytes
        self.offset = 0
        self.interner = interner
        self.maxDepth = maxDepth
    }

    /// Runs `body` with a scanner over `bytes`, then checks that nothing but white space follows.
    /// An `interner` builds repeated short strings once; objects and arrays nested deeper than
    /// `maxDepth` are an error.
    @inlinable
    public static func parse<T, C: Collection<UInt8>>(
        _ bytes: C,
        interner: StringInterner? = nil,
        maxDepth: Int = Self.defaultMaxDepth,
        _ body: (inout JSONScanner) throws(JSONError) -> T
    ) throws(JSONError) -> T {
        let result: Result<T, JSONError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Self.run(buffer, interner, maxDepth, body)
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer in Self.run(buffer, interner, maxDepth, body) }.get()
    }

    /// Runs `body` once per top-level value of a sequence of JSON values separated by white space (or none),
    /// as in ndjson or Fluent Bit's `json_stream`. Stops at the first error.
    public static func parseSequence<C: Collection<UInt8>>(
        _ bytes: C,
        interner: StringInterner? = nil,
        maxDepth: Int = Self.defaultMaxDepth,
        _ body: (inout JSONScanner) throws(JSONError) -> Void
    ) throws(JSONError) {
        try Self.parse(bytes, interner: interner, maxDepth: maxDepth) { (s) throws(JSONError) in
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

    @inlinable
    static func run<T>(
        _ buffer: UnsafeBufferPointer<UInt8>,
        _ interner: StringInterner?,
        _ maxDepth: Int,
        _ body: (inout JSONScanner) throws(JSONError) -> T
    ) -> Result<T, JSONError> {
        var scanner = JSONScanner(buffer, interner: interner, maxDepth: maxDepth)
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

    @inline(__always)
    mutating func skipWhitespace() {
        while self.offset < self.bytes.count {
            switch self.bytes[self.offset] {
            case 0x20, 0x0A, 0x0D, 0x09: self.offset += 1
            default: return
            }
        }
    }

    /// The next non-space byte without consuming it, or `nil` at the end.
    @inline(__always)
    public mutating func peek() -> UInt8? {
        self.skipWhitespace()
        return self.offset < self.bytes.count ? self.bytes[self.offset] : nil
    }

    /// Throws unless only white space is left.
    public mutating func expectEnd() throws(JSONError) {
        if self.peek() != nil { throw self.error("unexpected data after the JSON value") }
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: StaticString) throws(JSONError) {
        guard self.peek() == byte else {
            throw self.error(
                self.offset < self.bytes.count ? "expected \(what)" : "unexpected end of input, expected \(what)"
            )
        }
        self.offset += 1
    }

    /// Reads an object, calling `body` for each key with the scanner positioned at its value,
    /// which `body` must consume (``skipValue()`` if it is not wanted).
    public mutating func readObject(_ body: (inout JSONScanner, String) throws(JSONError) -> Void) throws(JSONError) {
        guard try self.beginObject() else { return }
        repeat {
            let key = try self.memberKey()
            try body(&self, key)
        } while try self.endOfMember()
    }

    /// Past an object's `{`: `false` (and past the `}`) when it is empty.
    @inline(__always)
    mutating func beginObject() throws(JSONError) -> Bool {
        try self.expect(UInt8(ascii: "{"), "'{'")
        guard self.peek() == UInt8(ascii: "}") else {
            try self.enterContainer()
            return true
        }
        self.offset += 1
        return false
    }

    /// Counts one more open object or array (its opening byte just read), refusing nesting beyond ``maxDepth``.
    @inline(__always)
    mutating func enterContainer() throws(JSONError) {
        guard self.depth < self.maxDepth else { throw self.depthExceeded() }
        self.depth += 1
    }

    /// The error for a container opened past ``maxDepth`` (kept out of line, off the hot path).
    @inline(never)
    func depthExceeded() -> JSONError {
        JSONError(offset: self.offset - 1, message: "nested deeper than \(self.maxDepth)", limit: "depth")
    }

    /// A member's key and its `:`.
    @inline(__always)
    mutating func memberKey() throws(JSONError) -> String {
        guard self.peek() == UInt8(ascii: "\"") else { throw self.error("expected a string key") }
        let key = try self.readString()
        try self.expect(UInt8(ascii: ":"), "':'")
        return key
    }

    /// A member's key as raw bytes (escapes not decoded) and its `:`.
    @inline(__always)
    mutating func memberRawKey() throws(JSONError) -> UnsafeBufferPointer<UInt8> {
        guard self.peek() == UInt8(ascii: "\"") else { throw self.error("expected a string key") }
        let keyStart = self.offset + 1
        try self.skipString()
        let key = UnsafeBufferPointer(rebasing: self.bytes[keyStart..<(self.offset - 1)])
        try self.expect(UInt8(ascii: ":"), "':'")
        return key
    }

    /// Reads an array, calling `body` once per element with the scanner positioned at it.
    public mutating func readArray(_ body: (inout JSONScanner) throws(JSONError) -> Void) throws(JSONError) {
        try self.expect(UInt8(ascii: "["), "'['")
        if self.peek() == UInt8(ascii: "]") {
            self.offset += 1
            return
        }
        try self.enterContainer()
        while true {
            try body(&self)
            switch self.peek() {
            case UInt8(ascii: ","): self.offset += 1
            case UInt8(ascii: "]"):
                self.offset += 1
                self.depth -= 1
                return
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
            try self.readObject { (s, key) throws(JSONError) in
                entries.append(.init(key: key, value: try s.readValue()))
            }
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
        switch self.peek() {
        case UInt8(ascii: "{"): try self.readObjectRawKeys { (s, _) throws(JSONError) in try s.skipValue() }
        case UInt8(ascii: "["): try self.readArray { (s) throws(JSONError) in try s.skipValue() }
        case UInt8(ascii: "\""): try self.skipString()
        default: _ = try self.readValue()
        }
    }

    /// Steps over a string without decoding it.
    mutating func skipString() throws(JSONError) {
        try self.expect(UInt8(ascii: "\""), "a string")
        guard let base = self.bytes.baseAddress else { throw self.error("unterminated string") }
        let end = base + self.bytes.count
        var p = base + self.offset
        while true {
            p = Self.firstSpecialByte(from: p, to: end)
            guard p < end else {
                self.offset = self.bytes.count
                throw self.error("unterminated string")
            }
            switch p.pointee {
            case UInt8(ascii: "\""):
                self.offset = p - base + 1
                return
            case UInt8(ascii: "\\"):
                p += min(2, end - p)
            default:
                self.offset = p - base
                throw self.error("control character in string")
            }
        }
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
        let end = self.bytes.count
        var i = start
        let negative = i < end && self.bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        // Digits accumulate into one mantissa (integer and fraction) while they fit exactly.
        var mantissa: UInt64 = 0
        var significant = 0
        var overflow = false
        let intStart = i
        while i < end, self.bytes[i] &- 0x30 < 10 {
            let digit = UInt64(self.bytes[i] &- 0x30)
            if significant < 19 {
                // Nineteen digits always fit 64 bits.
                mantissa = mantissa &* 10 &+ digit
            } else {
                let (m1, o1) = mantissa.multipliedReportingOverflow(by: 10)
                let (m2, o2) = m1.addingReportingOverflow(digit)
                overflow = overflow || o1 || o2
                mantissa = m2
            }
            significant += 1
            i += 1
        }
        guard i > intStart else {
            self.offset = start
            throw self.error("expected a value")
        }
        var isInteger = true
        var scale = 0
        if i < end, self.bytes[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            let fracStart = i
            while i < end, self.bytes[i] &- 0x30 < 10 {
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(self.bytes[i] &- 0x30)
                    scale -= 1
                }
                significant += 1
                i += 1
            }
            if i == fracStart {
                self.offset = i
                throw self.error("expected digits after '.'")
            }
        }
        if i < end, self.bytes[i] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            i += 1
            var expNegative = false
            if i < end, self.bytes[i] == UInt8(ascii: "+") || self.bytes[i] == UInt8(ascii: "-") {
                expNegative = self.bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            let expStart = i
            var exponent = 0
            while i < end, self.bytes[i] &- 0x30 < 10 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(self.bytes[i] &- 0x30) }
                i += 1
            }
            if i == expStart {
                self.offset = i
                throw self.error("expected digits in exponent")
            }
            scale += expNegative ? -exponent : exponent
        }
        self.offset = i
        if isInteger && !overflow {
            if negative {
                if mantissa <= UInt64(Int64.max) + 1 {
                    return .int(mantissa == UInt64(Int64.max) + 1 ? Int64.min : -Int64(mantissa))
                }
            } else if mantissa <= UInt64(Int64.max) {
                return .int(Int64(mantissa))
            }
        }
        // Clinger's fast path: at most 15 significant digits and a power of ten up to 22 are exactly rounded
        // with one multiplication or division; anything else goes through strtod.
        if !overflow, significant <= 15, scale >= -22, scale <= 22 {
            var d = Double(mantissa)
            d = scale < 0 ? d / Self.powerOfTen(-scale) : d * Self.powerOfTen(scale)
            return .double(negative ? -d : d)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<i]), as: UTF8.self)
        guard let d = Double(text) else { throw JSONError(offset: start, message: "invalid number") }
        return .double(d)
    }

    /// 10^n for 0 ≤ n ≤ 22, all exact doubles.
    @inline(__always)
    static func powerOfTen(_ n: Int) -> Double {
        switch n {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        case 15: return 1e15
        case 16: return 1e16
        case 17: return 1e17
        case 18: return 1e18
        case 19: return 1e19
        case 20: return 1e20
        case 21: return 1e21
        default: return 1e22
        }
    }

    /// Reads an object like ``readObject(_:)`` but hands each key as its raw bytes (escapes not decoded),
    /// so known keys can be matched without building a String.
    public mutating func readObjectRawKeys(
        _ body: (inout JSONScanner, UnsafeBufferPointer<UInt8>) throws(JSONError) -> Void
    ) throws(JSONError) {
        guard try self.beginObject() else { return }
        repeat {
            let key = try self.memberRawKey()
            try body(&self, key)
        } while try self.endOfMember()
    }

    /// Whether raw key bytes spell `name`.
    @inline(__always)
    public static func key(_ raw: UnsafeBufferPointer<UInt8>, is name: StaticString) -> Bool {
        guard raw.count == name.utf8CodeUnitCount else { return false }
        guard let base = raw.baseAddress else { return raw.isEmpty }
        return memcmp(base, name.utf8Start, raw.count) == 0
    }

    /// Reads a string, decoding escapes.
    public mutating func readString() throws(JSONError) -> String {
        try self.expect(UInt8(ascii: "\""), "a string")
        let start = self.offset
        // Fast path: no escapes; a tight pointer loop finds the closing quote.
        let count = self.bytes.count
        if let base = self.bytes.baseAddress {
            let end = base + count
            let p = Self.firstSpecialByte(from: base + start, to: end)
            if p < end, p.pointee == 0x22 {
                let raw = UnsafeBufferPointer(start: base + start, count: p - (base + start))
                self.offset = p - base + 1
                if let interner = self.interner { return interner.string(raw, readableEnd: end) }
                return String(decoding: raw, as: UTF8.self)
            }
            self.offset = p - base
        }
        return try self.readEscapedString(from: start)
    }

    /// The first `"`, `\\` or control character in `p..<end` (or `end`), eight bytes at a time:
    /// a word's special bytes are found with the classic has-zero-byte bit trick, whose lowest set
    /// bit is exact.
    @inline(__always)
    static func firstSpecialByte(from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>
    {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var p = start
        while end - p >= 8 {
            let v = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
            let quote = v ^ (ones &* 0x22)
            let backslash = v ^ (ones &* 0x5C)
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((v &- ones &* 0x20) & ~v)
            let hits = special & highs
            if hits != 0 { return p + hits.trailingZeroBitCount / 8 }
            p += 8
        }
        while p < end {
            let b = p.pointee
            if b < 0x20 || b == 0x22 || b == 0x5C { return p }
            p += 1
        }
        return end
    }

    /// The slow path of ``readString()``: decodes escapes from `start` (just after the opening quote).
    @inline(never)
    mutating func readEscapedString(from start: Int) throws(JSONError) -> String {
        if self.offset < self.bytes.count, self.bytes[self.offset] < 0x20 {
            throw self.error("control character in string")
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
        guard try self.beginObject() else { return ValueMap(entries) }
        entries.reserveCapacity(4)
        repeat {
            let key = try self.memberKey()
            // Strings and numbers, nearly every tag and field, without the general dispatch.
            let value: Value
            switch self.peek() ?? 0 {
            case UInt8(ascii: "\""): value = .string(try self.readString())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = try self.readNumber()
            default: value = try self.readValue()
            }
            entries.append(ValueMap.Entry(key: key, value: value))
        } while try self.endOfMember()
        return ValueMap(entries)
    }

    /// After an object member: `true` past a `,`, `false` past the closing `}`.
    @inline(__always)
    mutating func endOfMember() throws(JSONError) -> Bool {
        switch self.peek() {
        case UInt8(ascii: ","):
            self.offset += 1
            return true
        case UInt8(ascii: "}"):
            self.offset += 1
            self.depth -= 1
            return false
        case nil: throw self.error("unexpected end of input in object")
        default: throw self.error("expected ',' or '}'")
        }
    }

    /// Reads an integer (a JSON number with an exact 64-bit integer value).
    public mutating func readInt64() throws(JSONError) -> Int64 {
        let at = self.offset
        guard let i = try self.readNumber().intValue else {
            throw JSONError(offset: at, message: "expected an integer")
        }
        return i
    }

    /// Reads an object and flattens it into `entries`: nested keys joined with `.`, array items as
    /// `key[i]` — the original Kaiju's log flattening.
    ///
    /// The key being built lives in one buffer (a nesting level adds only its own key), and the keys
    /// produced may total at most `maxExpansion` times the bytes read so far (plus 1 KiB), so the work
    /// and memory stay linear in the record's size whatever its shape.
    /// - Complexity: O(*n*) in the bytes read.
    public mutating func readFlattened(into entries: inout [ValueMap.Entry], maxExpansion: Int = 16) throws(JSONError) {
        var flattener = KeyFlattener(start: self.offset, maxExpansion: maxExpansion)
        try self.readFlattened(&flattener, into: &entries)
    }

    private mutating func readFlattened(_ f: inout KeyFlattener, into entries: inout [ValueMap.Entry]) throws(JSONError)
    {
        switch self.peek() {
        case UInt8(ascii: "{"):
            try self.readObject { (s, key) throws(JSONError) in
                let mark = f.push(key: key)
                try s.readFlattened(&f, into: &entries)
                f.pop(to: mark)
            }
        case UInt8(ascii: "["):
            var i = 0
            try self.readArray { (s) throws(JSONError) in
                let mark = f.push(index: i)
                try s.readFlattened(&f, into: &entries)
                f.pop(to: mark)
                i += 1
            }
        default:
            let at = self.offset
            guard let key = f.leafKey(consumedTo: at) else {
                throw JSONError(
                    offset: at,
                    message: "flattened keys exceed \(f.maxExpansion) times the record's size",
                    limit: "flatten"
                )
            }
            entries.append(.init(key: key, value: try self.readValue()))
        }
    }
}
