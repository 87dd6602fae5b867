/// Reads gRPC's length-prefixed messages (a compressed flag byte, a 4-byte big-endian length, the message)
/// from a request body arriving in pieces, bounding each with Kaiju's limits: a message longer than
/// ``IngestLimits/maxBodySize`` is refused from its prefix, before it is buffered, and a compressed one
/// (gzip or deflate) is inflated within ``IngestLimits/maxInflatedSize``.
///
/// # Usage
/// ```swift
/// var reader = GRPCMessageReader(limits: limits)
/// for message in try reader.feed(dataFrameBytes) { handle(message) }   // uncompressed messages
/// ```
public struct GRPCMessageReader: Sendable {
    /// The bounds on a message, on the wire and inflated.
    public let limits: IngestLimits
    /// Bytes of the message being read, its prefix included.
    private var pending: [UInt8] = []

    /// A reader with nothing read yet.
    public init(limits: IngestLimits) { self.limits = limits }

    /// The bytes of a message not yet complete (its prefix included).
    public var remainder: [UInt8] { self.pending }

    /// Appends `bytes`; returns the messages they complete, each uncompressed.
    /// - Throws: ``IngestError/limitExceeded(_:detail:)`` (`body`) for a message longer than the body limit,
    ///   ``IngestError/inflatedTooLarge(limit:)`` or ``IngestError/corruptCompressedData(_:)`` for a compressed
    ///   one that inflates past the limit or not at all. The reader is not to be fed again after an error.
    public mutating func feed(_ bytes: [UInt8]) throws(IngestError) -> [[UInt8]] {
        self.pending += bytes
        var messages: [[UInt8]] = []
        var start = 0
        defer { self.pending.removeFirst(start) }
        while self.pending.count - start >= 5 {
            let length = self.pending[(start + 1)...(start + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard length <= self.limits.maxBodySize else {
                throw .limitExceeded(
                    "body",
                    detail: "message of \(length) bytes exceeds the limit of \(self.limits.maxBodySize) bytes"
                )
            }
            guard self.pending.count - start - 5 >= length else { break }
            let message = Array(self.pending[(start + 5)..<(start + 5 + length)])
            let compressed = self.pending[start] != 0
            start += 5 + length
            messages.append(
                compressed ? try Inflater(maxInflatedSize: self.limits.maxInflatedSize).inflate(message) : message
            )
        }
        return messages
    }
}
