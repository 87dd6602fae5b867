internal import CZlib

/// Inflates a stream of back-to-back gzip (or zlib) members arriving in pieces, as Telegraf's
/// `socket_writer` sends with `content_encoding = "gzip"` (one member per metric, no framing).
/// Each member may inflate to at most ``maxInflatedSize`` bytes.
public final class StreamingInflater {
    private var stream = z_stream()
    private var initialised = false
    private var memberOutput = 0
    /// The most bytes one stream may inflate to.
    public let maxInflatedSize: Int

    /// A streaming inflater refusing output beyond `maxInflatedSize` bytes (default 64 MiB).
    public init(maxInflatedSize: Int = 64 << 20) { self.maxInflatedSize = maxInflatedSize }

    deinit { if self.initialised { inflateEnd(&self.stream) } }

    /// Inflates `input`, appending to `output`.
    public func feed(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(IngestError) {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        if !self.initialised {
            guard kaiju_inflateInit2(&self.stream, 15 + 32) == Z_OK else {
                throw .corruptCompressedData("inflateInit2 failed")
            }
            self.initialised = true
        }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        self.stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
        self.stream.avail_in = UInt32(input.count)
        defer {
            self.stream.next_in = nil
            self.stream.avail_in = 0
        }
        while self.stream.avail_in > 0 {
            let status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                self.stream.next_out = out.baseAddress
                self.stream.avail_out = UInt32(out.count)
                return CZlib.inflate(&self.stream, Z_NO_FLUSH)
            }
            let produced = chunk.count - Int(self.stream.avail_out)
            self.memberOutput += produced
            if self.memberOutput > self.maxInflatedSize { throw .inflatedTooLarge(limit: self.maxInflatedSize) }
            output.append(contentsOf: chunk[0..<produced])
            switch status {
            case Z_STREAM_END:
                guard inflateReset(&self.stream) == Z_OK else { throw .corruptCompressedData("inflateReset failed") }
                self.memberOutput = 0
            case Z_OK, Z_BUF_ERROR:
                if produced == 0 && status == Z_BUF_ERROR { return }
            default:
                let msg = self.stream.msg.map { String(cString: $0) } ?? "inflate error \(status)"
                throw .corruptCompressedData(msg)
            }
        }
    }
}
