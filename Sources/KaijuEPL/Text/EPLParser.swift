import KaijuCore

/// A recursive-descent parser for Kaiju's EPL subset (Esper's syntax): `create schema|table|window`,
/// `[insert into] select`, `on ... merge|delete`, patterns, windows, and the Java calls of the original
/// rule files mapped to built-ins. Keywords are case-insensitive; identifiers and strings are not.
struct EPLParser {
    var tokens: [EPLToken]
    var index = 0
    let source: EPLSource
    let limits: EPLLimits
    /// Expression and pattern levels open at the current token (see ``EPLLimits/maxNestingDepth``).
    var depth = 0
    /// Declared expressions a call may name (`create expression`, and inline ones of this statement).
    var expressions: [String: ExpressionDeclaration] = [:]
    /// Variables' values when the statement is parsed, for window parameters that name one.
    var variables: [String: Value] = [:]

    init(_ source: EPLSource, limits: EPLLimits = EPLLimits()) throws(EPLSyntaxError) {
        let size = source.text.utf8.count
        guard size <= limits.maxStatementBytes else {
            throw source.error(
                "the statement is \(size) bytes, more than the limit of \(limits.maxStatementBytes)",
                at: 0,
                limit: "statement_bytes"
            )
        }
        self.source = source
        self.limits = limits
        self.tokens = try EPLLexer.tokenize(source.text) { source.locate($0) }
    }

    // MARK: - Limits

    /// Opens one nesting level at the current token; close it with ``leave(_:)``.
    mutating func enter() throws(EPLSyntaxError) {
        guard self.depth < self.limits.maxNestingDepth else {
            throw self.source.error(
                "nested deeper than the limit of \(self.limits.maxNestingDepth) levels",
                at: self.token.offset,
                limit: "nesting_depth"
            )
        }
        self.depth += 1
    }

    /// Closes `levels` nesting levels.
    mutating func leave(_ levels: Int = 1) { self.depth -= levels }

    /// Checks that a list about to get one more item stays within ``EPLLimits/maxListItems``.
    func checkListLength(_ count: Int) throws(EPLSyntaxError) {
        guard count < self.limits.maxListItems else {
            throw self.source.error(
                "a list of more than \(self.limits.maxListItems) items",
                at: self.token.offset,
                limit: "list_items"
            )
        }
    }

    // MARK: - Tokens

