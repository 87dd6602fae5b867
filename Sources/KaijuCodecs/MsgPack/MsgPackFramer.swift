/// Finds where complete top-level msgpack values end in a growing stream, resuming where it stopped.
///
/// TCP delivers a Forward stream in arbitrary pieces; the framer scans each new byte once, so a
/// large message arriving in many reads costs linear time.
public struct MsgPackFramer: Sendable {
    /// Elements still to read at each open nesting level (innermost last).
    private var pending: [Int] = []
    /// Bytes of the current value already scanned.
    private var scanned = 0
    /// The largest value accepted.
    public var maxFrameSize: Int

    /// A framer refusing values larger than `maxFrameSize` bytes.
    public init(maxFrameSize: Int) { self.maxFrameSize = maxFrameSize }

    /// Scans `bytes` (the unconsumed stream, starting at the current value) and returns the length of
    /// the first complete value, or `nil` if more bytes are needed. After a frame is returned the
    /// caller drops those bytes and calls again.
    /// - Throws: ``IngestError`` for an invalid byte or a value over ``maxFrameSize``.
    public mutating func nextFrame(in bytes: UnsafeRawBufferPointer) throws(IngestError) -> Int? {
        if self.pending.isEmpty && self.scanned == 0 { self.pending = [1] }
        var reader = MsgPackReader(bytes, offset: self.scanned)
        while let top = self.pending.last {
            if top == 0 {
                self.pending.removeLast()
                continue
            }
            let start = reader.offset
            let item: MsgPackReader.Item
            do throws(IngestError) {
                item = try reader.readItem()
            } catch {
                if start < bytes.count, bytes[start] == 0xc1 { throw error }
                self.scanned = start
                if start > self.maxFrameSize { throw .frameTooLarge(limit: self.maxFrameSize) }
                return nil
            }
            self.pending[self.pending.count - 1] -= 1
            switch item {
            case .array(let n) where n > 0: self.pending.append(n)
            case .map(let n) where n > 0: self.pending.append(2 * n)
            default: break
            }
            if reader.offset > self.maxFrameSize { throw .frameTooLarge(limit: self.maxFrameSize) }
        }
        let end = reader.offset
        self.scanned = 0
        return end
    }
}
