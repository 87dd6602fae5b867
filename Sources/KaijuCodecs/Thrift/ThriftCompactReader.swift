/// Apache Thrift's compact protocol (Jaeger agent UDP 6831): varints, zigzag, delta field ids,
/// bools in the field header, little-endian doubles.
struct ThriftCompactReader: ThriftReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0
    private var lastFieldID: Int16 = 0
    private var fieldIDStack: [Int16] = []
    private var pendingBool: Bool?

    /// The deepest nesting skipped over (unknown fields).
    let maxDepth: Int

    /// A reader over `bytes` stepping at most `maxDepth` levels into unknown fields.
    init(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 32) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    var isAtEnd: Bool { self.offset >= self.bytes.count }

    func error(_ message: String) -> IngestError { .malformed("thrift compact", at: self.offset, message) }

    private mutating func byte() throws(IngestError) -> UInt8 {
        guard self.offset < self.bytes.count else { throw self.error("truncated") }
        defer { self.offset += 1 }
        return self.bytes[self.offset]
    }

    private mutating func varint() throws(IngestError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try self.byte()
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { throw self.error("varint longer than 10 bytes") }
        }
    }

    private mutating func zigzag() throws(IngestError) -> Int64 {
        let u = try self.varint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    private func type(_ nibble: UInt8) throws(IngestError) -> ThriftType {
        switch nibble {
        case 1, 2: return .bool
        case 3: return .byte
        case 4: return .i16
        case 5: return .i32
        case 6: return .i64
        case 7: return .double
        case 8: return .binary
        case 9: return .list
        case 10: return .set
        case 11: return .map
        case 12: return .structure
        case 13: return .uuid
        default: throw self.error("unknown compact type \(nibble)")
        }
    }

    mutating func structBegin() {
        self.fieldIDStack.append(self.lastFieldID)
        self.lastFieldID = 0
    }

    mutating func structEnd() { self.lastFieldID = self.fieldIDStack.popLast() ?? 0 }

    mutating func fieldHeader() throws(IngestError) -> (type: ThriftType, id: Int16)? {
        let b = try self.byte()
        if b == 0 { return nil }
        let nibble = b & 0x0f
        let t = try self.type(nibble)
        let delta = Int16(b >> 4)
        let id: Int16
        if delta == 0 {
            let z = try self.zigzag()
            guard let i = Int16(exactly: z) else { throw self.error("field id out of range") }
            id = i
        } else {
            id = self.lastFieldID &+ delta
        }
        self.lastFieldID = id
        if t == .bool { self.pendingBool = nibble == 1 }
        return (t, id)
    }

    mutating func readBool() throws(IngestError) -> Bool {
        if let b = self.pendingBool {
            self.pendingBool = nil
            return b
        }
        return try self.byte() == 1
    }

    mutating func readByte() throws(IngestError) -> Int8 { Int8(bitPattern: try self.byte()) }

    mutating func readI16() throws(IngestError) -> Int16 {
        guard let v = Int16(exactly: try self.zigzag()) else { throw self.error("i16 out of range") }
        return v
    }

    mutating func readI32() throws(IngestError) -> Int32 {
        guard let v = Int32(exactly: try self.zigzag()) else { throw self.error("i32 out of range") }
        return v
    }

    mutating func readI64() throws(IngestError) -> Int64 { try self.zigzag() }

    mutating func readDouble() throws(IngestError) -> Double {
        guard self.bytes.count - self.offset >= 8 else { throw self.error("truncated double") }
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(self.bytes[self.offset + i]) << (8 * UInt64(i)) }
        self.offset += 8
        return Double(bitPattern: bits)
    }

    mutating func readBinary() throws(IngestError) -> [UInt8] {
        let n = try self.varint()
        guard n <= UInt64(self.bytes.count - self.offset) else { throw self.error("string of \(n) bytes past the end") }
        defer { self.offset += Int(n) }
        return Array(self.bytes[self.offset..<(self.offset + Int(n))])
    }

    mutating func listHeader() throws(IngestError) -> (element: ThriftType, count: Int) {
        let b = try self.byte()
        let t = try self.type(b & 0x0f)
        var n = UInt64(b >> 4)
        if n == 15 { n = try self.varint() }
        guard n <= UInt64(self.bytes.count - self.offset) else {
            throw self.error("list of \(n) elements past the end")
        }
        return (t, Int(n))
    }

    mutating func mapHeader() throws(IngestError) -> (key: ThriftType, value: ThriftType, count: Int) {
        let n = try self.varint()
        guard n > 0 else { return (.byte, .byte, 0) }
        guard n <= UInt64(self.bytes.count - self.offset) else { throw self.error("map of \(n) entries past the end") }
        let kv = try self.byte()
        return (try self.type(kv >> 4), try self.type(kv & 0x0f), Int(n))
    }

    mutating func messageBegin() throws(IngestError) -> String {
        guard try self.byte() == 0x82 else { throw self.error("not a compact protocol message") }
        let typeAndVersion = try self.byte()
        guard typeAndVersion & 0x1f == 1 else { throw self.error("unsupported compact protocol version") }
        _ = try self.varint()
        return try self.readString()
    }
}
