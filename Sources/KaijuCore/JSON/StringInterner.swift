/// Hands out the same `String` for the same short byte sequence, so the tag keys, tag values, field names
/// and flattened record keys that repeat in every event are validated and built once. A direct-mapped cache
/// of strings up to 32 bytes; a collision just replaces the slot. Not thread-safe: one per connection or request.
@_spi(Codecs) public final class StringInterner {
    /// A slot's bytes, kept apart from its string so a lookup compares plain words only.
    struct Key {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var w2: UInt64 = 0
        var w3: UInt64 = 0
        var count = -1
    }

    private let keys: UnsafeMutablePointer<Key>
    private let strings: UnsafeMutablePointer<String>
    private let size: Int
    /// `64 - log2(size)`: a hash's top bits select the slot.
    private let shift: UInt64
    /// Lookups that had to build their string (first sightings and collisions).
    public private(set) var misses = 0

    /// - Parameter capacity: slots, rounded up to a power of two.
    public init(capacity: Int = 4096) {
        var size = 1
        while size < capacity { size <<= 1 }
        self.size = size
        self.shift = UInt64(64 - size.trailingZeroBitCount)
        self.keys = .allocate(capacity: size)
        self.keys.initialize(repeating: Key(), count: size)
        self.strings = .allocate(capacity: size)
        self.strings.initialize(repeating: "", count: size)
    }

    deinit {
        self.keys.deinitialize(count: self.size)
        self.keys.deallocate()
        self.strings.deinitialize(count: self.size)
        self.strings.deallocate()
    }

    /// The string for these UTF-8 bytes (invalid sequences repaired, as `String(decoding:as:)` does).
    /// `readableEnd` is how far memory may be read past the bytes (a short string is then loaded in one go).
    @inline(__always)
    public func string(_ bytes: UnsafeBufferPointer<UInt8>, readableEnd: UnsafePointer<UInt8>? = nil) -> String {
        let n = bytes.count
        guard n <= 32, n > 0, let base = bytes.baseAddress else { return String(decoding: bytes, as: UTF8.self) }
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var w2: UInt64 = 0
        var w3: UInt64 = 0
        let raw = UnsafeRawPointer(base)
        // Overlapping loads cover every byte; together with the length they identify the bytes.
        if n >= 16 {
            w0 = raw.loadUnaligned(as: UInt64.self)
            w1 = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            w2 = raw.loadUnaligned(fromByteOffset: n - 16, as: UInt64.self)
            w3 = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else if n >= 8 {
            w0 = raw.loadUnaligned(as: UInt64.self)
            w1 = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else if let readableEnd, readableEnd - base >= 8 {
            w0 = raw.loadUnaligned(as: UInt64.self) & ((1 &<< UInt64(8 * n)) &- 1)
        } else {
            for i in 0..<n { w0 |= UInt64(base[i]) << (8 * UInt64(i)) }
        }
        // Multiplying carries low bits upwards only, so the slot comes from the top bits of a final
        // multiply: every input byte reaches them (`web-12` and `web-13` must not share a slot).
        var h =
            (w0 &* 0x9E37_79B9_7F4A_7C15) ^ (w1 &* 0xC2B2_AE3D_27D4_EB4F) ^ (w2 &* 0x1656_67B1_9E37_79F9)
            ^ (w3 &* 0x27D4_EB2F_1656_67C5) ^ UInt64(n)
        h ^= h >> 32
        let index = Int(truncatingIfNeeded: (h &* 0x9E37_79B9_7F4A_7C15) >> self.shift)
        let key = self.keys[index]
        if key.count == n, key.w0 == w0, key.w1 == w1, key.w2 == w2, key.w3 == w3 { return self.strings[index] }
        self.misses &+= 1
        let s = String(decoding: bytes, as: UTF8.self)
        self.keys[index] = Key(w0: w0, w1: w1, w2: w2, w3: w3, count: n)
        self.strings[index] = s
        return s
    }

    /// The string for raw bytes.
    @inline(__always)
    public func string(_ bytes: UnsafeRawBufferPointer) -> String {
        self.string(bytes.assumingMemoryBound(to: UInt8.self))
    }
}
