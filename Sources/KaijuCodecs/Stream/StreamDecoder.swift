import Foundation
@_spi(Codecs) public import KaijuCore

/// Decodes one TCP connection's byte stream, whatever it turns out to be: ndjson and line protocol
/// (auto-detected per line), the same gzip-compressed (back-to-back members), or the Forward protocol
/// (msgpack). The first byte decides, so ports can be shared. Independent of NIO, so it is tested by
/// splitting input at every byte position.
public final class StreamDecoder {
    /// What the connection speaks.
    public enum Mode: Equatable, Sendable {
        /// Not yet known (no byte yet); ndjson or line protocol; a gzip stream of lines; Fluentd Forward.
        case undecided, lines, gzipLines, forward
    }

    /// The outcome of feeding bytes.
    public struct Output {
        /// The inputs decoded, in order.
        public var items: [InputEvent] = []
        /// Forward `chunk` values to acknowledge once `items` are accepted.
        public var acks: [[UInt8]] = []
        /// Bytes to send back right away (handshake replies).
        public var replies: [[UInt8]] = []
        /// Errors of single lines or messages; the stream goes on.
        public var errors: [IngestError] = []
        /// Records skipped inside valid messages (unsupported signals or compression).
        public var skipped = 0
        /// A fatal error: the connection must be closed (after `replies` are sent).
        public var fatal: IngestError?
    }

    /// What the connection turned out to speak (decided by its first byte).
    public private(set) var mode: Mode
    /// The bounds applied to the connection.
    public let limits: IngestLimits
    let lineDecoder: JSONLineDecoder
    let forwardDecoder: ForwardDecoder
    var handshake: ForwardHandshake?
    /// Forward is refused on this connection (a shared key guards the Forward port, and this port
    /// cannot run the handshake, which the server must open before knowing the protocol).
    let refusesForward: Bool
    var framer: MsgPackFramer
    var inflater: StreamingInflater?
    var buffer: [UInt8] = []
    var consumed = 0
    /// Set once a fatal error was reported: the stream is not read any further.
    private var failed = false
    /// How many bytes after ``consumed`` are known to hold no newline (an incomplete last line), so a
    /// long line arriving in many reads is scanned once, not from its start on every read.
    var scannedWithoutNewline = 0
    let interner = StringInterner()

    /// - Parameters:
    ///   - handshake: when set, the connection must start with the Forward shared-key handshake
    ///     (send ``ForwardHandshake/helo`` first).
    ///   - refusesForward: refuse Forward messages (a shared key is configured for another port).
    public init(
        limits: IngestLimits,
        timestampUnits: TimestampUnits = .auto,
        handshake: ForwardHandshake? = nil,
        refusesForward: Bool = false
    ) {
        self.refusesForward = refusesForward
        self.limits = limits
        self.lineDecoder = JSONLineDecoder(timestampUnits: timestampUnits, limits: limits)
        self.forwardDecoder = ForwardDecoder(limits: limits)
        self.handshake = handshake
        self.framer = MsgPackFramer(maxFrameSize: limits.maxFrameSize)
        self.mode = handshake == nil ? .undecided : .forward
    }

    /// Feeds the next bytes read; `receivedAt` (ms) stamps records without a time.
    public func feed(_ bytes: UnsafeRawBufferPointer, receivedAt: Int64) -> Output {
        var out = Output()
        guard !self.failed else { return out }
        defer { self.failed = out.fatal != nil }
        if self.mode == .undecided, let first = bytes.first {
            switch first {
            case 0x1f: self.mode = .gzipLines
            case 0x90...0x9f, 0xdc, 0xdd, 0xc0: self.mode = .forward
            default: self.mode = .lines
            }
            if self.mode == .forward, self.handshake == nil, self.refusesForward {
                out.fatal = .unsupported(
                    "forward: a shared key is required; send Forward to the forward address, which runs the handshake"
                )
                return out
            }
        }
        if self.mode == .gzipLines {
            if self.inflater == nil { self.inflater = StreamingInflater(maxInflatedSize: self.limits.maxInflatedSize) }
            do throws(IngestError) {
                try self.inflater!.feed(bytes, into: &self.buffer)
            } catch {
                out.fatal = error
                return out
            }
        } else {
            self.buffer.append(contentsOf: bytes)
        }
        self.decode(receivedAt: receivedAt, atEnd: false, into: &out)
        return out
    }

    /// The connection ended: decodes a last line without a newline.
    public func finish(receivedAt: Int64) -> Output {
        var out = Output()
        guard !self.failed else { return out }
        self.decode(receivedAt: receivedAt, atEnd: true, into: &out)
        if self.mode == .forward, self.consumed < self.buffer.count {
            out.errors.append(.truncated("forward"))
        }
        return out
    }

    private func decode(receivedAt: Int64, atEnd: Bool, into out: inout Output) {
        switch self.mode {
        case .undecided: return
        case .lines, .gzipLines: self.decodeLines(receivedAt: receivedAt, atEnd: atEnd, into: &out)
        case .forward: self.decodeForward(receivedAt: receivedAt, into: &out)
        }
        if self.consumed > 0 && (self.consumed == self.buffer.count || self.consumed > 64 * 1024) {
            self.buffer.removeFirst(self.consumed)
            self.consumed = 0
        }
        if out.fatal == nil, self.buffer.count - self.consumed > self.limits.maxFrameSize {
            out.fatal = .frameTooLarge(limit: self.limits.maxFrameSize)
        }
    }

