/// Reads kaiju-hl's (and Fluentd's) `{"ack": CHUNK}` replies from a growing byte stream.
///
/// # Usage
/// ```swift
/// var acks = ForwardAckDecoder()
/// let (chunks, consumed) = try acks.decode(received)   // drop `consumed` bytes, keep the rest
/// ```
public struct ForwardAckDecoder: Sendable {
    private var framer: MsgPackFramer

    /// Creates a decoder refusing replies larger than `maxReplySize` bytes.
    /// - Parameter maxReplySize: The largest reply accepted.
    public init(maxReplySize: Int = 1 << 16) { self.framer = MsgPackFramer(maxFrameSize: maxReplySize) }

    /// Reads every complete reply in `bytes`.
    /// - Parameter bytes: The unconsumed stream, starting at a reply.
    /// - Returns: The chunk ids acknowledged, in order, and how many bytes they took.
    /// - Throws: ``IngestError`` for bytes that are not msgpack or a reply over the size limit.
    public mutating func decode(
        _ bytes: UnsafeRawBufferPointer
    ) throws(IngestError) -> (chunks: [String], consumed: Int) {
        var consumed = 0
        var chunks: [String] = []
        while let n = try self.framer.nextFrame(in: UnsafeRawBufferPointer(rebasing: bytes[consumed...])) {
            var r = MsgPackReader(UnsafeRawBufferPointer(rebasing: bytes[consumed..<(consumed + n)]))
            consumed += n
            guard case .map(let count) = try r.readItem() else { continue }
            for _ in 0..<count {
                let key = try r.readKey()
                let valueStart = r.offset
                if key == "ack", case .str(let range) = try r.readItem() {
                    chunks.append(r.text(range))
                } else {
                    r.offset = valueStart
                    try r.skip()
                }
            }
        }
        return (chunks, consumed)
    }
}

extension ForwardMessage {
    /// `{"ack": chunk}` with the chunk's bytes echoed exactly, as a msgpack str.
    public static func ack(_ chunk: [UInt8]) -> [UInt8] {
        var w = MsgPackWriter()
        w.writeMapHeader(1)
        w.writeString("ack")
        w.writeString(bytes: chunk)
        return w.bytes
    }
}
