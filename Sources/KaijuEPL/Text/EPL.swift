public import KaijuCore

/// The EPL text front end: parses Esper-style statements into the same plans the typed query builder
/// produces, and installs them into a ``Runtime``.
///
/// ```swift
/// try EPL.install("select count(*) from FLog#time(1 min) output last every 1 min", in: runtime, name: "COUNT LOGS")
/// ```
public enum EPL {
    /// Parses one statement.
    /// - Parameters:
    ///   - line: the file line the text starts on, for error positions.
    ///   - prefix: what precedes the text on that line (its column offset, and shown in the caret line).
    /// - Throws: ``EPLSyntaxError`` saying what was expected, where.
    ///   - limits: the bounds on size, nesting and list lengths.
    ///   - expressions: declared expressions (`create expression`) calls expand to.
    ///   - variables: variables' values, which window parameters may name (`#length(size)`).
    public static func parse(
        _ text: String,
        line: Int = 1,
        prefix: String = "",
        limits: EPLLimits = EPLLimits(),
        expressions: [String: ExpressionDeclaration] = [:],
        variables: [String: Value] = [:]
    ) throws(EPLSyntaxError) -> EPLStatement {
        let (body, _) = try self.withoutAnnotations(text, line: line, prefix: prefix)
        var parser = try EPLParser(EPLSource(text: body, line: line, prefix: prefix), limits: limits)
        parser.expressions = expressions
        parser.variables = variables
        return try parser.statement()
    }

    /// A statement's text with its leading annotations blanked out (positions kept), and the name
    /// `@name('...')` gives it.
    static func withoutAnnotations(
        _ text: String,
        line: Int,
        prefix: String
    ) throws(EPLSyntaxError) -> (String, String?) {
        guard text.first(where: { !$0.isWhitespace }) == "@" else { return (text, nil) }
        let module = try EPLModule(text: text)
        guard module.statements.count == 1, let statement = module.statements.first else {
            throw EPLSyntaxError(
                "one statement expected, found \(module.statements.count) (an EPL module takes several)",
                line: line,
                column: prefix.count + 1,
                sourceLine: prefix + (text.split(separator: "\n").first.map(String.init) ?? "")
            )
        }
        return (statement.text, statement.name)
    }

    /// Parses a statement and adds it to `runtime` (declaring its schema, table or window, or starting it).
    /// A statement the runtime refuses (unknown type, property or function, wrong arity) is reported like
    /// a syntax error, positioned at the name it complains about.
    /// - Returns: the running statement's name, or `nil` for a declaration.
    @discardableResult
    public static func install(
        _ text: String,
        in runtime: Runtime,
        name: String? = nil,
        listener: StatementListener? = nil,
        line: Int = 1,
        prefix: String = "",
        limits: EPLLimits = EPLLimits()
    ) throws(EPLSyntaxError) -> String? {
        let statement = try self.parse(
            text,
            line: line,
            prefix: prefix,
            limits: limits,
            expressions: runtime.expressionDeclarations,
            variables: runtime.variableValues
        )
        var name = name
        if name == nil { name = try self.withoutAnnotations(text, line: line, prefix: prefix).1 }
        do throws(PlanError) {
            return try self.apply(statement, to: runtime, name: name, listener: listener)
        } catch {
            throw self.positioned(error, in: text, line: line, prefix: prefix)
        }
    }

    /// Declares what `statement` declares in `runtime`, or starts it as `name` with `listener`.
    /// - Returns: The running statement's name, or `nil` for a declaration.
    /// - Throws: ``PlanError`` when the runtime refuses it.
    static func apply(
        _ statement: EPLStatement,
        to runtime: Runtime,
        name: String?,
        listener: StatementListener?
    ) throws(PlanError) -> String? {
        switch statement {
        case .createSchema(let schema):
            try runtime.declare(schema)
        case .createTable(let table):
            try runtime.createTable(table)
        case .createWindow(_, let windows, let schema):
            try runtime.createWindow(try self.resolveWindowSchema(schema, in: runtime), windows: windows)
        case .createExpression(let declaration):
            try runtime.declare(declaration)
        case .createVariable(let declaration):
            try runtime.declare(declaration)
        case .createContext(let declaration):
            try runtime.declare(declaration)
        case .createIndex(let declaration):
            try runtime.declare(declaration)
        case .select(let plan):
            return try runtime.add(plan, name: name, listener: listener)
        case .onSet(let plan):
            return try runtime.add(plan, name: name, listener: listener)
        case .on(let plan):
            return try runtime.add(plan, name: name, listener: listener)
        case .splitStream(let plan):
            return try runtime.add(plan, name: name, listener: listener)
        }
        return nil
    }

    /// `create window W as select * from T` copies T's columns (T must be a declared type).
    static func resolveWindowSchema(
        _ schema: SchemaDeclaration,
        in runtime: Runtime
    ) throws(PlanError) -> SchemaDeclaration {
        guard schema.columns.isEmpty, let source = schema.inherits.first else { return schema }
        guard let t = runtime.types[source] else {
            throw PlanError(.unknownType, "unknown event type '\(source)'", subject: source)
        }
        guard t.representation == .row else {
            throw PlanError(
                .invalid,
                "create window as select * from '\(source)': declare the window's columns instead (as (col type, ...))",
                subject: source
            )
        }
        return SchemaDeclaration(schema.name, columns: t.columns)
    }

    /// A compile error placed at the first token spelling the name at fault (``PlanError/subject``; for a
    /// dotted name, its last part), else at the start of the statement.
    /// - Parameters:
    ///   - error: The engine's refusal.
    ///   - text: The statement's text.
    ///   - line: The line the statement starts on in its file.
    ///   - prefix: Text before the statement on its first line (a rule file's `key:value,...=`).
    /// - Returns: The error with its line and column.
    public static func positioned(
        _ error: PlanError,
        in text: String,
        line: Int = 1,
        prefix: String = ""
    ) -> EPLSyntaxError {
        let source = EPLSource(text: text, line: line, prefix: prefix)
        let tokens = (try? EPLLexer.tokenize(text) { source.locate($0) }) ?? []
        if let name = error.subject {
            let last = name.split(separator: ".").last.map(String.init) ?? name
            if let t = tokens.first(where: {
                ($0.kind == .identifier || $0.kind == .string) && ($0.text == name || $0.text == last)
            }) {
                return source.error(error.message, at: t.offset)
            }
        }
        return source.error(error.message, at: tokens.first?.offset ?? 0)
    }
}