    private func decodeLines(receivedAt: Int64, atEnd: Bool, into out: inout Output) {
        self.buffer.withUnsafeBytes { raw in
            if !atEnd, self.scannedWithoutNewline > 0 {
                // The pending line was incomplete: nothing changes until a newline arrives.
                let from = self.consumed + self.scannedWithoutNewline
                guard from < raw.count, memchr(raw.baseAddress! + from, 0x0a, raw.count - from) != nil else {
                    self.scannedWithoutNewline = raw.count - self.consumed
                    return
                }
            }
            self.scannedWithoutNewline = 0
            var pos = self.consumed
            while pos < raw.count {
                var start = pos
                while start < raw.count,
                    raw[start] == 0x20 || raw[start] == 0x09 || raw[start] == 0x0d || raw[start] == 0x0a
                { start += 1 }
                if start == raw.count {
                    pos = start
                    break
                }
                if raw[start] == UInt8(ascii: "{") || raw[start] == UInt8(ascii: "[") {
                    let newline = memchr(raw.baseAddress! + start, 0x0a, raw.count - start).map {
                        UnsafeRawPointer($0) - raw.baseAddress!
                    }
                    guard let end = newline ?? (atEnd ? raw.count : nil) else {
                        self.scannedWithoutNewline = raw.count - start
                        pos = start
                        break
                    }
                    do throws(JSONError) {
                        try self.lineDecoder.decode(
                            line: UnsafeRawBufferPointer(rebasing: raw[start..<end]),
                            receivedAt: receivedAt,
                            interner: self.interner,
                            into: &out.items
                        )
                    } catch {
                        out.errors.append(.json(error, "ndjson"))
                    }
                    pos = min(end + 1, raw.count)
                } else {
                    var parser = LineProtocolParser(raw, receivedAt: receivedAt, complete: atEnd, offset: start)
                    let step = parser.next()
                    if case .incomplete = step {
                        if memchr(raw.baseAddress! + start, 0x0a, raw.count - start) == nil {
                            self.scannedWithoutNewline = raw.count - start
                        }
                        pos = start
                        break
                    }
                    switch step {
                    case .metric(let m): out.items.append(.metric(m))
                    case .failed(let e): out.errors.append(e)
                    case .skipped, .incomplete: break
                    }
                    pos = parser.offset
                }
            }
            self.consumed = pos
        }
    }

    private func decodeForward(receivedAt: Int64, into out: inout Output) {
        self.buffer.withUnsafeBytes { raw in
            while self.consumed < raw.count {
                let rest = UnsafeRawBufferPointer(rebasing: raw[self.consumed...])
                let length: Int?
                do throws(IngestError) {
                    length = try self.framer.nextFrame(in: rest)
                } catch {
                    out.fatal = error
                    return
                }
                guard let length else { return }
                let frame = UnsafeRawBufferPointer(rebasing: rest[..<length])
                self.consumed += length
                if let handshake = self.handshake {
                    let reply = handshake.answer(ping: frame)
                    out.replies.append(reply.pong)
                    if !reply.accepted {
                        out.fatal = .handshakeRefused(reply.reason)
                        return
                    }
                    self.handshake = nil
                    continue
                }
                do throws(IngestError) {
                    guard
                        let message = try self.forwardDecoder.decode(
                            frame,
                            receivedAt: receivedAt,
                            interner: self.interner
                        )
                    else { continue }
                    for r in message.records { out.items.append(.log(r)) }
                    for e in message.events { out.items.append(.event(e)) }
                    if message.skipped > 0 {
                        out.skipped += message.skipped
                        if let error = message.skipError { out.errors.append(error) }
                    }
                    if let chunk = message.chunk { out.acks.append(chunk) }
                } catch {
                    out.errors.append(error)
                }
            }
        }
    }
}

/// Every size limit of the ingest path, explicit and configurable.
public struct IngestLimits: Sendable {
    /// The largest single frame: a line, a Forward message, a datagram (default 16 MiB).
    public var maxFrameSize: Int
    /// The largest HTTP body as received (default 32 MiB).
    public var maxBodySize: Int
    /// The most one compressed payload may inflate to (default 64 MiB).
    public var maxInflatedSize: Int
    /// The deepest nesting of JSON objects and arrays or msgpack maps and arrays (default 64).
    public var maxDepth: Int
    /// How many flattened key bytes a log record may produce per byte of input (default 16; see ``KeyFlattener``).
    public var maxFlattenExpansion: Int

    /// Limits with the servers' defaults unless given.
    public init(
        maxFrameSize: Int = 16 << 20,
        maxBodySize: Int = 32 << 20,
        maxInflatedSize: Int = 64 << 20,
        maxDepth: Int = 64,
        maxFlattenExpansion: Int = 16
    ) {
        self.maxFrameSize = maxFrameSize
        self.maxBodySize = maxBodySize
        self.maxInflatedSize = maxInflatedSize
        self.maxDepth = maxDepth
        self.maxFlattenExpansion = maxFlattenExpansion
    }
}