    var token: EPLToken { self.tokens[self.index] }
    func peek(_ ahead: Int = 1) -> EPLToken { self.tokens[min(self.index + ahead, self.tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> EPLToken {
        let t = self.token
        if self.index < self.tokens.count - 1 { self.index += 1 }
        return t
    }

    mutating func accept(keyword: String) -> Bool {
        guard self.token.isKeyword(keyword) else { return false }
        self.advance()
        return true
    }

    mutating func accept(symbol: String) -> Bool {
        guard self.token.isSymbol(symbol) else { return false }
        self.advance()
        return true
    }

    mutating func expect(keyword: String) throws(EPLSyntaxError) {
        guard self.accept(keyword: keyword) else { throw self.expected("'\(keyword)'") }
    }

    mutating func expect(symbol: String) throws(EPLSyntaxError) {
        guard self.accept(symbol: symbol) else { throw self.expected("'\(symbol)'") }
    }

    /// An identifier that is not a reserved word, described as `what` in the error otherwise.
    mutating func name(_ what: String) throws(EPLSyntaxError) -> String {
        guard self.token.kind == .identifier, !Self.reserved.contains(self.token.text.lowercased()) else {
            throw self.expected(what)
        }
        return self.advance().text
    }

    /// `as alias`, or a bare alias (an identifier that is not a reserved word), or nil.
    mutating func optionalAlias(_ what: String) throws(EPLSyntaxError) -> String? {
        if self.accept(keyword: "as") { return try self.name(what) }
        if self.token.kind == .identifier, !Self.reserved.contains(self.token.text.lowercased()) {
            return self.advance().text
        }
        return nil
    }

    /// A type, table or window name: any identifier, keywords included (`insert into Output`), where
    /// the position leaves no doubt.
    mutating func typeName(_ what: String) throws(EPLSyntaxError) -> String {
        guard self.token.kind == .identifier,
            !["select", "from", "where", "pattern"].contains(self.token.text.lowercased())
        else {
            throw self.expected(what)
        }
        return self.advance().text
    }

    /// An error at the current token: `expected X, found Y`.
    func expected(_ what: String) -> EPLSyntaxError {
        self.error("expected \(what), found \(self.token.display)", at: self.token)
    }

    func error(_ message: String, at token: EPLToken) -> EPLSyntaxError {
        self.source.error(message, at: token.offset)
    }

    /// Words that end a clause, so they are never taken as a bare alias or a name.
    static let reserved: Set<String> = [
        "select", "from", "where", "group", "by", "having", "output", "order", "limit", "insert", "into", "on", "as",
        "and", "or", "not", "every", "pattern", "when", "then", "merge", "update", "delete", "set", "matched", "join",
        "irstream", "rstream", "istream", "distinct", "create", "new", "true", "false", "null", "is", "in",
        "between", "like", "regexp", "asc", "desc", "inherits", "unidirectional", "inner", "left", "right", "full",
        "match_recognize", "for", "retain",
        "outer",
    ]

    // MARK: - Statements

    /// Parses exactly one statement (a trailing `;` is allowed).
    mutating func statement() throws(EPLSyntaxError) -> EPLStatement {
        let result: EPLStatement
        if self.token.isKeyword("create") {
            result = try self.createStatement()
        } else if self.token.isKeyword("on") {
            result = try self.onStatement()
        } else if self.token.isKeyword("insert") || self.token.isKeyword("select") {
            result = .select(try self.selectStatement())
        } else if self.token.isKeyword("into"), self.peek().isKeyword("table") {
            self.advance()
            self.advance()
            let table = try self.typeName("a table name")
            var plan = try self.selectStatement()
            plan.intoTable = table
            result = .select(plan)
        } else if self.token.isKeyword("expression"), self.peek().kind == .identifier, self.peek(2).isSymbol("{") {
            // `expression name { ... } [expression ...] select ...`: declarations for this statement only.
            while self.accept(keyword: "expression") {
                let declaration = try self.expressionDeclaration()
                self.expressions[declaration.name.lowercased()] = declaration
            }
            result = .select(try self.selectStatement())
        } else if self.token.kind == .identifier, self.token.text.lowercased() == "context",
            self.peek().kind == .identifier
        {
            // `context Name select ...`: the statement runs per partition of the context.
            self.advance()
            let context = try self.name("a context name")
            var plan = try self.selectStatement()
            plan.context = context
            result = .select(plan)
        } else {
            try self.refuseUnsupportedStatement()
            throw self.expected("'select', 'insert into', 'create' or 'on'")
        }
        _ = self.accept(symbol: ";")
        guard self.token.kind == .end else {
            try self.refuseUnsupportedClause()
            throw self.expected("end of statement")
        }
        return result
    }

    // MARK: - Time periods and numbers

    /// Esper's time period: `1min`, `1 min`, `10 sec`, `2 minutes`, `500 msec`, `1 hour 30 min`; a bare number is seconds.
    mutating func timePeriod() throws(EPLSyntaxError) -> TimePeriod {
        let start = self.token
        var total = 0.0
        var parts = 0
        while self.token.kind == .integer || self.token.kind == .decimal {
            let n = Double(self.advance().text) ?? 0
            parts += 1
            if self.token.kind == .identifier, let unit = TimePeriod.unitMilliseconds[self.token.text.lowercased()] {
                self.advance()
                total += n * unit
            } else if parts == 1, self.token.kind != .identifier || Self.reserved.contains(self.token.text.lowercased())
            {
                total += n * 1000
                break
            } else {
                throw self.expected("a time unit (msec, sec, min, hour, day)")
            }
        }
        guard parts > 0 else { throw self.expected("a time period such as 1 min or 30 sec") }
        guard total > 0, total < 9e15 else { throw self.error("a time period must be positive", at: start) }
        return TimePeriod(milliseconds: Int64(total.rounded()))
    }

    /// A window's size: a positive integer, or a variable holding one (its value now, as Esper reads it
    /// when the statement starts).
    mutating func windowSize(_ what: String) throws(EPLSyntaxError) -> Int {
        if self.token.kind == .identifier, let value = self.variables[self.token.text] {
            guard let n = value.intValue, n > 0, n < Int64(Int32.max) else {
                throw self.error(
                    "variable '\(self.token.text)' does not hold a positive number of events",
                    at: self.token
                )
            }
            self.advance()
            return Int(n)
        }
        return try self.positiveInteger(what)
    }

    /// A window's time period, or a variable holding one in seconds (optionally followed by a unit).
    mutating func windowPeriod() throws(EPLSyntaxError) -> TimePeriod {
        if self.token.kind == .identifier, let value = self.variables[self.token.text] {
            let at = self.token
            guard let n = value.doubleValue, n > 0, n < 9e12 else {
                throw self.error("variable '\(at.text)' does not hold a positive time period", at: at)
            }
            self.advance()
            var unit = 1000.0
            if self.token.kind == .identifier, let u = TimePeriod.unitMilliseconds[self.token.text.lowercased()] {
                unit = u
                self.advance()
            }
            let total = n * unit
            guard total < 9e15 else { throw self.error("variable '\(at.text)' holds too long a time period", at: at) }
            return TimePeriod(milliseconds: Int64(total.rounded()))
        }
        return try self.timePeriod()
    }

    /// A positive integer literal (window sizes, repeat counts, `limit`).
    mutating func positiveInteger(_ what: String) throws(EPLSyntaxError) -> Int {
        guard self.token.kind == .integer, let n = Int(self.token.text) else { throw self.expected(what) }
        guard n > 0 else { throw self.error("\(what) must be positive", at: self.token) }
        self.advance()
        return n
    }
}
