// kaiju-ingest-bench: decode throughput per protocol (MB/s and events/s, one core) and loopback
// end-to-end events/s through a running server. Payloads are built before timing; each figure is the
// best of `runs` passes.
//
//   cd Benchmarks && swift run -c release kaiju-ingest-bench [runs] [only]
// `only` is a comma-separated subset of: telegraf-json, line-protocol, forward-gzip, jaeger-compact, otlp-protobuf,
// loopback, loopback-grpc (default: all).
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import KaijuCodecs
import KaijuCore
import KaijuServer

let arguments = CommandLine.arguments
let runs = arguments.count > 1 ? Int(arguments[1]) ?? 5 : 5
let selected = arguments.count > 2 ? Set(arguments[2].split(separator: ",").map(String.init)) : nil
func wanted(_ name: String) -> Bool { selected?.contains(name) ?? true }

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

/// Runs `body` `runs` times; reports the best pass as bytes/s and events/s.
func measure(_ label: String, bytes: Int, _ body: () -> Int) {
    var best = Double.infinity
    var events = 0
    let clock = ContinuousClock()
    for _ in 0..<runs {
        let start = clock.now
        events = body()
        best = min(best, seconds(clock.now - start))
    }
    let mbps = Double(bytes) / best / 1e6
    print(
        "\(label.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%8.1f", mbps)) MB/s \(String(Int(Double(events) / best)).leftPad(10)) events/s"
    )
}

/// ``measure(_:bytes:_:)`` for a body that awaits.
@MainActor
func measure(_ label: String, bytes: Int, _ body: () async throws -> Int) async rethrows {
    var best = Double.infinity
    var events = 0
    let clock = ContinuousClock()
    for _ in 0..<runs {
        let start = clock.now
        events = try await body()
        best = min(best, seconds(clock.now - start))
    }
    let mbps = Double(bytes) / best / 1e6
    print(
        "\(label.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%8.1f", mbps)) MB/s \(String(Int(Double(events) / best)).leftPad(10)) events/s"
    )
}

/// A gRPC message as its bytes.
struct GRPCBytes: MessageSerializer, MessageDeserializer {
    typealias Message = [UInt8]
    func serialize<B: GRPCContiguousBytes>(_ message: [UInt8]) throws -> B { B(message) }
    func deserialize<B: GRPCContiguousBytes>(_ bytes: B) throws -> [UInt8] { bytes.withUnsafeBytes { Array($0) } }
}

/// Makes `calls` unary calls of `method` with `request`, 32 in flight.
func exportAll(
    _ client: GRPCClient<HTTP2ClientTransport.Posix>,
    method: MethodDescriptor,
    request: [UInt8],
    calls: Int,
    options: CallOptions
) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for lane in 0..<32 {
            group.addTask {
                for _ in stride(from: lane, to: calls, by: 32) {
                    _ = try await client.unary(
                        request: ClientRequest(message: request),
                        descriptor: method,
                        serializer: GRPCBytes(),
                        deserializer: GRPCBytes(),
                        options: options
                    ) { try $0.message }
                }
            }
        }
        try await group.waitForAll()
    }
}

extension String {
    func leftPad(_ n: Int) -> String { String(repeating: " ", count: max(0, n - self.count)) + self }
}

/// Feeds `payload` to a fresh stream decoder in 64 KiB reads, as a TCP connection would; returns the events.
func decodeStream(_ payload: [UInt8]) -> Int {
    let decoder = StreamDecoder(limits: IngestLimits())
    var events = 0
    payload.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let end = min(offset + 65_536, raw.count)
            let out = decoder.feed(UnsafeRawBufferPointer(rebasing: raw[offset..<end]), receivedAt: 0)
            precondition(out.errors.isEmpty && out.fatal == nil, "\(out.errors) \(String(describing: out.fatal))")
            events += out.items.count
            offset = end
        }
    }
    return events + decoder.finish(receivedAt: 0).items.count
}

func gzip(_ bytes: [UInt8]) -> [UInt8] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/gzip")
    p.arguments = ["-c", "-6"]
    let input = Pipe()
    let output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    try! p.run()
    let writer = Thread {
        input.fileHandleForWriting.write(Data(bytes))
        try? input.fileHandleForWriting.close()
    }
    writer.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return [UInt8](data)
}

let metricCount = 200_000
func telegrafJSONLine(_ i: Int) -> String {
    #"{"fields":{"usage_idle":\#(Double(i % 1000) / 10),"usage_system":1.5,"usage_user":0.25},"name":"cpu","tags":{"cpu":"cpu\#(i % 8)","host":"web-\#(i % 100)"},"timestamp":\#(1_700_000_000 + i / 1000)}"#
        + "\n"
}

