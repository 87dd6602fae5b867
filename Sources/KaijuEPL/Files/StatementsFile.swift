import Foundation
public import KaijuCore

/// The original Kaiju's `statements.txt`: one statement a line, `key:value[,key:value]*=STATEMENT`
/// (the first `=` splits the configuration from the EPL), `#` comments, `:retentionTime:` replaced.
///
/// Keys: `name`, `listener` (`simple`, `none`, `hl`, `sample`, `alertmanager`, `webhook`), `address` (for
/// `hl`), `path` (for `sample`), `url` (for `alertmanager` and `webhook`),
/// `partitionKey` (with NATS, the Event property the statement's Events are partitioned by; needs `name`).
public struct StatementsFile: Sendable {
    /// Where a statement's output rows go.
    public enum Listener: Sendable, Hashable {
        /// `{"statement":NAME,"row":{...}}` lines on stdout.
        case simple
        /// Rows go nowhere (the statement only inserts).
        case none
        /// Rows forwarded as Events to kaiju-hl: `address`, or the server's `--hl` when `nil`.
        case hl(address: String?)
        /// Each row appended to `path` as one JSON line.
        case sample(path: String)
        /// Each row posted as an alert to Alertmanager: `url`, or the server's `--alertmanager` when `nil`.
        case alertmanager(url: String?)
        /// Rows posted as JSON in batches: `url`, or the server's `--webhook` when `nil`.
        case webhook(url: String?)

        /// The listener as written in a rule file (`hl(address)`, `sample(path)`, `webhook(url)`).
        public var description: String {
            switch self {
            case .simple: return "simple"
            case .none: return "none"
            case .hl(let address): return address.map { "hl(\($0))" } ?? "hl"
            case .sample(let path): return "sample(\(path))"
            case .alertmanager(let url): return url.map { "alertmanager(\($0))" } ?? "alertmanager"
            case .webhook(let url): return url.map { "webhook(\($0))" } ?? "webhook"
            }
        }
    }

    /// One statement line.
    public struct Entry: Sendable, Hashable {
        /// 1-based line number in the file.
        public var line: Int
        /// The statement's `name`, if given.
        public var name: String?
        /// Where its rows go.
        public var listener: Listener
        /// The EPL text (with `:retentionTime:` replaced).
        public var text: String
        /// The line's `key:value=` part, for error columns.
        public var prefix: String
        /// The Event property (`payload.host`) the statement's Events are partitioned by over NATS, if
        /// not the server's `--partition-key`.
        public var partitionKey: [String]?

        /// An entry from `line` of the file.
        public init(line: Int, name: String?, listener: Listener, text: String, prefix: String = "") {
            self.line = line
            self.name = name
            self.listener = listener
            self.text = text
            self.prefix = prefix
        }
    }

    /// The statements, in file order.
    public var entries: [Entry]

    /// Parses a file's contents. Returns the entries and an error for every line whose configuration is broken.
    public static func parse(
        _ contents: String,
        retentionTime: String = "2min"
    ) -> (file: StatementsFile, errors: [EPLSyntaxError]) {
        var entries: [Entry] = []
        var errors: [EPLSyntaxError] = []
        for (number, line) in ruleLines(contents) {
            do throws(EPLSyntaxError) {
                entries.append(try self.entry(line, number: number, retentionTime: retentionTime))
            } catch {
                errors.append(error)
            }
        }
        return (StatementsFile(entries: entries), errors)
    }

