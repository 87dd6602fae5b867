internal import CZlib

/// Inflates gzip (several members, as Fluentd and Telegraf send) or zlib data through the system libz,
/// refusing to produce more than a configured number of bytes.
///
/// # Usage
/// ```swift
/// let bytes = try Inflater(maxInflatedSize: 64 << 20).inflate(gzipped)
/// ```
public struct Inflater: Sendable {
    /// The most bytes one payload may inflate to (default 64 MiB).
    public var maxInflatedSize: Int

    /// An inflater refusing output beyond `maxInflatedSize` bytes (default 64 MiB).
    public init(maxInflatedSize: Int = 64 << 20) { self.maxInflatedSize = maxInflatedSize }

    /// Inflates every gzip member (or the zlib stream) of `input`.
    /// - Throws: ``IngestError/inflatedTooLarge(limit:)`` past the cap, ``IngestError/corruptCompressedData(_:)``
    ///   for bytes that are not gzip/zlib or end early.
    public func inflate(_ input: [UInt8]) throws(IngestError) -> [UInt8] {
        var stream = z_stream()
        // 15 + 32: detect gzip or zlib from the header.
        guard kaiju_inflateInit2(&stream, 15 + 32) == Z_OK else { throw .corruptCompressedData("inflateInit2 failed") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var failure: IngestError?
        input.withUnsafeBufferPointer { inBuf in
            guard let base = inBuf.baseAddress, !inBuf.isEmpty else {
                failure = .corruptCompressedData("empty input")
                return
            }
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = UInt32(inBuf.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                if output.count + produced > self.maxInflatedSize {
                    failure = .inflatedTooLarge(limit: self.maxInflatedSize)
                    return
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    // Another gzip member may follow.
                    if stream.avail_in == 0 { return }
                    guard inflateReset(&stream) == Z_OK else {
                        failure = .corruptCompressedData("inflateReset failed")
                        return
                    }
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    if stream.avail_in == 0 {
                        failure = .corruptCompressedData("truncated input")
                        return
                    }
                default:
                    let msg = stream.msg.map { String(cString: $0) } ?? "inflate error \(status)"
                    failure = .corruptCompressedData(msg)
                    return
                }
            }
        }
        if let failure { throw failure }
        return output
    }
}
