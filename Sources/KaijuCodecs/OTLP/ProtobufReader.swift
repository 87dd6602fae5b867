/// A proto3 wire-format reader (the project's own): tags, varints, fixed widths, length-delimited fields.
struct ProtobufReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    let end: Int
    /// The deepest nesting of recursive messages (OTLP `AnyValue`) a decoder accepts.
    let maxDepth: Int

    /// A reader over `bytes`; decoders refuse recursive messages nested deeper than `maxDepth`.
    init(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 32) {
        self.bytes = bytes
        self.offset = 0
        self.end = bytes.count
        self.maxDepth = maxDepth
    }

    private init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>, maxDepth: Int) {
        self.bytes = bytes
        self.offset = range.lowerBound
        self.end = range.upperBound
        self.maxDepth = maxDepth
    }

    func error(_ message: String) -> IngestError { .malformed("protobuf", at: self.offset, message) }

    /// The next field number and wire type, or `nil` at the end of this message.
    mutating func nextField() throws(IngestError) -> (number: Int, wire: Int)? {
        guard self.offset < self.end else { return nil }
        let key = try self.varint()
        let number = Int(key >> 3)
        guard number > 0 else { throw self.error("field number 0") }
        return (number, Int(key & 7))
    }

    mutating func varint() throws(IngestError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard self.offset < self.end else { throw self.error("truncated varint") }
            let b = self.bytes[self.offset]
            self.offset += 1
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { throw self.error("varint longer than 10 bytes") }
        }
    }

    mutating func fixed64() throws(IngestError) -> UInt64 {
        guard self.end - self.offset >= 8 else { throw self.error("truncated fixed64") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(self.bytes[self.offset + i]) << (8 * UInt64(i)) }
        self.offset += 8
        return v
    }

    mutating func fixed32() throws(IngestError) -> UInt32 {
        guard self.end - self.offset >= 4 else { throw self.error("truncated fixed32") }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(self.bytes[self.offset + i]) << (8 * UInt32(i)) }
        self.offset += 4
        return v
    }

    mutating func double() throws(IngestError) -> Double { Double(bitPattern: try self.fixed64()) }

    /// A length-delimited field's byte range.
    mutating func lengthDelimited() throws(IngestError) -> Range<Int> {
        let n = try self.varint()
        guard n <= UInt64(self.end - self.offset) else { throw self.error("field of \(n) bytes past the end") }
        let start = self.offset
        self.offset += Int(n)
        return start..<self.offset
    }

    /// A reader over an embedded message.
    mutating func message() throws(IngestError) -> ProtobufReader {
        ProtobufReader(self.bytes, range: try self.lengthDelimited(), maxDepth: self.maxDepth)
    }

    mutating func string() throws(IngestError) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: self.bytes[try self.lengthDelimited()]), as: UTF8.self)
    }

    mutating func data() throws(IngestError) -> [UInt8] { Array(self.bytes[try self.lengthDelimited()]) }

    /// Steps over a field of wire type `wire`.
    mutating func skip(wire: Int) throws(IngestError) {
        switch wire {
        case 0: _ = try self.varint()
        case 1: _ = try self.fixed64()
        case 2: _ = try self.lengthDelimited()
        case 5: _ = try self.fixed32()
        default: throw self.error("unsupported wire type \(wire)")
        }
    }

    /// Checks a field's wire type.
    func expect(_ wire: Int, is expected: Int) throws(IngestError) {
        guard wire == expected else { throw self.error("wire type \(wire) where \(expected) was expected") }
    }
}

extension ProtobufReader {
    /// A `sint32`/`sint64` (zigzag) varint.
    mutating func signedVarint() throws(IngestError) -> Int64 {
        let v = try self.varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    /// A repeated `fixed64` field, packed (wire 2) or one item (wire 1), appended to `out`.
    mutating func repeatedFixed64(wire: Int, into out: inout [UInt64]) throws(IngestError) {
        guard wire == 2 else {
            try self.expect(wire, is: 1)
            out.append(try self.fixed64())
            return
        }
        var packed = try self.message()
        while packed.offset < packed.end { out.append(try packed.fixed64()) }
    }

    /// A repeated `uint64` field, packed (wire 2) or one item (wire 0), appended to `out`.
    mutating func repeatedVarint(wire: Int, into out: inout [UInt64]) throws(IngestError) {
        guard wire == 2 else {
            try self.expect(wire, is: 0)
            out.append(try self.varint())
            return
        }
        var packed = try self.message()
        while packed.offset < packed.end { out.append(try packed.varint()) }
    }
}
