public import KaijuCore

/// An Esper EPL module: statements separated by `;`, with `--`, `//` and `/* */` comments, optional
/// `module` and `uses` lines, and annotations (`@name('x')`, `@public`, `@priority(1)`, ...) before each
/// statement.
///
/// ```swift
/// let module = try EPLModule(text: "@name('hot') select * from Metric(name = 'cpu');")
/// try module.install(in: runtime) { name in { output in print(output.jsonLines) } }
/// ```
public struct EPLModule: Sendable, Hashable {
    /// One statement of the module, where it sits in the file, and its annotations.
    public struct Statement: Sendable, Hashable {
        /// The statement's text, comments and annotations blanked out (positions kept).
        public let text: String
        /// The file line the text starts on (1-based).
        public let line: Int
        /// What precedes the text on its first line, for error columns.
        public let prefix: String
        /// The annotations before the statement, in order.
        public let annotations: [EPLAnnotation]

        /// `@alertmanager` / `@alertmanager(url: '...')` or `@webhook` / `@webhook(url: '...')`: where the
        /// statement's rows go instead of stdout.
        var sinkListener: StatementsFile.Listener? {
            for annotation in self.annotations.reversed() {
                switch annotation.name.lowercased() {
                case "alertmanager": return .alertmanager(url: annotation.stringValue)
                case "webhook": return .webhook(url: annotation.stringValue)
                default: continue
                }
            }
            return nil
        }

        /// The name `@name('...')` gives the statement, if any.
        public var name: String? {
            self.annotations.last { $0.name.lowercased() == "name" }?.stringValue
        }

        /// The statement as a rule-file entry under its running name `name`, when it is `@name`d (its
        /// rows print), sends its rows to `@alertmanager` or a `@webhook`, or carries
        /// `@partitionKey('payload.KEY')` (its Events' NATS partition key); `nil` for none of these.
        /// - Throws: ``EPLSyntaxError`` at the statement's line for a key that is not `payload.KEY` or `context.KEY`.
        public func entry(name: String) throws(EPLSyntaxError) -> StatementsFile.Entry? {
            let key = self.annotations.last { $0.name.lowercased() == "partitionkey" }
            let sink = self.sinkListener
            guard self.name != nil || key != nil || sink != nil else { return nil }
            var entry = StatementsFile.Entry(
                line: self.line,
                name: name,
                listener: sink ?? (self.name != nil ? .simple : .none),
                text: self.text
            )
            if let key {
                guard let path = key.stringValue.flatMap(StatementsFile.propertyPath) else {
                    throw EPLSyntaxError(
                        "@partitionKey('\(key.stringValue ?? "")') is not payload.KEY or context.KEY",
                        line: self.line,
                        column: 1,
                        sourceLine: self.prefix + self.text.prefix { $0 != "\n" }
                    )
                }
                entry.partitionKey = path
            }
            return entry
        }
    }

    /// The module's name (`module x.y;`), if it declares one.
    public let name: String?
    /// The modules it says it uses (`uses x.y;`).
    public let uses: [String]
    /// The statements, in file order.
    public let statements: [Statement]

    /// Splits a module into its statements.
    /// - Throws: ``EPLSyntaxError`` for an unterminated string or comment, or a malformed annotation.
    public init(text: String) throws(EPLSyntaxError) {
        var name: String?
        var uses: [String] = []
        var statements: [Statement] = []
        for piece in try EPLModuleSplitter.split(text) {
            var blanked = piece.text
            let annotations = try EPLModuleSplitter.takeAnnotations(from: &blanked, piece: piece)
            let words = blanked.split(whereSeparator: \.isWhitespace)
            guard let first = words.first else { continue }
            if annotations.isEmpty, first.lowercased() == "module" || first.lowercased() == "uses" {
                let argument = words.dropFirst().joined()
                if first.lowercased() == "module" { name = argument } else { uses.append(argument) }
                continue
            }
            statements.append(
                Statement(text: blanked, line: piece.line, prefix: piece.prefix, annotations: annotations)
            )
        }
        self.name = name
        self.uses = uses
        self.statements = statements
    }

    /// Installs every statement in file order (declarations first declare their types, tables and
    /// windows). `listener` gives each statement's listener by its name (the `@name`, or the name the
    /// runtime chose), or `nil` for none.
    /// - Returns: The names of the running statements, in order.
    /// - Throws: ``EPLSyntaxError`` at the statement's line and column; statements before it stay installed.
    @discardableResult
    public func install(
        in runtime: Runtime,
        limits: EPLLimits = EPLLimits(),
        listener: (_ name: String, _ statement: Statement) -> StatementListener? = { _, _ in nil }
    ) throws(EPLSyntaxError) -> [String] {
        var names: [String] = []
        for statement in self.statements {
            let parsed = try EPL.parse(
                statement.text,
                line: statement.line,
                prefix: statement.prefix,
                limits: limits,
                expressions: runtime.expressionDeclarations,
                variables: runtime.variableValues
            )
            do throws(PlanError) {
                if let name = try EPL.apply(parsed, to: runtime, name: statement.name, listener: nil) {
                    if let l = listener(name, statement) { _ = runtime.addListener(to: name, l) }
                    names.append(name)
                }
            } catch {
                throw EPL.positioned(error, in: statement.text, line: statement.line, prefix: statement.prefix)
            }
        }
        return names
    }
}

/// One annotation before a statement: `@name`, optionally with its parenthesised arguments as written.
public struct EPLAnnotation: Sendable, Hashable {
    /// The annotation's name as written (`name`, `Priority`, `public`).
    public let name: String
    /// The text between its parentheses (`'x'`, `1`, `name='a', value='b'`), or `nil` without them.
    public let arguments: String?

    /// An annotation `@name(arguments)`.
    public init(name: String, arguments: String?) {
        self.name = name
        self.arguments = arguments
    }

    /// The first quoted string of the arguments (`@name('x')` → `x`), or `nil`.
    public var stringValue: String? {
        guard let arguments, let quote = arguments.first(where: { $0 == "'" || $0 == "\"" }) else { return nil }
        guard let start = arguments.firstIndex(of: quote) else { return nil }
        let rest = arguments[arguments.index(after: start)...]
        guard let end = rest.firstIndex(of: quote) else { return nil }
        return String(rest[..<end])
    }
}
