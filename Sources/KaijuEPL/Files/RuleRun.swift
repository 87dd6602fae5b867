public import KaijuCore

/// Runs rules over a recording on the virtual clock, as `kaiju run` does, with Esper's external-clock
/// semantics: the time is set to the first line's `at` before the rules are deployed; before each line,
/// every timer due up to its `at` fires at its own due time; after the last line, time advances to
/// `until`. Each delivery of an explicitly named statement (`@name('x')`, `name:x`) becomes one output
/// line per row: `{"at":MS,"statement":"NAME","row":{...}}` for each new row, then
/// `{"at":MS,"statement":"NAME","old":{...}}` for each old row.
///
/// ```swift
/// let module = try EPLModule(text: rulesText)
/// let problems = try RuleRun.run(.module(module), recording: bytes, until: 60_000) { print($0) }
/// ```
public enum RuleRun {
    /// The rules to run.
    public enum Rules: Sendable {
        /// An Esper EPL module.
        case module(EPLModule)
        /// A `statements.txt`.
        case statements(StatementsFile)
    }

    /// A recording line that could not be used: its 1-based number and why.
    public struct LineProblem: Error, Sendable, Hashable, CustomStringConvertible {
        /// The line's number in the recording (1-based).
        public let line: Int
        /// What is wrong with it.
        public let message: String
        /// `line N: message`.
        public var description: String { "line \(self.line): \(self.message)" }
    }

    /// Deploys `rules` and replays `recording` (ndjson recording lines) through them.
    /// - Parameters:
    ///   - rules: The module or statements file.
    ///   - recording: The recording's bytes.
    ///   - until: The time to advance to after the last line, if later.
    ///   - limits: The runtime's limits.
    ///   - output: Receives each output line (without its newline), in delivery order.
    /// - Returns: The lines that could not be parsed or sent; the others ran.
    /// - Throws: ``EPLSyntaxError`` for the first rule that does not parse or compile.
    public static func run(
        _ rules: Rules,
        recording: [UInt8],
        until: Int64?,
        limits: RuntimeLimits = RuntimeLimits(),
        output: @escaping (String) -> Void
    ) throws(EPLSyntaxError) -> [LineProblem] {
        var problems: [LineProblem] = []
        var lines: [(number: Int, line: RecordingLine)] = []
        RecordingPlayer.forEachLine(of: recording) { number, parsed in
            switch parsed {
            case .success(let line): lines.append((number, line))
            case .failure(let error): problems.append(LineProblem(line: number, message: "\(error)"))
            }
        }

        let runtime = Runtime(clock: .virtual(startingAt: lines.first?.line.at ?? 0), limits: limits)
        switch rules {
        case .module(let module):
            try module.install(in: runtime) { name, statement in
                statement.name == nil ? nil : Self.printer(name, output)
            }
        case .statements(let file):
            let errors = file.install(in: runtime) { entry in entry.name.map { Self.printer($0, output) } }
            if let first = errors.first { throw first }
        }
        for (number, line) in lines {
            runtime.advance(to: line.at)
            if case .declared(let declared) = line.event {
                do throws(PlanError) {
                    try runtime.send(declared, at: line.at)
                } catch {
                    problems.append(LineProblem(line: number, message: error.message))
                }
            } else {
                runtime.send(line.event, at: line.at)
            }
        }
        if let until { runtime.advance(to: until) }
        return problems.sorted { $0.line < $1.line }
    }

    /// A listener writing each row of a delivery as an output line: new rows, then old rows.
    private static func printer(_ name: String, _ output: @escaping (String) -> Void) -> StatementListener {
        { delivery in
            for row in delivery.rows { output(Self.line(delivery.time, name, "row", row)) }
            for row in delivery.oldRows { output(Self.line(delivery.time, name, "old", row)) }
        }
    }

    /// `{"at":MS,"statement":"NAME","row"|"old":{...}}`.
    private static func line(_ time: Int64, _ name: String, _ kind: String, _ row: Row) -> String {
        var w = JSONWriter()
        w.object { w in
            w.key("at", first: true)
            w.write(time)
            w.key("statement")
            w.write(name)
            w.key(kind)
            row.encode(to: &w)
        }
        return w.string
    }
}
