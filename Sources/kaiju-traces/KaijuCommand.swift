import ArgumentParser
import Foundation
import KaijuCodecs
import KaijuCommandLine
import KaijuCore
import KaijuRules
import KaijuServer

/// kaiju-traces: Takes spans as Jaeger and OpenTelemetry clients send them (Thrift UDP and HTTP, OTLP/HTTP and gRPC) and runs Kaiju's rules over them.
///
/// Thin: flags, the built-in rule set (the paper's, for this module), listeners, clean shutdown on SIGINT/SIGTERM.
@main
struct KaijuCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaiju-traces",
        abstract:
            "Takes spans as Jaeger and OpenTelemetry clients send them (Thrift UDP and HTTP, OTLP/HTTP and gRPC) and runs Kaiju's rules over them.",
        discussion:
            "Output rows go to stdout as {\"statement\":NAME,\"row\":{...}}, one per line; logs go to stderr. Every address flag accepts 'none'."
    )

    @OptionGroup var options: ServerOptions

    @Option(help: "UDP address for Jaeger agent emitBatch in the compact Thrift protocol.")
    var jaegerCompact = AddressOption(host: "0.0.0.0", port: 6831)

    @Option(help: "UDP address for Jaeger agent emitBatch in the binary Thrift protocol.")
    var jaegerBinary = AddressOption(host: "0.0.0.0", port: 6832)

    @Option(help: "HTTP address for the Jaeger collector API (POST /api/traces, binary Thrift Batch).")
    var jaegerHttp = AddressOption(host: "0.0.0.0", port: 14268)

    @Option(help: "HTTP address for OTLP/HTTP (POST /v1/traces, protobuf or JSON).")
    var otlpHttp = AddressOption(host: "0.0.0.0", port: 4318)

    @Option(help: "OTLP/gRPC address (the collector's TraceService/Export, protobuf, gzip).")
    var otlpGrpc = AddressOption(host: "0.0.0.0", port: 4317)

    @Option(
        help:
            "Address of the traces API (the original's traces-api mode): spans retained for --rtime, GET /api/traces/all, /api/traces?service=, /api/traces/ID, /api/logs/KEY, /api/dependencies/ID (none to disable)."
    )
    var tracesApi = AddressOption.none

    @Option(
        help:
            "Tail sampling: file (inside --sample-dir) the spans of traces flagged by an Event's payload.traceId are appended to as they leave retention."
    )
    var traceSamples: String?

    func run() async throws {
        let tracesAPI = self.tracesApi.address
        let samples = self.traceSamples
        try await ServerMain.run(
            name: "kaiju-traces",
            options: self.options,
            listeners: [
                self.jaegerCompact.address.map { .jaegerUDP(name: "jaeger-compact", address: $0, binary: false) },
                self.jaegerBinary.address.map { .jaegerUDP(name: "jaeger-binary", address: $0, binary: true) },
                self.jaegerHttp.address.map { .http(name: "jaeger-http", address: $0, kind: .jaeger) },
                self.otlpHttp.address.map { .http(name: "otlp-http", address: $0, kind: .otlp(.traces)) },
                self.otlpGrpc.address.map { .otlpGRPC(name: "otlp-grpc", address: $0, signal: .traces) },
            ],
            adjust: { configuration in
                configuration.tracesAPI = tracesAPI
                configuration.traceSamples = samples
            },
            builtIn: { runtime, listener in
                try PaperRules.installTraces(in: runtime, listener: listener)
            }
        )
    }
}
