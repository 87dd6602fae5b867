import Foundation
import KaijuCore
import KaijuEPL
import KaijuServer
import Logging
import NIOCore
import NIOPosix

/// `--replay PATH`: the module's rules over a recording on the virtual clock (starting at the first
/// record's `at`), as fast as it can; output as the live server prints it, Events forwarded if `--hl` is
/// given; ends after the timers due up to the last event plus the longest window.
enum ReplayMain {
    static func run(_ path: String, rules: RuleSource, options: ServerOptions, logger: Logger) async throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw RuleFileError("cannot read \(path)") }
        let bytes = [UInt8](data)
        let runtime = Runtime(
            clock: .virtual(startingAt: RecordingPlayer.startTime(of: bytes) ?? 0),
            limits: options.runtimeLimits
        )
        runtime.logger = logger
        let group = MultiThreadedEventLoopGroup.singleton
        let stats = IngestStats()
        let tls = options.hlTls ? try options.tlsFiles.clientContext() : nil
        let forwarder = try options.hlAddress().map {
            HLForwarder(
                to: $0,
                capacity: options.forwardBuffer,
                loop: group.next(),
                stats: stats,
                logger: logger,
                tls: tls
            )
        }
        let sinks = StatementSinks(
            defaultForwarder: forwarder,
            loop: group.next(),
            stats: stats,
            logger: logger,
            forwardBuffer: options.forwardBuffer,
            sampleDirectory: options.sampleDirectory,
            allowRuleAddresses: options.allowRuleAddresses,
            tls: tls
        )
        try rules.install(in: runtime) { entry in try sinks.listener(for: entry.listener) }
        if let forwarder { forwarder.forwardEvents(of: runtime, stats: stats) }
        let summary = RecordingPlayer.play(bytes, into: runtime, drain: runtime.longestPeriod)
        for (line, error) in summary.errors { logger.error("\(path):\(line): \(error)") }
        logger.info("replayed \(summary.events) events from \(path) (\(summary.errors.count) bad lines)")
        if let forwarder { try? await forwarder.close(timeout: .seconds(2)).get() }
        await sinks.close(timeout: .seconds(2))
    }
}
