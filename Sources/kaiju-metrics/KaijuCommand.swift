import ArgumentParser
import Foundation
import KaijuCore
import KaijuRules
import KaijuCodecs
import KaijuCommandLine
import KaijuServer

/// kaiju-metrics: Takes metrics as Telegraf sends them (socket_writer, http, InfluxDB write API) and runs Kaiju's rules over them.
///
/// Thin: flags, the built-in rule set (the paper's, for this module), listeners, clean shutdown on SIGINT/SIGTERM.
@main
struct KaijuCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaiju-metrics",
        abstract: "Takes metrics as Telegraf sends them (socket_writer, http, InfluxDB write API) and runs Kaiju's rules over them.",
        discussion: "Output rows go to stdout as {\"statement\":NAME,\"row\":{...}}, one per line; logs go to stderr. Every address flag accepts 'none'."
    )

    @OptionGroup var options: ServerOptions

    @Option(help: "HTTP address for Telegraf outputs.http (any path, e.g. /telegraf) and the InfluxDB write API (/write, /api/v2/write).")
    var http = "0.0.0.0:8186"

    func run() throws {
        try ServerMain.run(
            name: "kaiju-metrics", options: self.options,
            listeners: [.http(name: "http", address: self.http, kind: .telegraf)]
        ) { runtime, listener in
            try PaperRules.installMetrics(in: runtime, listener: listener)
        }
    }
}
