import KaijuCodecs
import NIOCore

/// Fluentd's `heartbeat_type udp`: a datagram on the Forward port is answered with the byte `00`, so the
/// sender keeps the node marked alive.
final class ForwardHeartbeatHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = self.unwrapInboundIn(data)
        let reply = AddressedEnvelope(
            remoteAddress: envelope.remoteAddress,
            data: context.channel.allocator.buffer(bytes: [0])
        )
        context.writeAndFlush(self.wrapOutboundOut(reply), promise: nil)
    }
}
