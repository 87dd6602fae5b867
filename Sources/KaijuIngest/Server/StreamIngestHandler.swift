import NIOCore
import Logging
import KaijuCore

/// A TCP connection feeding a ``StreamDecoder`` into the ``EnginePump``. Reads one buffer at a time
/// (auto-read is off) and, while the engine is behind, waits for the last batch before reading more.
final class StreamIngestHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let decoder: StreamDecoder
    let pump: EnginePump
    let logger: Logger
    let greeting: [UInt8]?
    var peer = "?"

    init(decoder: StreamDecoder, pump: EnginePump, logger: Logger, greeting: [UInt8]?) {
        self.decoder = decoder
        self.pump = pump
        self.logger = logger
        self.greeting = greeting
    }

    func channelActive(context: ChannelHandlerContext) {
        self.peer = context.remoteAddress?.description ?? "?"
        if let greeting = self.greeting {
            context.writeAndFlush(self.wrapOutboundOut(context.channel.allocator.buffer(bytes: greeting)), promise: nil)
        }
        context.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = self.unwrapInboundIn(data)
        let output = buffer.withUnsafeReadableBytes { self.decoder.feed($0, receivedAt: EngineClock.wallMilliseconds()) }
        self.handle(output, context: context, thenRead: true)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let output = self.decoder.finish(receivedAt: EngineClock.wallMilliseconds())
        self.handle(output, context: context, thenRead: false)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.logger.debug("connection from \(self.peer): \(error)")
        context.close(promise: nil)
    }

    private var protocolName: String {
        switch self.decoder.mode {
        case .forward: return "forward"
        case .gzipLines: return "ndjson-gzip"
        default: return "ndjson"
        }
    }

    private func handle(_ output: StreamDecoder.Output, context: ChannelHandlerContext, thenRead: Bool) {
        let stats = self.pump.stats
        for reply in output.replies {
            context.write(self.wrapOutboundOut(context.channel.allocator.buffer(bytes: reply)), promise: nil)
        }
        if !output.replies.isEmpty { context.flush() }
        if !output.errors.isEmpty {
            stats.decodeError(self.protocolName, output.errors.count)
            for error in output.errors { if let limit = error.limit { stats.limitHit(limit) } }
            self.logger.warning("bad input from \(self.peer) (\(self.protocolName)): \(output.errors[0])\(output.errors.count > 1 ? " and \(output.errors.count - 1) more" : "")")
        }
        if output.skipped > 0 { stats.dropped("unsupported", output.skipped) }
        if let fatal = output.fatal {
            // What was decoded before the stream went bad still goes in.
            self.pump.submit(output.items)
            stats.decodeError(self.protocolName)
            if let limit = fatal.limit { stats.limitHit(limit) }
            self.logger.warning("closing connection from \(self.peer) (\(self.protocolName)): \(fatal)")
            context.close(promise: nil)
            return
        }
        let accepted = self.pump.submit(output.items)
        let behind = self.pump.isBehind
        guard !output.acks.isEmpty || behind else {
            if thenRead { context.read() }
            return
        }
        let acks = output.acks
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        accepted.hop(to: context.eventLoop).whenComplete { _ in
            let (handler, context) = loopBound.value
            for chunk in acks {
                context.write(handler.wrapOutboundOut(context.channel.allocator.buffer(bytes: ForwardMessage.ack(chunk))), promise: nil)
            }
            if !acks.isEmpty { context.flush() }
            if thenRead && behind { context.read() }
        }
        if thenRead && !behind { context.read() }
    }
}
