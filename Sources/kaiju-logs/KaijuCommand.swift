import ArgumentParser
import Foundation
import KaijuCore
import KaijuRules
import KaijuCodecs
import KaijuCommandLine
import KaijuServer

/// kaiju-logs: Takes logs as Fluentd and Fluent Bit send them (Forward protocol, http output) and runs Kaiju's rules over them.
///
/// Thin: flags, the built-in rule set (the paper's, for this module), listeners, clean shutdown on SIGINT/SIGTERM.
@main
struct KaijuCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaiju-logs",
        abstract: "Takes logs as Fluentd and Fluent Bit send them (Forward protocol, http output) and runs Kaiju's rules over them.",
        discussion: "Output rows go to stdout as {\"statement\":NAME,\"row\":{...}}, one per line; logs go to stderr. Every address flag accepts 'none'."
    )

    @OptionGroup var options: ServerOptions

    @Option(help: "Address for the Fluentd Forward protocol (TCP, and UDP heartbeats on the same port).")
    var forward = "0.0.0.0:24224"

    @Option(help: "HTTP address for the Fluentd / Fluent Bit http output (any path).")
    var http = "0.0.0.0:9880"

    @Option(help: "Require the Forward handshake with this shared key (every port then refuses Forward without it); prefer --shared-key-file or $KAIJU_SHARED_KEY, which stay out of ps.")
    var sharedKey: String?

    @Option(help: "File whose first line is the Forward shared key.")
    var sharedKeyFile: String?

    func run() throws {
        let key = try Secret.resolve(value: self.sharedKey, file: self.sharedKeyFile, environment: "KAIJU_SHARED_KEY")
        try ServerMain.run(
            name: "kaiju-logs", options: self.options,
            listeners: [
                .stream(name: "forward", address: self.forward, sharedKey: key),
                .forwardHeartbeat(name: "forward-heartbeat", address: self.forward),
                .http(name: "http", address: self.http, kind: .fluent),
            ]
        ) { runtime, listener in
            try PaperRules.installLogs(in: runtime, listener: listener)
        }
    }
}
