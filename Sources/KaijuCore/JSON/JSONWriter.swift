/// Appends JSON text to a byte buffer: the project's own encoder.
///
/// Object keys of a ``ValueMap`` come out sorted (the map's order); non-finite doubles are written as the strings
/// `"Infinity"`, `"-Infinity"` and `"NaN"` (JSON has no literal for them; Jackson's quoted form).
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]

    /// An empty writer reserving `capacity` bytes.
    public init(capacity: Int = 256) {
        self.bytes = []
        self.bytes.reserveCapacity(capacity)
    }

    /// The bytes as a `String`.
    public var string: String { String(decoding: self.bytes, as: UTF8.self) }

    @inlinable mutating func raw(_ s: StaticString) {
        self.bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// Writes any value.
    public mutating func write(_ value: Value) {
        switch value {
        case .null: self.raw("null")
        case .bool(let b): b ? self.raw("true") : self.raw("false")
        case .int(let i): self.write(i)
        case .double(let d): self.write(d)
        case .string(let s): self.write(s)
        case .array(let a):
            self.bytes.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { self.bytes.append(UInt8(ascii: ",")) }
                self.write(v)
            }
            self.bytes.append(UInt8(ascii: "]"))
        case .object(let m): self.write(m)
        }
    }

    /// Writes a map as an object.
    public mutating func write(_ map: ValueMap) {
        self.bytes.append(UInt8(ascii: "{"))
        for (i, e) in map.entries.enumerated() {
            if i > 0 { self.bytes.append(UInt8(ascii: ",")) }
            self.write(e.key)
            self.bytes.append(UInt8(ascii: ":"))
            self.write(e.value)
        }
        self.bytes.append(UInt8(ascii: "}"))
    }

    /// Writes an integer.
    public mutating func write(_ i: Int64) {
        self.bytes.append(contentsOf: String(i).utf8)
    }

    /// Writes a double in its shortest round-tripping form; a quoted `Infinity`, `-Infinity` or `NaN` when not finite.
    public mutating func write(_ d: Double) {
        guard d.isFinite else {
            return d.isNaN ? self.raw("\"NaN\"") : d < 0 ? self.raw("\"-Infinity\"") : self.raw("\"Infinity\"")
        }
        self.bytes.append(contentsOf: d.description.utf8)
    }

    /// Writes a quoted, escaped string.
    public mutating func write(_ s: String) {
        self.bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): self.raw("\\\"")
            case UInt8(ascii: "\\"): self.raw("\\\\")
            case 0x0A: self.raw("\\n")
            case 0x0D: self.raw("\\r")
            case 0x09: self.raw("\\t")
            case 0..<0x20:
                self.raw("\\u00")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                self.bytes.append(hex[Int(b >> 4)])
                self.bytes.append(hex[Int(b & 0xF)])
            default: self.bytes.append(b)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }

    /// Writes `"key":`, preceded by a comma unless `first`.
    public mutating func key(_ key: String, first: Bool = false) {
        if !first { self.bytes.append(UInt8(ascii: ",")) }
        self.write(key)
        self.bytes.append(UInt8(ascii: ":"))
    }

    /// Writes an object whose members `body` writes with ``key(_:first:)``.
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        self.bytes.append(UInt8(ascii: "{"))
        body(&self)
        self.bytes.append(UInt8(ascii: "}"))
    }

    /// Writes an array whose elements `body` writes, separated by commas.
    public mutating func array<S: Sequence>(_ items: S, _ body: (inout JSONWriter, S.Element) -> Void) {
        self.bytes.append(UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { self.bytes.append(UInt8(ascii: ",")) }
            first = false
            body(&self, item)
        }
        self.bytes.append(UInt8(ascii: "]"))
    }
}
