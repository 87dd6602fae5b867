import KaijuCodecs
import NIOCore
import NIOHPACK
import NIOHTTP2

/// Stands before gRPC's stream handler on each HTTP/2 stream of an OTLP/gRPC listener and bounds the
/// request's length-prefixed messages with Kaiju's own limits: a message longer than the body limit is
/// refused before it is buffered, a compressed one is inflated here within the inflated limit and handed
/// on uncompressed. A refusal answers the RPC with its status (`RESOURCE_EXHAUSTED`, or `INVALID_ARGUMENT`
/// for data that does not inflate), is counted, and closes only that stream.
final class GRPCMessageGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private let limits: IngestLimits
    private let stats: IngestStats
    /// Bytes of the message being read, its 5-byte prefix included.
    private var pending: [UInt8] = []
    private var refused = false

    init(limits: IngestLimits, stats: IngestStats) {
        self.limits = limits
        self.stats = stats
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !self.refused else { return }
        guard case .data(let frame) = self.unwrapInboundIn(data), case .byteBuffer(var buffer) = frame.data else {
            context.fireChannelRead(data)
            return
        }
        self.pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        var out = context.channel.allocator.buffer(capacity: 0)
        while self.pending.count >= 5 {
            let length = self.pending[1...4].reduce(0) { $0 << 8 | Int($1) }
            guard length <= self.limits.maxBodySize else {
                self.stats.limitHit("body")
                self.refuse(
                    context,
                    status: 8,
                    "message of \(length) bytes exceeds the limit of \(self.limits.maxBodySize) bytes"
                )
                return
            }
            guard self.pending.count >= 5 + length else { break }
            var message = Array(self.pending[5..<(5 + length)])
            let compressed = self.pending[0] == 1
            self.pending.removeFirst(5 + length)
            if compressed {
                do throws(IngestError) {
                    message = try Inflater(maxInflatedSize: self.limits.maxInflatedSize).inflate(message)
                } catch {
                    if let limit = error.limit { self.stats.limitHit(limit) } else { self.stats.decodeError("grpc") }
                    self.refuse(context, status: error.isTooLarge ? 8 : 3, "\(error)")
                    return
                }
            }
            guard let inflatedLength = UInt32(exactly: message.count) else {
                self.stats.limitHit("inflated")
                self.refuse(context, status: 8, "message of \(message.count) bytes exceeds gRPC's length prefix")
                return
            }
            out.writeInteger(UInt8(0))
            out.writeInteger(inflatedLength)
            out.writeBytes(message)
        }
        if frame.endStream {
            // An incomplete message goes on as it came, for gRPC to refuse.
            out.writeBytes(self.pending)
            self.pending = []
        }
        if out.readableBytes > 0 || frame.endStream {
            let payload = HTTP2Frame.FramePayload.Data(data: .byteBuffer(out), endStream: frame.endStream)
            context.fireChannelRead(self.wrapInboundOut(.data(payload)))
        }
    }

    /// Answers the RPC with `status` (trailers only) and closes the stream; what else it sends is dropped.
    private func refuse(_ context: ChannelHandlerContext, status: Int, _ message: String) {
        self.refused = true
        self.pending = []
        let headers: HPACKHeaders = [
            ":status": "200",
            "content-type": "application/grpc",
            "grpc-status": String(status),
            "grpc-message": Self.percentEncoded(message),
        ]
        let trailers = HTTP2Frame.FramePayload.Headers(headers: headers, endStream: true)
        let channel = context.channel
        context.writeAndFlush(self.wrapOutboundOut(.headers(trailers))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    /// `grpc-message` as gRPC writes it: printable ASCII except `%` as is, every other byte `%XX`.
    static func percentEncoded(_ message: String) -> String {
        var out = ""
        for byte in message.utf8 {
            if byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "%") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += byte < 0x10 ? "%0\(hex)" : "%\(hex)"
            }
        }
        return out
    }
}
