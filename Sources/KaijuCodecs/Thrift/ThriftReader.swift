/// Thrift wire types, the same for both protocols once read.
enum ThriftType: Sendable, Equatable {
    case bool, byte, i16, i32, i64, double, binary, list, set, map, structure, uuid
}

/// What the Jaeger decoder needs from a Thrift protocol (compact or binary).
protocol ThriftReader {
    /// An error at the current position.
    func error(_ message: String) -> IngestError
    /// Whether every byte was read.
    var isAtEnd: Bool { get }
    /// The deepest nesting ``skip(_:depth:)`` steps into.
    var maxDepth: Int { get }
    mutating func structBegin()
    mutating func structEnd()
    /// The next field's type and id, or `nil` at the stop byte.
    mutating func fieldHeader() throws(IngestError) -> (type: ThriftType, id: Int16)?
    /// A bool field's or element's value.
    mutating func readBool() throws(IngestError) -> Bool
    mutating func readByte() throws(IngestError) -> Int8
    mutating func readI16() throws(IngestError) -> Int16
    mutating func readI32() throws(IngestError) -> Int32
    mutating func readI64() throws(IngestError) -> Int64
    mutating func readDouble() throws(IngestError) -> Double
    mutating func readBinary() throws(IngestError) -> [UInt8]
    /// A list or set header.
    mutating func listHeader() throws(IngestError) -> (element: ThriftType, count: Int)
    mutating func mapHeader() throws(IngestError) -> (key: ThriftType, value: ThriftType, count: Int)
    /// Reads a message envelope and returns the method name.
    mutating func messageBegin() throws(IngestError) -> String
}

extension ThriftReader {
    /// A string (UTF-8, invalid bytes replaced).
    mutating func readString() throws(IngestError) -> String {
        String(decoding: try self.readBinary(), as: UTF8.self)
    }

    /// Steps over a value of `type` (unknown fields, newer IDL fields), bounded in depth.
    mutating func skip(_ type: ThriftType, depth: Int = 0) throws(IngestError) {
        guard depth < self.maxDepth else {
            throw .limitExceeded("depth", detail: "\(self.error("nested deeper than \(self.maxDepth)"))")
        }
        switch type {
        case .bool: _ = try self.readBool()
        case .byte: _ = try self.readByte()
        case .i16: _ = try self.readI16()
        case .i32: _ = try self.readI32()
        case .i64: _ = try self.readI64()
        case .double: _ = try self.readDouble()
        case .binary: _ = try self.readBinary()
        case .uuid: for _ in 0..<16 { _ = try self.readByte() }
        case .structure:
            self.structBegin()
            while let (t, _) = try self.fieldHeader() { try self.skip(t, depth: depth + 1) }
            self.structEnd()
        case .list, .set:
            let (t, n) = try self.listHeader()
            for _ in 0..<n { try self.skip(t, depth: depth + 1) }
        case .map:
            let (k, v, n) = try self.mapHeader()
            for _ in 0..<n {
                try self.skip(k, depth: depth + 1)
                try self.skip(v, depth: depth + 1)
            }
        }
    }
}
