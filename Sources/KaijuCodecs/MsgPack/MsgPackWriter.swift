public import KaijuCore

/// Writes the msgpack values Kaiju sends: Forward acks and handshake replies, and the Events it
/// forwards to kaiju-hl.
public struct MsgPackWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer.
    public init() {}

    /// Writes an array header for `n` elements (fixarray, array 16 or array 32).
    public mutating func writeArrayHeader(_ n: Int) {
        switch n {
        case ..<16: self.bytes.append(0x90 | UInt8(n))
        case ..<65536:
            self.bytes.append(0xdc)
            self.appendBE(UInt16(n))
        default:
            self.bytes.append(0xdd)
            self.appendBE(UInt32(truncatingIfNeeded: n))
        }
    }

    /// Writes a map header for `n` pairs (fixmap, map 16 or map 32).
    public mutating func writeMapHeader(_ n: Int) {
        switch n {
        case ..<16: self.bytes.append(0x80 | UInt8(n))
        case ..<65536:
            self.bytes.append(0xde)
            self.appendBE(UInt16(n))
        default:
            self.bytes.append(0xdf)
            self.appendBE(UInt32(truncatingIfNeeded: n))
        }
    }

    /// Writes a signed integer in the shortest form.
    public mutating func writeInt64(_ n: Int64) {
        switch n {
        case 0..<128: self.bytes.append(UInt8(n))
        case -32..<0: self.bytes.append(UInt8(bitPattern: Int8(n)))
        case 0...Int64(UInt32.max): self.writeInt(UInt32(n))
        default:
            self.bytes.append(0xd3)
            self.appendBE(UInt64(bitPattern: n))
        }
    }

    /// Writes a float64.
    public mutating func writeDouble(_ d: Double) {
        self.bytes.append(0xcb)
        self.appendBE(d.bitPattern)
    }

    /// Writes a ``Value``; nesting deeper than `maxDepth` is written as nil (no reader would take it).
    public mutating func writeValue(_ v: Value, maxDepth: Int = 64) {
        switch v {
        case .null: self.bytes.append(0xc0)
        case .bool(let b): self.writeBool(b)
        case .int(let i): self.writeInt64(i)
        case .double(let d): self.writeDouble(d)
        case .string(let s): self.writeString(s)
        case .array(let items):
            guard maxDepth > 0 else { return self.bytes.append(0xc0) }
            self.writeArrayHeader(items.count)
            for item in items { self.writeValue(item, maxDepth: maxDepth - 1) }
        case .object(let map):
            guard maxDepth > 0 else { return self.bytes.append(0xc0) }
            self.writeMap(map, maxDepth: maxDepth - 1)
        }
    }

    /// Writes a ``ValueMap`` as a map of its keys to their values.
    public mutating func writeMap(_ map: ValueMap, maxDepth: Int = 64) {
        self.writeMapHeader(map.count)
        for entry in map {
            self.writeString(entry.key)
            self.writeValue(entry.value, maxDepth: maxDepth)
        }
    }

    /// Writes a str with exactly these bytes (no UTF-8 check: an ack echoes the chunk byte for byte).
    public mutating func writeString<C: Collection<UInt8>>(bytes s: C) {
        let n = s.count
        switch n {
        case ..<32: self.bytes.append(0xa0 | UInt8(n))
        case ..<256:
            self.bytes.append(0xd9)
            self.bytes.append(UInt8(n))
        case ..<65536:
            self.bytes.append(0xda)
            self.appendBE(UInt16(n))
        default:
            self.bytes.append(0xdb)
            self.appendBE(UInt32(n))
        }
        self.bytes.append(contentsOf: s)
    }

    /// Writes `s` as a msgpack str.
    public mutating func writeString(_ s: String) { self.writeString(bytes: Array(s.utf8)) }

    /// Writes `b` as a msgpack bin.
    public mutating func writeBinary(_ b: [UInt8]) {
        switch b.count {
        case ..<256:
            self.bytes.append(0xc4)
            self.bytes.append(UInt8(b.count))
        case ..<65536:
            self.bytes.append(0xc5)
            self.appendBE(UInt16(b.count))
        default:
            self.bytes.append(0xc6)
            self.appendBE(UInt32(b.count))
        }
        self.bytes.append(contentsOf: b)
    }

    /// Writes a non-negative integer in the shortest form.
    public mutating func writeInt(_ n: UInt32) {
        switch n {
        case ..<128: self.bytes.append(UInt8(n))
        case ..<256:
            self.bytes.append(0xcc)
            self.bytes.append(UInt8(n))
        case ..<65536:
            self.bytes.append(0xcd)
            self.appendBE(UInt16(n))
        default:
            self.bytes.append(0xce)
            self.appendBE(n)
        }
    }

    /// Writes `true` or `false`.
    public mutating func writeBool(_ b: Bool) { self.bytes.append(b ? 0xc3 : 0xc2) }

    private mutating func appendBE<T: FixedWidthInteger>(_ v: T) {
        for i in stride(from: MemoryLayout<T>.size - 1, through: 0, by: -1) {
            self.bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i)))
        }
    }
}
