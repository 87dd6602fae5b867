/// A fast hash of key values (pattern waits, groups, join indexes, held output rows), consistent
/// with ``Value``'s `==`: numbers hash alike across `int` and `double`, and strings that Swift
/// considers equal (canonically equivalent) hash alike.
///
/// ASCII strings — nearly every tag, name and key — are hashed eight bytes at a time with a
/// multiply–rotate mix instead of `Hasher`'s SipHash. A non-ASCII string whose only non-ASCII
/// characters canonically decompose to ASCII (KELVIN SIGN, GREEK QUESTION MARK, GREEK VARIA) is
/// hashed as that ASCII text; any other non-ASCII string cannot equal an ASCII one, so it is hashed
/// through `String`'s own (normalising) hash. A map is hashed by its values only (equal maps have
/// equal values; the keys of one stream's maps are nearly always the same, so hashing them adds cost,
/// not spread). The seed is random per process, as `Hasher`'s is.
struct KeyHasher {
    private static let seed = UInt64.random(in: .min ... .max)
    private var state: UInt64

    init() { self.state = Self.seed }

    /// The hash of `value`.
    static func hash(_ value: Value) -> Int {
        var h = KeyHasher()
        h.combine(value)
        return h.finalize()
    }

    /// The hash `hash(.array(values))` gives, without building the array.
    static func hash(ofArray values: [Value]) -> Int {
        var h = KeyHasher()
        h.combineArray(values)
        return h.finalize()
    }

    @inline(__always) private mutating func mix(_ word: UInt64) {
        self.state = (self.state ^ word) &* 0x9E37_79B9_7F4A_7C15
        self.state = (self.state << 31) | (self.state >> 33)
    }

    mutating func finalize() -> Int {
        var x = self.state
        x ^= x >> 33
        x = x &* 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x = x &* 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return Int(truncatingIfNeeded: x)
    }

    mutating func combine(_ value: Value) {
        switch value {
        case .null: self.mix(0x6E75_6C6C)
        case .bool(let b): self.mix(b ? 0x7472_7565 : 0x6661_6C73)
        case .int(let i): self.combineInt(i)
        case .double(let d):
            if let i = Int64(exactly: d) {
                self.combineInt(i)
            } else {
                self.mix(0x0D0B_1E00)
                self.mix(d.bitPattern)
            }
        case .string(let s): self.combine(s)
        case .array(let items): self.combineArray(items)
        case .object(let map):
            // Values only: equal maps have equal values, and maps of one stream share their keys.
            self.mix(0x0B1E_C700 | UInt64(truncatingIfNeeded: map.count))
            for e in map.entries { self.combine(e.value) }
        }
    }

    mutating func combineArray(_ items: [Value]) {
        self.mix(0xA88A_0000 | UInt64(truncatingIfNeeded: items.count))
        for v in items { self.combine(v) }
    }

    @inline(__always) private mutating func combineInt(_ i: Int64) {
        self.mix(0x1A7E_6E20)
        self.mix(UInt64(bitPattern: i))
    }

    mutating func combine(_ s: String) {
        let saved = self.state
        let ascii =
            s.utf8.withContiguousStorageIfAvailable { self.combineASCII(UnsafeRawBufferPointer($0)) }
            ?? Array(s.utf8).withUnsafeBytes { self.combineASCII($0) }
        if !ascii {
            self.state = saved
            self.combineNonASCII(s)
        }
    }

    /// Hashes `bytes` as an ASCII string; returns false if a byte is not ASCII (the caller then starts over).
    private mutating func combineASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        self.mix(0x5_7000_0000 | UInt64(bytes.count))
        var high: UInt64 = 0
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            high |= w
            self.mix(w)
            i += 8
        }
        if i < n {
            // The last 1–7 bytes, little-endian in one word, zero above (one copy, not a loop per byte).
            var w: UInt64 = 0
            withUnsafeMutableBytes(of: &w) { word in
                word.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[i..<n]))
            }
            w = UInt64(littleEndian: w)
            high |= w
            self.mix(w)
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// A string with a non-ASCII byte: as the ASCII text it is canonically equal to, if any; else by `String`'s hash.
    private mutating func combineNonASCII(_ s: String) {
        var ascii: [UInt8] = []
        ascii.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0..<0x80: ascii.append(UInt8(scalar.value))
            case 0x212A: ascii.append(UInt8(ascii: "K"))  // KELVIN SIGN ≡ K
            case 0x037E: ascii.append(UInt8(ascii: ";"))  // GREEK QUESTION MARK ≡ ;
            case 0x1FEF: ascii.append(UInt8(ascii: "`"))  // GREEK VARIA ≡ `
            default:
                self.mix(0x0040_1C0D)
                self.mix(UInt64(bitPattern: Int64(s.hashValue)))
                return
            }
        }
        _ = ascii.withUnsafeBytes { self.combineASCII($0) }
    }
}
