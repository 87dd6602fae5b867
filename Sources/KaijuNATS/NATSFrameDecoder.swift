public import NIOCore

/// Splits the server's byte stream into frames: control lines up to ``maxControlLine`` bytes, payloads
/// up to ``maxPayload`` (what INFO announces, or less); anything else is a protocol error that closes the
/// connection (peer bytes never trap).
public struct NATSFrameDecoder: ByteToMessageDecoder {
    /// What it decodes to.
    public typealias InboundOut = NATSServerFrame

    /// Longest control line accepted (`MSG subject sid reply #bytes`).
    public let maxControlLine: Int
    /// Largest payload (headers included) accepted.
    public let maxPayload: Int

    /// A decoder with these bounds.
    public init(maxControlLine: Int = 64 << 10, maxPayload: Int = 8 << 20) {
        self.maxControlLine = maxControlLine
        self.maxPayload = maxPayload
    }

    /// Passes on the next whole frame, if the buffer holds one.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.frame(in: &buffer, maxControlLine: self.maxControlLine, maxPayload: self.maxPayload)
        else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    /// The next whole frame at the buffer's reader index (consumed), or `nil` when more bytes are needed.
    /// - Throws: ``NATSError`` for a malformed or oversized frame.
    public static func frame(
        in buffer: inout ByteBuffer,
        maxControlLine: Int,
        maxPayload: Int
    ) throws(NATSError)
        -> NATSServerFrame?
    {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if view.count > maxControlLine {
                throw NATSError(.protocolViolation, "control line over \(maxControlLine) bytes")
            }
            return nil
        }
        let lineLength = newline - view.startIndex
        guard lineLength <= maxControlLine else {
            throw NATSError(.protocolViolation, "control line over \(maxControlLine) bytes")
        }
        var line = Array(view[view.startIndex..<newline])
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        let fields = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
        guard let verb = fields.first else {
            buffer.moveReaderIndex(forwardBy: lineLength + 1)
            return try self.frame(in: &buffer, maxControlLine: maxControlLine, maxPayload: maxPayload)
        }
        let op = String(decoding: verb, as: UTF8.self).uppercased()
        switch op {
        case "PING", "PONG", "+OK":
            buffer.moveReaderIndex(forwardBy: lineLength + 1)
            return op == "PING" ? .ping : op == "PONG" ? .pong : .ok
        case "INFO":
            let start = line.firstIndex(of: UInt8(ascii: "{")) ?? line.count
            buffer.moveReaderIndex(forwardBy: lineLength + 1)
            return .info(Array(line[start...]))
        case "-ERR":
            buffer.moveReaderIndex(forwardBy: lineLength + 1)
            let text = String(decoding: line.dropFirst(4), as: UTF8.self)
            return .error(text.trimmingCharacters(in: " '"))
        case "MSG", "HMSG":
            let withHeaders = op == "HMSG"
            let args = fields.dropFirst().map { String(decoding: $0, as: UTF8.self) }
            // MSG subject sid [reply] #bytes; HMSG subject sid [reply] #hdr #total
            let counts = withHeaders ? 2 : 1
            guard args.count == 2 + counts || args.count == 3 + counts else {
                throw NATSError(.protocolViolation, "malformed \(op) line")
            }
            guard let sid = Int(args[1]), let total = Int(args[args.count - 1]), total >= 0, total <= maxPayload else {
                throw NATSError(.protocolViolation, "\(op) with a bad sid or size (at most \(maxPayload) bytes)")
            }
            let headerBytes = withHeaders ? Int(args[args.count - 2]) : 0
            guard let headerBytes, headerBytes >= 0, headerBytes <= total else {
                throw NATSError(.protocolViolation, "HMSG with a bad header size")
            }
            // The payload and its trailing CRLF must be here.
            guard view.count >= lineLength + 1 + total + 2 else { return nil }
            buffer.moveReaderIndex(forwardBy: lineLength + 1)
            guard let body = buffer.readBytes(length: total) else { return nil }
            buffer.moveReaderIndex(forwardBy: 2)
            let replyTo = args.count == 3 + counts ? args[2] : nil
            var headers: [(name: String, value: String)] = []
            var status: Int?
            if withHeaders { (headers, status) = try self.headers(body[0..<headerBytes]) }
            return .message(
                NATSMessage(
                    subject: args[0],
                    sid: sid,
                    replyTo: replyTo,
                    headers: headers,
                    status: status,
                    payload: Array(body[headerBytes...])
                )
            )
        default:
            throw NATSError(.protocolViolation, "unknown operation '\(op.prefix(32))'")
        }
    }

    /// `NATS/1.0[ status[ description]]\r\nName: value\r\n...\r\n\r\n`.
    static func headers(_ bytes: ArraySlice<UInt8>) throws(NATSError) -> ([(name: String, value: String)], Int?) {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: true).makeIterator()
        guard let first = lines.next(), first.hasPrefix("NATS/1.0") else {
            throw NATSError(.protocolViolation, "headers without NATS/1.0")
        }
        let statusText = first.dropFirst("NATS/1.0".count).split(separator: " ").first
        var headers: [(name: String, value: String)] = []
        while let line = lines.next() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: " ")))
        }
        return (headers, statusText.flatMap { Int($0) })
    }
}

extension StringProtocol {
    /// The text without leading and trailing characters of `set`.
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
