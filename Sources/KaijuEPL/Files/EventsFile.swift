public import KaijuCore

/// kaiju-hl's `events.txt`: one event type a line, `Name>{pkey:type,...}>{ckey:type,...}>{Parent,...}`
/// (trailing parts may be omitted or empty). Each type is declared under the root `HLEvent(timestamp long)`;
/// each with payload keys gets a routing statement turning every `Event` whose payload has all of them
/// into that type (columns from `payload(key)` / `context(key)`, cast to their types).
public struct EventsFile: Sendable {
    /// One line.
    public struct Line: Sendable, Hashable {
        /// The declared type's name.
        public let name: String
        /// Its payload columns.
        public let payload: [Column]
        /// Its context columns.
        public let context: [Column]
        /// The types it inherits from.
        public let parents: [String]
        /// 1-based line number (0 for lines built in code).
        public let number: Int

        /// A declaration line.
        public init(
            name: String,
            payload: [Column] = [],
            context: [Column] = [],
            parents: [String] = [],
            number: Int = 0
        ) {
            self.name = name
            self.payload = payload
            self.context = context
            self.parents = parents
            self.number = number
        }
    }

    /// The declarations, in file order.
    public var lines: [Line]

    /// A file of `lines`.
    public init(lines: [Line]) { self.lines = lines }

    /// Parses a file's contents; `#` lines and blank lines are skipped. Returns an error for every broken line.
    public static func parse(_ contents: String) -> (file: EventsFile, errors: [EPLSyntaxError]) {
        var lines: [Line] = []
        var errors: [EPLSyntaxError] = []
        for (number, text) in ruleLines(contents) {
            do throws(EPLSyntaxError) { lines.append(try self.line(text, number: number)) } catch {
                errors.append(error)
            }
        }
        return (EventsFile(lines: lines), errors)
    }

    static func line(_ text: String, number: Int) throws(EPLSyntaxError) -> Line {
        func fail(_ message: String, _ column: Int) -> EPLSyntaxError {
            EPLSyntaxError(message, line: number, column: column, sourceLine: text)
        }
        let parts = text.split(separator: ">", omittingEmptySubsequences: false)
        guard parts.count <= 4 else { throw fail("expected at most four parts: Name>{payload}>{context}>{parents}", 1) }
        let name = parts[0].trimmingSpaces
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), name.first?.isLetter == true
        else {
            throw fail("expected an event type name", 1)
        }
        var column = parts[0].count + 2
        var groups: [[(String, Int)]] = []
        for part in parts.dropFirst() {
            groups.append(try self.braces(part, column: column, fail))
            column += part.count + 1
        }
        func columns(_ items: [(String, Int)]) throws(EPLSyntaxError) -> [Column] {
            var out: [Column] = []
            for (item, at) in items {
                let kv = item.split(separator: ":", omittingEmptySubsequences: false)
                guard kv.count == 2, !kv[0].trimmingSpaces.isEmpty else { throw fail("expected key:type", at) }
                guard let type = ColumnType(name: kv[1].trimmingSpaces) else {
                    throw fail(
                        "unknown type '\(kv[1].trimmingSpaces)' (expected string, int, long, float, double, boolean)",
                        at + kv[0].count + 1
                    )
                }
                out.append(Column(kv[0].trimmingSpaces, type))
            }
            return out
        }
        let payload = groups.count > 0 ? try columns(groups[0]) : []
        let context = groups.count > 1 ? try columns(groups[1]) : []
        let parents = groups.count > 2 ? groups[2].map(\.0).map { $0.trimmingSpaces } : []
        return Line(name: name, payload: payload, context: context, parents: parents, number: number)
    }

    /// The comma-separated items of `{a,b}` (or of an empty part), each with its column.
    private static func braces(
        _ part: Substring,
        column: Int,
        _ fail: (String, Int) -> EPLSyntaxError
    ) throws(EPLSyntaxError) -> [(String, Int)] {
        let trimmed = part.trimmingSpaces
        if trimmed.isEmpty { return [] }
        guard trimmed.hasPrefix("{"), trimmed.hasSuffix("}") else { throw fail("expected {...}", column) }
        let inner = trimmed.dropFirst().dropLast()
        if inner.trimmingSpaces.isEmpty { return [] }
        var out: [(String, Int)] = []
        var at = column + 1 + (part.count - part.drop { $0 == " " }.count)
        for item in inner.split(separator: ",", omittingEmptySubsequences: false) {
            out.append((String(item), at))
            at += item.count + 1
        }
        return out
    }

    /// Declares `HLEvent` and every line's schema, then adds the routing statements (`route NAME`).
    /// - Throws: ``EPLSyntaxError`` at the line the runtime refused (a duplicate or unknown parent).
    public func install(in runtime: Runtime) throws(EPLSyntaxError) {
        func positioned(_ e: PlanError, _ line: Line) -> EPLSyntaxError {
            EPLSyntaxError(e.message, line: line.number, column: 1, sourceLine: line.name)
        }
        if runtime.types["HLEvent"] == nil {
            do throws(PlanError) {
                try runtime.declare(SchemaDeclaration("HLEvent", columns: [.init("timestamp", .long)]))
            } catch {
                throw EPLSyntaxError(error.message, line: 0, column: 1, sourceLine: "")
            }
        }
        for line in self.lines {
            do throws(PlanError) {
                try runtime.declare(
                    SchemaDeclaration(
                        line.name,
                        columns: line.payload + line.context,
                        inherits: ["HLEvent"] + line.parents
                    )
                )
            } catch { throw positioned(error, line) }
        }
        for line in self.lines where !line.payload.isEmpty {
            do throws(PlanError) { try runtime.add(Self.route(line), name: "route \(line.name)") } catch {
                throw positioned(error, line)
            }
        }
    }

    /// `insert into Name select timestamp, payload('k') as k, ..., context('c') as c from Event(payload has every key)`.
    public static func route(_ line: Line) -> StatementPlan {
        let payload = ExprNode.property(stream: nil, path: ["payload"])
        let context = ExprNode.property(stream: nil, path: ["context"])
        let filter = ExprNode.conjunction(
            line.payload.map { .call("containsKey", [payload, .literal(.string($0.name))]) }
        )
        var select: [StatementPlan.SelectItem] = [
            .expression(.property(stream: nil, path: ["timestamp"]), name: "timestamp")
        ]
        select += line.payload.map { .expression(.mapGet(payload, .literal(.string($0.name))), name: $0.name) }
        select += line.context.map { .expression(.mapGet(context, .literal(.string($0.name))), name: $0.name) }
        return StatementPlan(from: .init("Event", filter: filter), select: select, insertInto: line.name)
    }
}
