/// Apache Thrift's binary protocol (Jaeger agent UDP 6832, collector HTTP): big-endian fixed widths.
struct ThriftBinaryReader: ThriftReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0

    /// The deepest nesting skipped over (unknown fields).
    let maxDepth: Int

    /// A reader over `bytes` stepping at most `maxDepth` levels into unknown fields.
    init(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 32) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    var isAtEnd: Bool { self.offset >= self.bytes.count }

    func error(_ message: String) -> IngestError { .malformed("thrift binary", at: self.offset, message) }

    private mutating func bigEndian<T: FixedWidthInteger>(_: T.Type) throws(IngestError) -> T {
        let n = MemoryLayout<T>.size
        guard self.bytes.count - self.offset >= n else { throw self.error("truncated") }
        var v: T = 0
        for i in 0..<n { v = (v << 8) | T(self.bytes[self.offset + i]) }
        self.offset += n
        return v
    }

    private func type(_ code: UInt8) throws(IngestError) -> ThriftType {
        switch code {
        case 2: return .bool
        case 3: return .byte
        case 4: return .double
        case 6: return .i16
        case 8: return .i32
        case 10: return .i64
        case 11: return .binary
        case 12: return .structure
        case 13: return .map
        case 14: return .set
        case 15: return .list
        case 16: return .uuid
        default: throw self.error("unknown binary type \(code)")
        }
    }

    mutating func structBegin() {}
    mutating func structEnd() {}

    mutating func fieldHeader() throws(IngestError) -> (type: ThriftType, id: Int16)? {
        let code = try self.bigEndian(UInt8.self)
        if code == 0 { return nil }
        let t = try self.type(code)
        return (t, Int16(bitPattern: try self.bigEndian(UInt16.self)))
    }

    mutating func readBool() throws(IngestError) -> Bool { try self.bigEndian(UInt8.self) != 0 }
    mutating func readByte() throws(IngestError) -> Int8 { Int8(bitPattern: try self.bigEndian(UInt8.self)) }
    mutating func readI16() throws(IngestError) -> Int16 { Int16(bitPattern: try self.bigEndian(UInt16.self)) }
    mutating func readI32() throws(IngestError) -> Int32 { Int32(bitPattern: try self.bigEndian(UInt32.self)) }
    mutating func readI64() throws(IngestError) -> Int64 { Int64(bitPattern: try self.bigEndian(UInt64.self)) }
    mutating func readDouble() throws(IngestError) -> Double { Double(bitPattern: try self.bigEndian(UInt64.self)) }

    mutating func readBinary() throws(IngestError) -> [UInt8] {
        let n = Int(try self.readI32())
        guard n >= 0, n <= self.bytes.count - self.offset else { throw self.error("string of \(n) bytes past the end") }
        defer { self.offset += n }
        return Array(self.bytes[self.offset..<(self.offset + n)])
    }

    mutating func listHeader() throws(IngestError) -> (element: ThriftType, count: Int) {
        let t = try self.type(try self.bigEndian(UInt8.self))
        let n = Int(try self.readI32())
        guard n >= 0, n <= self.bytes.count - self.offset else {
            throw self.error("list of \(n) elements past the end")
        }
        return (t, n)
    }

    mutating func mapHeader() throws(IngestError) -> (key: ThriftType, value: ThriftType, count: Int) {
        let k = try self.type(try self.bigEndian(UInt8.self))
        let v = try self.type(try self.bigEndian(UInt8.self))
        let n = Int(try self.readI32())
        guard n >= 0, n <= self.bytes.count - self.offset else { throw self.error("map of \(n) entries past the end") }
        return (k, v, n)
    }

    /// Strict (`80 01 00 tt`, name, seqid) or old non-strict (name, type, seqid) envelopes.
    mutating func messageBegin() throws(IngestError) -> String {
        let first = try self.readI32()
        if first < 0 {
            guard UInt32(bitPattern: first) & 0xffff_0000 == 0x8001_0000 else {
                throw self.error("bad binary protocol version")
            }
            let name = try self.readString()
            _ = try self.readI32()
            return name
        }
        let n = Int(first)
        guard n <= self.bytes.count - self.offset else { throw self.error("method name past the end") }
        let name = String(decoding: self.bytes[self.offset..<(self.offset + n)], as: UTF8.self)
        self.offset += n
        _ = try self.readByte()
        _ = try self.readI32()
        return name
    }
}
