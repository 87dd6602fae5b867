import GRPCCore
import KaijuCodecs
import KaijuCore
import Logging
import NIOCore

/// The OTLP collector service of one signal over gRPC: its unary `Export` method takes an export request
/// (protobuf, gzip or not), decodes it with the codecs OTLP/HTTP uses and answers the empty export response
/// once the engine has the events.
///
/// Status codes follow the OTLP specification: `UNAVAILABLE` while the engine is behind (the exporter
/// retries), `INVALID_ARGUMENT` naming what could not be read; ``GRPCMessageGuard`` answers a message
/// over the limits with `RESOURCE_EXHAUSTED` before it gets here.
struct OTLPExportService: RegistrableRPCService {
    let signal: OTLPSignal
    let pump: EnginePump
    let limits: IngestLimits
    let logger: Logger

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: MethodDescriptor(fullyQualifiedService: self.signal.grpcService, method: "Export"),
            deserializer: ProtobufBytes(),
            serializer: ProtobufBytes()
        ) { request, context in
            let reply = try await self.export(request.messages, peer: context.remotePeer)
            return StreamingServerResponse(single: ServerResponse(message: reply))
        }
    }

    /// Reads the one request message, decodes it and hands its events to the engine.
    private func export(_ messages: RPCAsyncSequence<[UInt8], any Error>, peer: String) async throws -> [UInt8] {
        let stats = self.pump.stats
        var request: [UInt8]?
        for try await message in messages {
            guard request == nil else {
                stats.decodeError("grpc")
                throw RPCError(code: .invalidArgument, message: "Export takes one request message")
            }
            request = message
        }
        guard let request else {
            stats.decodeError("grpc")
            throw RPCError(code: .invalidArgument, message: "Export needs a request message")
        }
        if self.pump.isBehind {
            stats.dropped("grpc_backpressure")
            throw RPCError(code: .unavailable, message: "the engine is behind; retry")
        }
        let items: [InputEvent]
        do throws(IngestError) {
            items = try self.signal.decode(
                request,
                json: false,
                receivedAt: EngineClock.wallMilliseconds(),
                limits: self.limits
            )
        } catch {
            stats.decodeError("grpc")
            if let limit = error.limit { stats.limitHit(limit) }
            self.logger.warning("otlp-grpc: \(self.signal.rawValue) request from \(peer): \(error)")
            throw RPCError(code: error.isTooLarge ? .resourceExhausted : .invalidArgument, message: "\(error)")
        }
        try await self.pump.submit(items).get()
        // Every export response (`Export*ServiceResponse`) without `partial_success` is empty.
        return []
    }
}

/// Messages as their protobuf bytes: requests are read by Kaiju's own bounded decoders, replies are
/// written as they are.
struct ProtobufBytes: MessageSerializer, MessageDeserializer {
    typealias Message = [UInt8]

    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}
