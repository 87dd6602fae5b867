import KaijuCodecs
import KaijuCore
import KaijuEPL
import KaijuNATS
import NIOCore

/// One fuzz target: a decoder or parser fed the fuzzer's bytes. Every target must return normally for
/// any input (errors are fine); a trap, a sanitizer report or a timeout is a finding.
enum FuzzTarget: String, CaseIterable {
    case stream, forward
    case telegrafJSON = "telegraf-json"
    case lineProtocol = "line-protocol"
    case jaegerCompact = "jaeger-compact"
    case jaegerBinary = "jaeger-binary"
    case otlpProtobuf = "otlp-protobuf"
    case otlpJSON = "otlp-json"
    case inflate, json, ndjson, epl, module, statements, events, recording, handshake, nats, prometheus, grpc

    /// Runs the target over `bytes`.
    func run(_ bytes: UnsafeRawBufferPointer) {
        let limits = IngestLimits(maxFrameSize: 4 << 20, maxBodySize: 4 << 20, maxInflatedSize: 4 << 20)
        switch self {
        case .grpc:
            // An OTLP/gRPC request body, split into two HTTP/2 DATA frames where the first byte says.
            var reader = GRPCMessageReader(limits: IngestLimits(maxBodySize: 1 << 16, maxInflatedSize: 1 << 18))
            let cut = bytes.isEmpty ? 0 : Int(bytes[0]) * bytes.count / 256
            if let first = try? reader.feed(Array(bytes[..<cut])), let second = try? reader.feed(Array(bytes[cut...])) {
                for message in first + second { _ = try? OTLPTraceProtobuf.decode(message, maxDepth: 64) }
            }
        case .prometheus:
            // A scraped exposition, a snappy block and a remote-write request from the same bytes.
            let body = Array(bytes)
            _ = PrometheusExposition.parse(body, openMetrics: body.first.map { $0 & 1 == 1 } ?? false, scrapedAt: 1)
            if let block = try? SnappyBlock(maxInflatedSize: limits.maxInflatedSize).decompress(body) {
                _ = try? PrometheusRemoteWrite.decode(block)
            }
            _ = try? PrometheusRemoteWrite.decode(body)
        case .nats:
            // A NATS server's byte stream, as the client splits it into frames.
            var buffer = ByteBuffer(bytes: bytes)
            while let frame = try? NATSFrameDecoder.frame(in: &buffer, maxControlLine: 4096, maxPayload: 1 << 20) {
                if case .info(let json) = frame { _ = try? Value(json: json) }
            }
        case .stream:
            // The first byte picks where the stream is split into two reads, as TCP might deliver it.
            let decoder = StreamDecoder(limits: limits)
            let cut = bytes.isEmpty ? 0 : Int(bytes[0]) * bytes.count / 256
            _ = decoder.feed(UnsafeRawBufferPointer(rebasing: bytes[..<cut]), receivedAt: 1)
            _ = decoder.feed(UnsafeRawBufferPointer(rebasing: bytes[cut...]), receivedAt: 2)
            _ = decoder.finish(receivedAt: 3)
        case .forward:
            _ = try? ForwardDecoder(limits: limits).decode(bytes, receivedAt: 1)
            var framer = MsgPackFramer(maxFrameSize: limits.maxFrameSize)
            _ = try? framer.nextFrame(in: bytes)
        case .telegrafJSON:
            // Telegraf's HTTP body: a JSON sequence (or line protocol when it does not start with `{`).
            _ = TelegrafHTTPBody(timestampUnits: .auto, limits: limits)
                .decode(Array(bytes), lineProtocolOnly: false, precision: .ns, receivedAt: 1)
        case .lineProtocol:
            var metrics: [Metric] = []
            var errors: [IngestError] = []
            LineProtocolParser.parseAll(bytes, receivedAt: 1, precision: .ns, into: &metrics, errors: &errors)
        case .jaegerCompact:
            _ = try? JaegerThriftDecoder.emitBatch(compact: bytes)
        case .jaegerBinary:
            _ = try? JaegerThriftDecoder.emitBatch(binary: bytes)
            _ = try? JaegerThriftDecoder.batch(binary: bytes)
        case .otlpProtobuf:
            _ = try? OTLPTraceProtobuf.decode(bytes)
            let body = Array(bytes)
            _ = try? OTLPLogsProtobuf.decode(body, receivedAt: 1)
            _ = try? OTLPMetricsProtobuf.decode(body, receivedAt: 1)
        case .otlpJSON:
            _ = try? OTLPTraceJSON.decode(bytes)
            let body = Array(bytes)
            _ = try? OTLPSignalsJSON.logs(body, receivedAt: 1)
            _ = try? OTLPSignalsJSON.metrics(body, receivedAt: 1)
        case .inflate:
            _ = try? Inflater(maxInflatedSize: limits.maxInflatedSize).inflate(Array(bytes))
            var out: [UInt8] = []
            _ = try? StreamingInflater(maxInflatedSize: limits.maxInflatedSize).feed(bytes, into: &out)
        case .json:
            if let value = try? Value(json: bytes) { _ = value.jsonString }
            _ = try? LogRecord(json: bytes, timestamp: 1, maxDepth: limits.maxDepth)
            _ = try? Event(json: bytes)
            _ = try? Metric(json: bytes)
        case .ndjson:
            var items: [InputEvent] = []
            for line in bytes.split(separator: 0x0A) {
                _ = try? JSONLineDecoder(limits: limits).decode(line: line, receivedAt: 1, into: &items)
            }
        case .epl:
            let text = String(decoding: bytes, as: UTF8.self)
            let runtime = Runtime()
            _ = try? EPL.install("create schema Tick(sym string, price double, n long)", in: runtime)
            if (try? EPL.install(text, in: runtime, listener: { _ in })) != nil {
                runtime.send(Metric(name: "cpu", timestamp: 1_000, fields: ["v": 1.5], tags: ["host": "a"]))
                runtime.advance(to: 120_000)
            }
        case .module:
            guard let module = try? EPLModule(text: String(decoding: bytes, as: UTF8.self)) else { return }
            _ = try? RuleRun.run(
                .module(module),
                recording: Array(#"{"at":1,"type":"Tick","event":{"n":1}}"#.utf8),
                until: 60_000
            ) { _ in }
        case .statements:
            let (file, _) = StatementsFile.parse(String(decoding: bytes, as: UTF8.self))
            _ = file.install(in: Runtime()) { _ in nil }
        case .events:
            let (file, _) = EventsFile.parse(String(decoding: bytes, as: UTF8.self))
            _ = try? file.install(in: Runtime())
        case .recording:
            let data = Array(bytes)
            let runtime = Runtime(clock: .virtual(startingAt: RecordingPlayer.startTime(of: data) ?? 0))
            _ = try? EPL.install("select count(*) as n from Metric#time(1 min)", in: runtime, listener: { _ in })
            _ = RecordingPlayer.play(data, into: runtime, drain: TimePeriod(milliseconds: 60_000))
        case .handshake:
            _ = ForwardHandshake(sharedKey: "key", hostname: "kaiju", nonce: Array(repeating: 7, count: 16)).answer(
                ping: bytes
            )
        }
    }
}