print("kaiju-ingest-bench: best of \(runs) passes, one core")
if wanted("telegraf-json") {
    let payload = Array((0..<metricCount).map(telegrafJSONLine).joined().utf8)
    measure("Telegraf JSON (socket_writer ndjson)", bytes: payload.count) { decodeStream(payload) }
}
if wanted("line-protocol") {
    let payload = Array(
        (0..<metricCount).map { i in
            "cpu,cpu=cpu\(i % 8),host=web-\(i % 100) usage_idle=\(Double(i % 1000) / 10),usage_user=0.25,usage_system=1.5 \(1_700_000_000_000_000_000 + i)\n"
        }.joined().utf8
    )
    measure("InfluxDB line protocol", bytes: payload.count) { decodeStream(payload) }
}
if wanted("forward-gzip") {
    // Fluentd out_forward with compress gzip: PackedForward chunks of 1 000 entries, gzip, as bin.
    var entries = MsgPackWriter()
    for i in 0..<1000 {
        entries.writeArrayHeader(2)
        entries.writeInt(UInt32(1_700_000_000 + i / 100))
        entries.writeMapHeader(3)
        entries.writeString("log")
        entries.writeString("10.0.0.\(i % 250) - - \"GET /item/\(i) HTTP/1.1\" 200 512")
        entries.writeString("stream")
        entries.writeString("stdout")
        entries.writeString("kubernetes")
        entries.writeMapHeader(2)
        entries.writeString("pod_name")
        entries.writeString("web-\(i % 10)")
        entries.writeString("namespace_name")
        entries.writeString("shop")
    }
    let compressed = gzip(entries.bytes)
    var message = MsgPackWriter()
    message.writeArrayHeader(3)
    message.writeString("kube.var.log")
    message.writeBinary(compressed)
    message.writeMapHeader(2)
    message.writeString("size")
    message.writeInt(1000)
    message.writeString("compressed")
    message.writeString("gzip")
    let payload = Array([[UInt8]](repeating: message.bytes, count: 200).joined())
    measure("Fluentd CompressedPackedForward (gzip)", bytes: payload.count) { decodeStream(payload) }
}
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../../Tests/KaijuTestSupport/Fixtures").standardized
if wanted("jaeger-compact") {
    let datagram = [UInt8](try! Data(contentsOf: fixtures.appendingPathComponent("jaeger-compact-emitbatch.bin")))
    let count = 100_000
    measure("Jaeger compact emitBatch (jaeger-client)", bytes: datagram.count * count) {
        var spans = 0
        datagram.withUnsafeBytes { raw in
            for _ in 0..<count { spans += (try! JaegerThriftDecoder.emitBatch(compact: raw))!.spans.count }
        }
        return spans
    }
}
if wanted("otlp-protobuf") {
    let body = try! Inflater().inflate(
        [UInt8](try! Data(contentsOf: fixtures.appendingPathComponent("otlp-traces-protobuf-gzip.bin")))
    )
    let count = 100_000
    measure("OTLP/HTTP protobuf (opentelemetry-python)", bytes: body.count * count) {
        var spans = 0
        body.withUnsafeBytes { raw in
            for _ in 0..<count { spans += try! OTLPTraceProtobuf.decode(raw).reduce(0) { $0 + $1.spans.count } }
        }
        return spans
    }
}
if wanted("loopback") {
    // kaiju-metrics' path end to end: Telegraf JSON over TCP into a running server with one counting rule.
    let stats = IngestStats()
    let configuration = ModuleConfiguration(
        name: "bench",
        listeners: [.stream(name: "tcp", address: BindAddress(host: "127.0.0.1", port: 0))],
        admin: nil,
        hl: nil
    )
    let server = try! await ModuleServer.start(configuration, logger: .init(label: "bench"), stats: stats) { runtime in
        try runtime.add(StatementPlan(streams: [.type("Metric")], select: [.wildcard]), name: "all")
    }
    let port = server.boundAddresses["tcp"]!.port!
    let payload = Array((0..<metricCount).map(telegrafJSONLine).joined().utf8)
    let key = IngestStats.Key("kaiju_events_in_total", ["type": "Metric"])
    measure("loopback TCP → engine (Telegraf JSON)", bytes: payload.count) {
        let before = stats.value(key)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        payload.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count { sent += max(0, send(fd, raw.baseAddress! + sent, raw.count - sent, 0)) }
        }
        close(fd)
        while stats.value(key) - before < metricCount { usleep(200) }
        return metricCount
    }
    try! await server.shutdown()
}
if wanted("loopback-grpc") {
    // kaiju-traces' OTLP/gRPC path end to end: the SDK's one-span export request (and 100 of it in one
    // request), 32 unary calls in flight on one HTTP/2 connection, gzip, into a running server with one
    // `select *` rule.
    let stats = IngestStats()
    let configuration = ModuleConfiguration(
        name: "bench",
        listeners: [.otlpGRPC(name: "grpc", address: BindAddress(host: "127.0.0.1", port: 0), signal: .traces)],
        admin: nil,
        hl: nil
    )
    let server = try! await ModuleServer.start(configuration, logger: .init(label: "bench"), stats: stats) { runtime in
        try runtime.add(StatementPlan(streams: [.type("Span")], select: [.wildcard]), name: "all")
    }
    let port = server.boundAddresses["grpc"]!.port!
    let request = try! Inflater().inflate(
        [UInt8](try! Data(contentsOf: fixtures.appendingPathComponent("otlp-traces-protobuf-gzip.bin")))
    )
    let key = IngestStats.Key("kaiju_events_in_total", ["type": "Span"])
    var config = HTTP2ClientTransport.Posix.Config.defaults
    config.compression.algorithm = .gzip
    let transport = try! HTTP2ClientTransport.Posix(
        target: .ipv4(address: "127.0.0.1", port: port),
        transportSecurity: .plaintext,
        config: config
    )
    try! await withGRPCClient(transport: transport) { client in
        let method = MethodDescriptor(fullyQualifiedService: OTLPSignal.traces.grpcService, method: "Export")
        var options = CallOptions.defaults
        options.compression = .gzip
        // A request is a repeated field: the one-span request 100 times over is one request of 100 spans.
        for (spans, calls) in [(1, 20_000), (100, 2_000)] {
            let batch = Array([[UInt8]](repeating: request, count: spans).joined())
            try await measure(
                "loopback OTLP/gRPC → engine (\(spans) per call)",
                bytes: batch.count * calls
            ) {
                let before = stats.value(key)
                try await exportAll(client, method: method, request: batch, calls: calls, options: options)
                while stats.value(key) - before < calls * spans { try await Task.sleep(for: .microseconds(200)) }
                return calls * spans
            }
        }
    }
    try! await server.shutdown()
}
