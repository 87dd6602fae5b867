import ArgumentParser

/// kaiju-traces: Takes spans as Jaeger and OpenTelemetry clients send them and runs Kaiju's rules over them.
///
/// The listeners arrive with the ingest work; today the command describes itself and exits.
@main
struct KaijuCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaiju-traces",
        abstract: "Takes spans as Jaeger and OpenTelemetry clients send them and runs Kaiju's rules over them.",
        discussion: "Servers are not wired yet: run 'swift run kaiju-demo' for the embedded default rule set."
    )

    mutating func run() throws {
        print(Self.helpMessage())
    }
}
