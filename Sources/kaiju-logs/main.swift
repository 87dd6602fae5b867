import ArgumentParser

/// kaiju-logs: Takes logs as Fluentd and Fluent Bit send them and runs Kaiju's rules over them.
///
/// The listeners arrive with the ingest work; today the command describes itself and exits.
@main
struct KaijuCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaiju-logs",
        abstract: "Takes logs as Fluentd and Fluent Bit send them and runs Kaiju's rules over them.",
        discussion: "Servers are not wired yet: run 'swift run kaiju-demo' for the embedded default rule set."
    )

    mutating func run() throws {
        print(Self.helpMessage())
    }
}
