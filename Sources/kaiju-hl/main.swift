import ArgumentParser

/// kaiju-hl: Receives Events from the other modules, derives declared event types and correlates across sources.
///
/// The listeners arrive with the ingest work; today the command describes itself and exits.
@main
struct KaijuCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaiju-hl",
        abstract: "Receives Events from the other modules, derives declared event types and correlates across sources.",
        discussion: "Servers are not wired yet: run 'swift run kaiju-demo' for the embedded default rule set."
    )

    mutating func run() throws {
        print(Self.helpMessage())
    }
}
