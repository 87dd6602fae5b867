import ArgumentParser
import Foundation
import KaijuCodecs
import KaijuCommandLine
import KaijuCore
import KaijuRules
import KaijuServer

/// kaiju-hl: Receives Events from the other modules (or other kaiju-hl instances), derives the declared event types and correlates them.
///
/// Thin: flags, the built-in rule set (the paper's, for this module), listeners, clean shutdown on SIGINT/SIGTERM.
@main
struct KaijuCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaiju-hl",
        abstract:
            "Receives Events from the other modules (or other kaiju-hl instances), derives the declared event types and correlates them.",
        discussion:
            "Output rows go to stdout as {\"statement\":NAME,\"row\":{...}}, one per line; logs go to stderr. Every address flag accepts 'none'."
    )

    @OptionGroup var options: ServerOptions

    @Option(help: "Event type file (default stmts/events.txt; a missing file given explicitly is an error).")
    var events: String?

    func validate() throws {
        if let path = self.events, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("--events \(path): no such file")
        }
    }

    func run() async throws {
        try await ServerMain.run(
            name: "kaiju-hl",
            options: self.options,
            listeners: [],
            eventsPath: self.events ?? "stmts/events.txt",
            builtInEvents: { runtime in try HighLevelEvents.install(in: runtime) },
            builtIn: { runtime, listener in try PaperRules.installHighLevel(in: runtime, listener: listener) }
        )
    }
}
