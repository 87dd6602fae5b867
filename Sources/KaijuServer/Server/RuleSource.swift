import Foundation
import KaijuCodecs
public import KaijuCore
public import KaijuEPL

/// A rule file that cannot be loaded: every broken line, each with its position and caret.
public struct RuleFileError: Error, Hashable, CustomStringConvertible {
    /// What is wrong, naming the file (and line and column where one is at fault).
    public let description: String

    /// Creates an error.
    /// - Parameter description: What is wrong, naming the file.
    public init(_ description: String) { self.description = description }
}

/// What rules a server runs: `statements.txt` (and, for kaiju-hl, `events.txt`) and an EPL module
/// (`--rules`) when given, else the module's built-in Swift rule set, the embedded default.
public struct RuleSource: Sendable {
    /// The statements file to read, or `nil` for the built-in rules.
    public var statementsPath: String?
    /// An EPL module to install after the statements file (its `@name`d statements print their rows).
    public var modulePath: String?
    /// kaiju-hl's events file, or `nil` for the built-in hierarchy (when the module has one).
    public var eventsPath: String?
    /// Replaces `:retentionTime:`.
    public var retentionTime: String
    /// The built-in rules, printing with the listener given.
    public var builtIn: @Sendable (Runtime, @escaping StatementListener) throws -> Void
    /// The built-in event types installed before a statements file (kaiju-hl's hierarchy).
    public var builtInEvents: (@Sendable (Runtime) throws -> Void)?

    /// Rules from `statementsPath` (and `eventsPath`) when given, else the built-in ones.
    public init(
        statementsPath: String?,
        eventsPath: String? = nil,
        retentionTime: String = "2min",
        builtIn: @escaping @Sendable (Runtime, @escaping StatementListener) throws -> Void,
        builtInEvents: (@Sendable (Runtime) throws -> Void)? = nil
    ) {
        self.statementsPath = statementsPath
        self.eventsPath = eventsPath
        self.retentionTime = retentionTime
        self.builtIn = builtIn
        self.builtInEvents = builtInEvents
    }

    /// Where the rules come from, for the log.
    public var summary: String {
        var parts = [self.statementsPath, self.eventsPath, self.modulePath].compactMap { $0 }
        if self.statementsPath == nil && self.modulePath == nil { parts = ["built-in rules"] }
        return parts.joined(separator: " and ")
    }

    /// Installs the rules into `runtime`, listeners from `listener`.
    /// - Throws: ``RuleFileError`` naming every broken line of the files (nothing is half-loaded silently:
    ///   the caller refuses to start).
    public func install(in runtime: Runtime, listener: (StatementsFile.Entry) throws -> StatementListener?) throws {
        if self.statementsPath != nil || self.modulePath == nil {
            try self.installStatements(in: runtime, listener: listener)
        }
        if let path = self.modulePath { try Self.installModule(path, in: runtime, listener: listener) }
    }

    /// Installs `path`'s EPL module; a statement named with `@name` gets the stdout listener.
    /// - Throws: ``RuleFileError`` with the position of the first broken statement.
    static func installModule(
        _ path: String,
        in runtime: Runtime,
        listener: (StatementsFile.Entry) throws -> StatementListener?
    ) throws {
        let text = try Self.read(path)
        var failure: (any Error)?
        do throws(EPLSyntaxError) {
            let module = try EPLModule(text: text)
            _ = try module.install(in: runtime) { name, statement in
                do {
                    guard let entry = try statement.entry(name: name) else { return nil }
                    return try listener(entry)
                } catch {
                    failure = error
                    return nil
                }
            }
        } catch {
            throw RuleFileError("\(path):\(error)")
        }
        if let failure { throw RuleFileError("\(path): \(failure)") }
    }

    private func installStatements(
        in runtime: Runtime,
        listener: (StatementsFile.Entry) throws -> StatementListener?
    ) throws {
        guard let path = self.statementsPath else {
            try self.builtIn(
                runtime,
                try listener(StatementsFile.Entry(line: 0, name: nil, listener: .simple, text: "")) ?? { _ in }
            )
            return
        }
        var messages: [String] = []
        if let events = self.eventsPath {
            let (file, errors) = EventsFile.parse(try Self.read(events))
            messages += errors.map { "\(events):\($0)" }
            if errors.isEmpty {
                do throws(EPLSyntaxError) { try file.install(in: runtime) } catch {
                    messages.append("\(events):\(error)")
                }
            }
        } else if let builtInEvents = self.builtInEvents {
            try builtInEvents(runtime)
        }
        let (file, parseErrors) = StatementsFile.parse(try Self.read(path), retentionTime: self.retentionTime)
        var errors = parseErrors
        var listenerErrors: [String] = []
        errors += file.install(in: runtime) { entry in
            do { return try listener(entry) } catch {
                listenerErrors.append("\(path):\(entry.line): \(error)")
                return nil
            }
        }
        messages += errors.sorted { $0.line < $1.line }.map { "\(path):\($0)" } + listenerErrors
        if !messages.isEmpty { throw RuleFileError(messages.joined(separator: "\n")) }
    }

    static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw RuleFileError("cannot read \(path)") }
        return String(decoding: data, as: UTF8.self)
    }
}