    /// One line: configuration (when the part before the first `=` is `key:value` pairs) and statement.
    static func entry(_ line: String, number: Int, retentionTime: String) throws(EPLSyntaxError) -> Entry {
        var name: String?
        var listener = Listener.simple
        var listenerName = "simple"
        var address: String?
        var path: String?
        var partitionKey: [String]?
        var url: String?
        var text = line
        var prefix = ""
        if let eq = line.firstIndex(of: "="), Self.isConfiguration(line[..<eq]) {
            prefix = String(line[...eq])
            text = String(line[line.index(after: eq)...])
            var column = 1
            for pair in line[..<eq].split(separator: ",", omittingEmptySubsequences: false) {
                let colon = pair.firstIndex(of: ":")!
                let key = pair[..<colon].trimmingSpaces.lowercased()
                let value = String(pair[pair.index(after: colon)...].trimmingSpaces)
                switch key {
                case "name": name = value
                case "listener": listenerName = value.lowercased()
                case "address": address = value
                case "path": path = value
                case "url": url = value
                case "partitionkey":
                    guard let parsed = Self.propertyPath(value) else {
                        throw EPLSyntaxError(
                            "partitionKey '\(value)' is not payload.KEY or context.KEY",
                            line: number,
                            column: column,
                            sourceLine: line
                        )
                    }
                    partitionKey = parsed
                default:
                    throw EPLSyntaxError(
                        "unknown key '\(key)' (expected name, listener, address, path, url or partitionKey)",
                        line: number,
                        column: column,
                        sourceLine: line
                    )
                }
                column += pair.count + 1
            }
            switch listenerName {
            case "simple": listener = .simple
            case "none": listener = .none
            case "hl": listener = .hl(address: address)
            case "sample": listener = .sample(path: path ?? "./sampled.txt")
            case "alertmanager": listener = .alertmanager(url: url)
            case "webhook": listener = .webhook(url: url)
            default:
                let at =
                    (line.range(of: "listener:").map { line.distance(from: line.startIndex, to: $0.upperBound) } ?? 0)
                    + 1
                throw EPLSyntaxError(
                    "unknown listener '\(listenerName)' (expected simple, none, hl, sample, alertmanager or webhook)",
                    line: number,
                    column: at,
                    sourceLine: line
                )
            }
        }
        if partitionKey != nil, name == nil {
            throw EPLSyntaxError("partitionKey needs a name", line: number, column: 1, sourceLine: line)
        }
        let replaced = text.replacingOccurrences(of: ":retentionTime:", with: retentionTime)
        var entry = Entry(line: number, name: name, listener: listener, text: replaced, prefix: prefix)
        entry.partitionKey = partitionKey
        return entry
    }

    /// `payload.KEY[.KEY...]` or `context.KEY[...]` as its parts, or `nil` for anything else.
    public static func propertyPath(_ text: String) -> [String]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, parts[0] == "payload" || parts[0] == "context", !parts.contains(where: \.isEmpty)
        else { return nil }
        return parts
    }

    /// Whether `s` is `key:value[,key:value]*` with plain-word keys (not the start of an EPL statement).
    static func isConfiguration(_ s: Substring) -> Bool {
        s.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { pair in
            guard let colon = pair.firstIndex(of: ":") else { return false }
            let key = pair[..<colon].trimmingSpaces
            return !key.isEmpty && key.allSatisfy { $0.isLetter || $0 == "_" }
        }
    }

    /// Parses and installs every entry into `runtime`, in file order, each with the listener `listener`
    /// returns for it. Keeps going past a broken statement, so every broken line is reported.
    /// - Returns: the errors, in line order (empty when every statement was installed).
    public func install(in runtime: Runtime, listener: (Entry) -> StatementListener?) -> [EPLSyntaxError] {
        var errors: [EPLSyntaxError] = []
        for entry in self.entries {
            do throws(EPLSyntaxError) {
                try EPL.install(
                    entry.text,
                    in: runtime,
                    name: entry.name,
                    listener: listener(entry),
                    line: entry.line,
                    prefix: entry.prefix
                )
            } catch {
                errors.append(error)
            }
        }
        return errors
    }
}

/// A rule file's lines that hold something, with their 1-based numbers: blank lines and `#` comments
/// are skipped, a trailing `\r` dropped.
func ruleLines(_ contents: String) -> [(number: Int, text: String)] {
    var out: [(Int, String)] = []
    for (i, raw) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
        out.append((i + 1, line))
    }
    return out
}

extension StringProtocol {
    var trimmingSpaces: String { self.trimmingCharacters(in: .whitespaces) }
}
