import ArgumentParser
import Foundation
import KaijuCodecs
import KaijuCommandLine
import KaijuCore
import KaijuRules
import KaijuServer

/// kaiju-metrics: Takes metrics as Telegraf sends them (socket_writer, http, InfluxDB write API; OTLP/HTTP and gRPC; Prometheus) and runs Kaiju's rules over them.
///
/// Thin: flags, the built-in rule set (the paper's, for this module), listeners, clean shutdown on SIGINT/SIGTERM.
@main
struct KaijuCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaiju-metrics",
        abstract:
            "Takes metrics as Telegraf sends them (socket_writer, http, InfluxDB write API; OTLP/HTTP and gRPC; Prometheus) and runs Kaiju's rules over them.",
        discussion:
            "Output rows go to stdout as {\"statement\":NAME,\"row\":{...}}, one per line; logs go to stderr. Every address flag accepts 'none'."
    )

    @OptionGroup var options: ServerOptions

    @Option(
        help:
            "HTTP address for Telegraf outputs.http (any path, e.g. /telegraf) and the InfluxDB write API (/write, /api/v2/write)."
    )
    var http = AddressOption(host: "0.0.0.0", port: 8186)

    @Option(help: "OTLP/HTTP address (POST /v1/metrics, protobuf or JSON, gzip).")
    var otlpHttp = AddressOption(host: "0.0.0.0", port: 4318)

    @Option(help: "OTLP/gRPC address (the collector's MetricsService/Export, protobuf, gzip).")
    var otlpGrpc = AddressOption(host: "0.0.0.0", port: 4317)

    func run() async throws {
        try await ServerMain.run(
            name: "kaiju-metrics",
            options: self.options,
            listeners: [
                self.http.address.map { .http(name: "http", address: $0, kind: .telegraf) },
                self.otlpHttp.address.map { .http(name: "otlp-http", address: $0, kind: .otlp(.metrics)) },
                self.otlpGrpc.address.map { .otlpGRPC(name: "otlp-grpc", address: $0, signal: .metrics) },
            ]
        ) { runtime, listener in
            try PaperRules.installMetrics(in: runtime, listener: listener)
        }
    }
}
