import KaijuCodecs
import NIOCore
import NIOHPACK
import NIOHTTP2

/// Stands before gRPC's stream handler on each HTTP/2 stream of an OTLP/gRPC listener and bounds the
/// request's length-prefixed messages with Kaiju's own limits (``GRPCMessageReader``): a message longer
/// than the body limit is refused before it is buffered, a compressed one is inflated here within the
/// inflated limit and handed on uncompressed. A refusal answers the RPC with its status (`RESOURCE_EXHAUSTED`, or `INVALID_ARGUMENT`
/// for data that does not inflate), is counted, and closes only that stream.
final class GRPCMessageGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private let stats: IngestStats
    private var reader: GRPCMessageReader
    private var refused = false

    init(limits: IngestLimits, stats: IngestStats) {
        self.reader = GRPCMessageReader(limits: limits)
        self.stats = stats
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !self.refused else { return }
        guard case .data(let frame) = self.unwrapInboundIn(data), case .byteBuffer(var buffer) = frame.data else {
            context.fireChannelRead(data)
            return
        }
        let messages: [[UInt8]]
        do throws(IngestError) {
            messages = try self.reader.feed(buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch {
            if let limit = error.limit { self.stats.limitHit(limit) } else { self.stats.decodeError("grpc") }
            // RESOURCE_EXHAUSTED for a limit, INVALID_ARGUMENT for bytes that do not inflate.
            self.refuse(context, status: error.limit != nil ? 8 : 3, "\(error)")
            return
        }
        var out = context.channel.allocator.buffer(capacity: 0)
        for message in messages {
            guard let length = UInt32(exactly: message.count) else {
                self.stats.limitHit("inflated")
                self.refuse(context, status: 8, "message of \(message.count) bytes exceeds gRPC's length prefix")
                return
            }
            out.writeInteger(UInt8(0))
            out.writeInteger(length)
            out.writeBytes(message)
        }
        if frame.endStream {
            // An incomplete message goes on as it came, for gRPC to refuse.
            out.writeBytes(self.reader.remainder)
        }
        if out.readableBytes > 0 || frame.endStream {
            let payload = HTTP2Frame.FramePayload.Data(data: .byteBuffer(out), endStream: frame.endStream)
            context.fireChannelRead(self.wrapInboundOut(.data(payload)))
        }
    }

    /// Answers the RPC with `status` (trailers only) and closes the stream; what else it sends is dropped.
    private func refuse(_ context: ChannelHandlerContext, status: Int, _ message: String) {
        self.refused = true
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
