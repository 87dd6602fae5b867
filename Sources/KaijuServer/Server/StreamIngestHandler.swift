import KaijuCodecs
import KaijuCore
import Logging
import NIOCore

/// A TCP connection feeding a ``StreamDecoder`` into the ``EnginePump``. Auto-read is off and each read
/// delivers one buffer: after submitting it the connection reads again only while the engine keeps up;
/// otherwise it pauses until ``EnginePump/whenBelowHighWater(on:)``, so each connection adds at most one
/// read's batch beyond the high-water mark. What arrives while paused (NIO drains the socket when the
/// peer closes) is held and submitted as one batch when the engine catches up.
final class StreamIngestHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let decoder: StreamDecoder
    let pump: EnginePump
    let logger: Logger
    let greeting: [UInt8]?
    var peer = "?"
    /// Waiting for the engine to catch up (no read outstanding).
    private var paused = false
    /// The connection was closed (by us or the peer); nothing more is read.
    private var closed = false
    /// What was decoded while paused, and the Forward acks that wait for it.
    private var held: (items: [InputEvent], acks: [[UInt8]]) = ([], [])

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
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = self.unwrapInboundIn(data)
        let output = buffer.withUnsafeReadableBytes {
            self.decoder.feed($0, receivedAt: EngineClock.wallMilliseconds())
        }
        self.handle(output, context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.readMoreOrPause(context: context)
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.closed = true
        let output = self.decoder.finish(receivedAt: EngineClock.wallMilliseconds())
        self.handle(output, context: context)
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

    /// Reads the next buffer, or pauses until the engine is below its high-water mark.
    private func readMoreOrPause(context: ChannelHandlerContext) {
        guard !self.closed, !self.paused else { return }
        guard self.pump.isBehind else {
            context.read()
            return
        }
        self.paused = true
        self.pump.stats.add(.init("kaiju_backpressure_pauses_total"))
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        self.pump.whenBelowHighWater(on: context.eventLoop).whenComplete { _ in
            let (handler, context) = loopBound.value
            handler.paused = false
            let held = handler.held
            handler.held = ([], [])
            handler.deliver(held.items, acks: held.acks, context: context)
            handler.readMoreOrPause(context: context)
        }
    }

    /// Submits `items` (held while paused) and acknowledges `acks` once the engine has taken them.
    private func deliver(_ items: [InputEvent], acks: [[UInt8]], context: ChannelHandlerContext) {
        guard !self.paused else {
            self.held.items += items
            self.held.acks += acks
            return
        }
        let accepted = self.pump.submit(items)
        guard !acks.isEmpty else { return }
        // Forward acks go out once the engine has taken the records.
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        accepted.hop(to: context.eventLoop).whenComplete { _ in
            let (handler, context) = loopBound.value
            for chunk in acks {
                context.write(
                    handler.wrapOutboundOut(context.channel.allocator.buffer(bytes: ForwardMessage.ack(chunk))),
                    promise: nil
                )
            }
            context.flush()
        }
    }

    private func handle(_ output: StreamDecoder.Output, context: ChannelHandlerContext) {
        let stats = self.pump.stats
        for reply in output.replies {
            context.write(self.wrapOutboundOut(context.channel.allocator.buffer(bytes: reply)), promise: nil)
        }
        if !output.replies.isEmpty { context.flush() }
        if !output.errors.isEmpty {
            stats.decodeError(self.protocolName, output.errors.count)
            for error in output.errors { if let limit = error.limit { stats.limitHit(limit) } }
            self.logger.warning(
                "bad input from \(self.peer) (\(self.protocolName)): \(output.errors[0])\(output.errors.count > 1 ? " and \(output.errors.count - 1) more" : "")"
            )
        }
        if output.skipped > 0 { stats.dropped("unsupported", output.skipped) }
        if let fatal = output.fatal {
            // What was decoded before the stream went bad still goes in.
            self.deliver(output.items, acks: [], context: context)
            stats.decodeError(self.protocolName)
            if let limit = fatal.limit { stats.limitHit(limit) }
            self.logger.warning("closing connection from \(self.peer) (\(self.protocolName)): \(fatal)")
            self.closed = true
            context.close(promise: nil)
            return
        }
        self.deliver(output.items, acks: output.acks, context: context)
    }
}
