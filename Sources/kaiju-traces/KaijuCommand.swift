import ArgumentParser
import Foundation
import KaijuCore
import KaijuRules
import KaijuCodecs
import KaijuCommandLine
import KaijuServer

/// kaiju-traces: Takes spans as Jaeger and OpenTelemetry clients send them (Thrift UDP and HTTP, OTLP/HTTP) and runs Kaiju's rules over them.
///
/// Thin: flags, the built-in rule set (the paper's, for this module), listeners, clean shutdown on SIGINT/SIGTERM.
@main
struct KaijuCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaiju-traces",
        abstract: "Takes spans as Jaeger and OpenTelemetry clients send them (Thrift UDP and HTTP, OTLP/HTTP) and runs Kaiju's rules over them.",
        discussion: "Output rows go to stdout as {\"statement\":NAME,\"row\":{...}}, one per line; logs go to stderr. Every address flag accepts 'none'."
    )

    @OptionGroup var options: ServerOptions

    @Option(help: "UDP address for Jaeger agent emitBatch in the compact Thrift protocol.")
    var jaegerCompact = "0.0.0.0:6831"

    @Option(help: "UDP address for Jaeger agent emitBatch in the binary Thrift protocol.")
    var jaegerBinary = "0.0.0.0:6832"

    @Option(help: "HTTP address for the Jaeger collector API (POST /api/traces, binary Thrift Batch).")
    var jaegerHttp = "0.0.0.0:14268"

    @Option(help: "HTTP address for OTLP/HTTP (POST /v1/traces, protobuf or JSON).")
    var otlpHttp = "0.0.0.0:4318"

    func run() throws {
        try ServerMain.run(
            name: "kaiju-traces", options: self.options,
            listeners: [
                .jaegerUDP(name: "jaeger-compact", address: self.jaegerCompact, binary: false),
                .jaegerUDP(name: "jaeger-binary", address: self.jaegerBinary, binary: true),
                .http(name: "jaeger-http", address: self.jaegerHttp, kind: .jaeger),
                .http(name: "otlp-http", address: self.otlpHttp, kind: .otlp),
            ]
        ) { runtime, listener in
            try PaperRules.installTraces(in: runtime, listener: listener)
        }
    }
}
