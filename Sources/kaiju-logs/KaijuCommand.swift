import ArgumentParser
import Foundation
import KaijuCodecs
import KaijuCommandLine
import KaijuCore
import KaijuRules
import KaijuServer

/// kaiju-logs: Takes logs as Fluentd and Fluent Bit send them (Forward protocol, http output; OTLP/HTTP and gRPC) and runs Kaiju's rules over them.
///
/// Thin: flags, the built-in rule set (the paper's, for this module), listeners, clean shutdown on SIGINT/SIGTERM.
@main
struct KaijuCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaiju-logs",
        abstract:
            "Takes logs as Fluentd and Fluent Bit send them (Forward protocol, http output; OTLP/HTTP and gRPC) and runs Kaiju's rules over them.",
        discussion:
            "Output rows go to stdout as {\"statement\":NAME,\"row\":{...}}, one per line; logs go to stderr. Every address flag accepts 'none'."
    )

    @OptionGroup var options: ServerOptions

    @Option(help: "Address for the Fluentd Forward protocol (TCP, and UDP heartbeats on the same port).")
    var forward = AddressOption(host: "0.0.0.0", port: 24224)

    @Option(help: "HTTP address for the Fluentd / Fluent Bit http output (any path).")
    var http = AddressOption(host: "0.0.0.0", port: 9880)

    @Option(help: "OTLP/HTTP address (POST /v1/logs, protobuf or JSON, gzip).")
    var otlpHttp = AddressOption(host: "0.0.0.0", port: 4318)

    @Option(help: "OTLP/gRPC address (the collector's LogsService/Export, protobuf, gzip).")
    var otlpGrpc = AddressOption(host: "0.0.0.0", port: 4317)

    @Option(
        help:
            "Require the Forward handshake with this shared key (every port then refuses Forward without it); prefer --shared-key-file or $KAIJU_SHARED_KEY, which stay out of ps."
    )
    var sharedKey: String?

    @Option(help: "File whose first line is the Forward shared key.")
    var sharedKeyFile: String?

    func run() async throws {
        let key = try Secret.resolve(value: self.sharedKey, file: self.sharedKeyFile, environment: "KAIJU_SHARED_KEY")
        try await ServerMain.run(
            name: "kaiju-logs",
            options: self.options,
            listeners: [
                self.forward.address.map { .stream(name: "forward", address: $0, sharedKey: key) },
                self.forward.address.map { .forwardHeartbeat(name: "forward-heartbeat", address: $0) },
                self.http.address.map { .http(name: "http", address: $0, kind: .fluent) },
                self.otlpHttp.address.map { .http(name: "otlp-http", address: $0, kind: .otlp(.logs)) },
                self.otlpGrpc.address.map { .otlpGRPC(name: "otlp-grpc", address: $0, signal: .logs) },
            ]
        ) { runtime, listener in
            try PaperRules.installLogs(in: runtime, listener: listener)
        }
    }
}
