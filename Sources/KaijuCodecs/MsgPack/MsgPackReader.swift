@_spi(Codecs) import KaijuCore

/// A msgpack pull reader over bytes it does not own (the project's own decoder).
///
/// Strings are never validated as UTF-8 (Fluentd puts raw binary in str32); they decode with
/// replacement characters when read as text. Nesting is capped by ``maxDepth``.
struct MsgPackReader {
    /// One msgpack item's header; `str`, `bin` and `ext` carry the byte range of their payload.
    enum Item: Equatable {
        case null
        case bool(Bool)
        case int(Int64)
        case uint(UInt64)
        case double(Double)
        case str(Range<Int>)
        case bin(Range<Int>)
        case array(Int)
        case map(Int)
        case ext(type: Int8, Range<Int>)
    }

    let bytes: UnsafeRawBufferPointer
    /// The offset of the next unread byte.
    var offset: Int
    /// The deepest nesting ``readValue(depth:)`` and ``readFlattenedMap(into:)`` accept.
    var maxDepth = 64
    /// How many flattened key bytes a record may produce per byte it takes (see ``KeyFlattener``).
    var maxFlattenExpansion = 16
    /// Builds repeated short strings (keys, values) once, if set.
    var interner: StringInterner?

    /// A reader of `bytes` starting at `offset`.
    /// - Parameters:
    ///   - bytes: The msgpack bytes.
    ///   - offset: Where reading starts.
    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.init(bytes, offset: offset, interner: nil)
    }

    init(_ bytes: UnsafeRawBufferPointer, offset: Int, interner: StringInterner?) {
        self.bytes = bytes
        self.offset = offset
        self.interner = interner
    }

    /// Whether every byte was read.
    var isAtEnd: Bool { self.offset >= self.bytes.count }

    func error(_ message: String) -> IngestError { .malformed("msgpack", at: self.offset, message) }

    @inline(__always)
    mutating func take(_ n: Int) throws(IngestError) -> Int {
        guard n >= 0, self.bytes.count - self.offset >= n else { throw self.error("truncated") }
        let at = self.offset
        self.offset += n
        return at
    }

    @inline(__always)
    mutating func bigEndian<T: FixedWidthInteger>(_: T.Type) throws(IngestError) -> T {
        let at = try self.take(MemoryLayout<T>.size)
        var v: T = 0
        for i in 0..<MemoryLayout<T>.size { v = (v << 8) | T(self.bytes[at + i]) }
        return v
    }

    private mutating func payload(_ n: Int) throws(IngestError) -> Range<Int> {
        let at = try self.take(n)
        return at..<(at + n)
    }

    /// Reads one item's header (and, for str/bin/ext, steps over its payload).
    mutating func readItem() throws(IngestError) -> Item {
        let b = self.bytes[try self.take(1)]
        switch b {
        case 0x00...0x7f: return .int(Int64(b))
        case 0x80...0x8f: return .map(Int(b & 0x0f))
        case 0x90...0x9f: return .array(Int(b & 0x0f))
        case 0xa0...0xbf: return .str(try self.payload(Int(b & 0x1f)))
        case 0xc0: return .null
        case 0xc2: return .bool(false)
        case 0xc3: return .bool(true)
        case 0xc4: return .bin(try self.payload(Int(try self.bigEndian(UInt8.self))))
        case 0xc5: return .bin(try self.payload(Int(try self.bigEndian(UInt16.self))))
        case 0xc6: return .bin(try self.payload(Int(try self.bigEndian(UInt32.self))))
        case 0xc7, 0xc8, 0xc9:
            let n: Int
            switch b {
            case 0xc7: n = Int(try self.bigEndian(UInt8.self))
            case 0xc8: n = Int(try self.bigEndian(UInt16.self))
            default: n = Int(try self.bigEndian(UInt32.self))
            }
            let type = Int8(bitPattern: try self.bigEndian(UInt8.self))
            return .ext(type: type, try self.payload(n))
        case 0xca: return .double(Double(Float(bitPattern: try self.bigEndian(UInt32.self))))
        case 0xcb: return .double(Double(bitPattern: try self.bigEndian(UInt64.self)))
        case 0xcc: return .int(Int64(try self.bigEndian(UInt8.self)))
        case 0xcd: return .int(Int64(try self.bigEndian(UInt16.self)))
        case 0xce: return .int(Int64(try self.bigEndian(UInt32.self)))
        case 0xcf:
            let u = try self.bigEndian(UInt64.self)
            return u <= UInt64(Int64.max) ? .int(Int64(u)) : .uint(u)
        case 0xd0: return .int(Int64(Int8(bitPattern: try self.bigEndian(UInt8.self))))
        case 0xd1: return .int(Int64(Int16(bitPattern: try self.bigEndian(UInt16.self))))
        case 0xd2: return .int(Int64(Int32(bitPattern: try self.bigEndian(UInt32.self))))
        case 0xd3: return .int(Int64(bitPattern: try self.bigEndian(UInt64.self)))
        case 0xd4...0xd8:
            let type = Int8(bitPattern: try self.bigEndian(UInt8.self))
            return .ext(type: type, try self.payload(1 << Int(b - 0xd4)))
        case 0xd9: return .str(try self.payload(Int(try self.bigEndian(UInt8.self))))
        case 0xda: return .str(try self.payload(Int(try self.bigEndian(UInt16.self))))
        case 0xdb: return .str(try self.payload(Int(try self.bigEndian(UInt32.self))))
        case 0xdc: return .array(Int(try self.bigEndian(UInt16.self)))
        case 0xdd: return .array(Int(try self.bigEndian(UInt32.self)))
        case 0xde: return .map(Int(try self.bigEndian(UInt16.self)))
        case 0xdf: return .map(Int(try self.bigEndian(UInt32.self)))
        case 0xe0...0xff: return .int(Int64(Int8(bitPattern: b)))
        default:
            self.offset -= 1
            throw self.error("invalid byte 0xc1")
        }
    }

    /// The text of a str or bin payload (invalid UTF-8 becomes U+FFFD).
    func text(_ range: Range<Int>) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: self.bytes[range])
        if let interner = self.interner { return interner.string(raw) }
        return String(decoding: raw, as: UTF8.self)
    }

    /// The raw bytes of a payload.
    func data(_ range: Range<Int>) -> [UInt8] { Array(self.bytes[range]) }

    /// Reads a str (or bin) as text.
    mutating func readString() throws(IngestError) -> String {
        switch try self.readItem() {
        case .str(let r), .bin(let r): return self.text(r)
        default: throw self.error("expected a string")
        }
    }

    /// Reads an array header.
    mutating func readArrayCount() throws(IngestError) -> Int {
        guard case .array(let n) = try self.readItem() else { throw self.error("expected an array") }
        return n
    }

    /// Reads a map header.
    mutating func readMapCount() throws(IngestError) -> Int {
        guard case .map(let n) = try self.readItem() else { throw self.error("expected a map") }
        return n
    }

    /// Steps over one complete value.
    mutating func skip() throws(IngestError) {
        var pending = 1
        while pending > 0 {
            pending -= 1
            switch try self.readItem() {
            case .array(let n): pending += n
            case .map(let n): pending += 2 * n
            default: continue
            }
            // Bounded by the bytes left: every element takes at least one byte.
            guard pending <= self.bytes.count - self.offset else { throw self.error("truncated") }
        }
    }

    /// Reads one value as a ``Value``: bin as text, EventTime (ext 0) as epoch seconds, other ext as hex text.
    mutating func readValue(depth: Int = 0) throws(IngestError) -> Value {
        guard depth < self.maxDepth else { throw self.depthError() }
        switch try self.readItem() {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .uint(let u): return .double(Double(u))
        case .double(let d): return .double(d)
        case .str(let r), .bin(let r): return .string(self.text(r))
        case .ext(let type, let r): return self.extValue(type: type, r)
        case .array(let n):
            try self.checkCount(n)
            var items: [Value] = []
            items.reserveCapacity(n)
            for _ in 0..<n { items.append(try self.readValue(depth: depth + 1)) }
            return .array(items)
        case .map(let n):
            try self.checkCount(2 * n)
            var entries: [ValueMap.Entry] = []
            entries.reserveCapacity(n)
            for _ in 0..<n {
                let key = try self.readKey()
                entries.append(.init(key: key, value: try self.readValue(depth: depth + 1)))
            }
            return .object(ValueMap(entries))
        }
    }

    /// Reads a map at the reader's position flattened as the original FLog did (`a.b`, `a[0]`); the
    /// keys produced stay within ``maxFlattenExpansion`` times the record's bytes (see ``KeyFlattener``).
    mutating func readFlattenedMap(into entries: inout [ValueMap.Entry]) throws(IngestError) {
        var flattener = KeyFlattener(start: self.offset, maxExpansion: self.maxFlattenExpansion)
        let n = try self.readMapCount()
        try self.checkCount(2 * n)
        entries.reserveCapacity(entries.count + n)
        for _ in 0..<n {
            let mark = try self.pushKey(&flattener)
            try self.readFlattened(&flattener, depth: 1, into: &entries)
            flattener.pop(to: mark)
        }
    }

    /// Reads the value at the reader's position under the flattener's key, flattening maps and arrays.
    private mutating func readFlattened(
        _ f: inout KeyFlattener,
        depth: Int,
        into entries: inout [ValueMap.Entry]
    ) throws(IngestError) {
        guard depth < self.maxDepth else { throw self.depthError() }
        let start = self.offset
        switch try self.readItem() {
        case .map(let n):
            try self.checkCount(2 * n)
            for _ in 0..<n {
                let mark = try self.pushKey(&f)
                try self.readFlattened(&f, depth: depth + 1, into: &entries)
                f.pop(to: mark)
            }
        case .array(let n):
            try self.checkCount(n)
            for i in 0..<n {
                let mark = f.push(index: i)
                try self.readFlattened(&f, depth: depth + 1, into: &entries)
                f.pop(to: mark)
            }
        default:
            self.offset = start
            guard let key = f.leafKey(consumedTo: start, interner: self.interner) else {
                throw .limitExceeded(
                    "flatten",
                    detail: "msgpack at byte \(start): flattened keys exceed \(f.maxExpansion) times the record's size"
                )
            }
            entries.append(.init(key: key, value: try self.readValue(depth: depth)))
        }
    }

    /// Appends a map key (a number as its decimal text) to the flattener; returns its mark.
    private mutating func pushKey(_ f: inout KeyFlattener) throws(IngestError) -> Int {
        switch try self.readItem() {
        case .str(let r), .bin(let r): return f.push(keyBytes: UnsafeRawBufferPointer(rebasing: self.bytes[r]))
        case .int(let i): return f.push(key: String(i))
        case .uint(let u): return f.push(key: String(u))
        default: throw self.error("map key is not a string")
        }
    }

    func depthError() -> IngestError {
        .limitExceeded("depth", detail: "msgpack at byte \(self.offset): nested deeper than \(self.maxDepth)")
    }

    /// A map key: str or bin as text, a number as its decimal text.
    mutating func readKey() throws(IngestError) -> String {
        switch try self.readItem() {
        case .str(let r), .bin(let r): return self.text(r)
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        default: throw self.error("map key is not a string")
        }
    }

    private func checkCount(_ n: Int) throws(IngestError) {
        guard n <= self.bytes.count - self.offset else { throw self.error("truncated: \(n) elements announced") }
    }

    private func extValue(type: Int8, _ r: Range<Int>) -> Value {
        if type == 0, let t = EventTime(self.bytes, r) {
            return .double(Double(t.seconds) + Double(t.nanoseconds) / 1e9)
        }
        return .string(self.bytes[r].lowercaseHex)
    }
}

/// Fluentd's EventTime: msgpack ext type 0 holding big-endian seconds and nanoseconds.
struct EventTime: Hashable, Sendable {
    var seconds: UInt32
    var nanoseconds: UInt32

    init(seconds: UInt32, nanoseconds: UInt32) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    init?(_ bytes: UnsafeRawBufferPointer, _ r: Range<Int>) {
        guard r.count == 8 else { return nil }
        var s: UInt32 = 0
        var n: UInt32 = 0
        for i in 0..<4 {
            s = (s << 8) | UInt32(bytes[r.lowerBound + i])
            n = (n << 8) | UInt32(bytes[r.lowerBound + 4 + i])
        }
        self.init(seconds: s, nanoseconds: n)
    }

    /// Milliseconds since the epoch.
    var milliseconds: Int64 { Int64(self.seconds) * 1000 + Int64(self.nanoseconds / 1_000_000) }
}
