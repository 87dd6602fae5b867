/// Snappy's block format (what Prometheus remote write sends with `Content-Encoding: snappy`): the
/// uncompressed length as a varint, then literals and back-references. Bounded: a block claiming more
/// than `maxInflatedSize` bytes, a reference before the start or past the claimed length is an error.
public struct SnappyBlock: Sendable {
    /// The most bytes one block may expand to.
    public let maxInflatedSize: Int

    /// A decompressor bounded by `maxInflatedSize`.
    public init(maxInflatedSize: Int = 64 << 20) { self.maxInflatedSize = maxInflatedSize }

    /// The block's uncompressed bytes.
    /// - Throws: ``IngestError`` (`inflated` when over the limit) with the byte offset of what is wrong.
    public func decompress(_ input: [UInt8]) throws(IngestError) -> [UInt8] {
        var i = 0
        func fail(_ message: String) -> IngestError { .malformed("snappy", at: i, message) }
        var length = 0
        var shift = 0
        while true {
            guard i < input.count, shift <= 28 else { throw fail("truncated length") }
            let b = input[i]
            i += 1
            length |= Int(b & 0x7f) << shift
            if b & 0x80 == 0 { break }
            shift += 7
        }
        guard length <= self.maxInflatedSize else {
            throw .limitExceeded("inflated", detail: "snappy block of \(length) bytes over \(self.maxInflatedSize)")
        }
        var out: [UInt8] = []
        out.reserveCapacity(length)
        while i < input.count {
            let tag = input[i]
            i += 1
            switch tag & 3 {
            case 0:
                var n = Int(tag >> 2)
                if n >= 60 {
                    let bytes = n - 59
                    guard i + bytes <= input.count else { throw fail("truncated literal length") }
                    n = 0
                    for k in 0..<bytes { n |= Int(input[i + k]) << (8 * k) }
                    i += bytes
                }
                n += 1
                guard n <= input.count - i, out.count + n <= length else { throw fail("literal past the end") }
                out.append(contentsOf: input[i..<(i + n)])
                i += n
            default:
                let n: Int
                let offset: Int
                switch tag & 3 {
                case 1:
                    guard i < input.count else { throw fail("truncated copy") }
                    n = Int((tag >> 2) & 7) + 4
                    offset = Int(tag >> 5) << 8 | Int(input[i])
                    i += 1
                case 2:
                    guard i + 2 <= input.count else { throw fail("truncated copy") }
                    n = Int(tag >> 2) + 1
                    offset = Int(input[i]) | Int(input[i + 1]) << 8
                    i += 2
                default:
                    guard i + 4 <= input.count else { throw fail("truncated copy") }
                    n = Int(tag >> 2) + 1
                    offset = Int(input[i]) | Int(input[i + 1]) << 8 | Int(input[i + 2]) << 16 | Int(input[i + 3]) << 24
                    i += 4
                }
                guard offset > 0, offset <= out.count else { throw fail("copy offset \(offset) outside the output") }
                guard out.count + n <= length else { throw fail("copy past the end") }
                let start = out.count - offset
                for k in 0..<n { out.append(out[start + k]) }
            }
        }
        guard out.count == length else { throw fail("\(out.count) bytes where the block says \(length)") }
        return out
    }
}
