import KaijuCodecs
import KaijuCore
import Logging
import NIOCore

/// Jaeger agent `emitBatch` datagrams (compact on 6831, binary on 6832). Never replies; drops and counts
/// datagrams while the engine is behind.
final class JaegerUDPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    enum Encoding: String { case compact, binary }

    let encoding: Encoding
    let pump: EnginePump
    let logger: Logger
    let maxDepth: Int

    init(encoding: Encoding, pump: EnginePump, logger: Logger, maxDepth: Int) {
        self.maxDepth = maxDepth
        self.encoding = encoding
        self.pump = pump
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = self.unwrapInboundIn(data)
        let proto = "jaeger-\(self.encoding.rawValue)"
        if self.pump.isBehind {
            self.pump.stats.dropped("udp_backpressure")
            return
        }
        do {
            let batch = try envelope.data.withUnsafeReadableBytes { raw throws(IngestError) -> Batch? in
                switch self.encoding {
                case .compact: return try JaegerThriftDecoder.emitBatch(compact: raw, maxDepth: self.maxDepth)
                case .binary: return try JaegerThriftDecoder.emitBatch(binary: raw, maxDepth: self.maxDepth)
                }
            }
            if let batch { self.pump.submit([.batch(batch)]) } else { self.pump.stats.dropped("zipkin_batch") }
        } catch {
            self.pump.stats.decodeError(proto)
            if let limit = error.limit { self.pump.stats.limitHit(limit) }
            self.logger.warning("bad datagram from \(envelope.remoteAddress) (\(proto)): \(error)")
        }
    }
}
