import KaijuCore

/// Patterns, loosest first: `->`, `or`, `and`, repeat `[n]`, unary `every` / `not`, guard
/// `where timer:within(d)` — Esper's precedence. The paper's `Anomaly [2] timer:within(2 min)` reads as
/// `[2] (Anomaly where timer:within(2 min))`.
extension EPLParser {
    mutating func pattern() throws(EPLSyntaxError) -> PatternNode {
        try self.enter()
        var levels = 1
        defer { self.leave(levels) }
        var left = try self.patternOr()
        try self.refuseUnsupportedPatternOperator()
        while self.accept(symbol: "->") {
            try self.enter()
            levels += 1
            left = .followedBy(left, try self.patternOr())
        }
        return left
    }

    private mutating func patternOr() throws(EPLSyntaxError) -> PatternNode {
        var items = [try self.patternAnd()]
        while self.accept(keyword: "or") {
            try self.checkListLength(items.count)
            items.append(try self.patternAnd())
        }
        return items.count == 1 ? items[0] : .or(items)
    }

    private mutating func patternAnd() throws(EPLSyntaxError) -> PatternNode {
        var items = [try self.patternRepeat()]
        while self.accept(keyword: "and") {
            try self.checkListLength(items.count)
            items.append(try self.patternRepeat())
        }
        return items.count == 1 ? items[0] : .and(items)
    }

    private mutating func patternRepeat() throws(EPLSyntaxError) -> PatternNode {
        try self.enter()
        defer { self.leave() }
        if self.accept(symbol: "[") {
            let n = try self.positiveInteger("a repeat count")
            try self.expect(symbol: "]")
            return .repeatCount(n, try self.patternRepeat())
        }
        return try self.patternUnary()
    }

    private mutating func patternUnary() throws(EPLSyntaxError) -> PatternNode {
        try self.enter()
        defer { self.leave() }
        if self.accept(keyword: "every") {
            // `every [2] A`: every applies to the repeat.
            return .every(self.token.isSymbol("[") ? try self.patternRepeat() : try self.patternUnary())
        }
        if self.accept(keyword: "not") { return .not(try self.patternUnary()) }
        var node = try self.patternAtom()
        if self.token.isSymbol("[") {
            // The paper's postfix repeat: `Anomaly [2] timer:within(2 min)` guards each repetition.
            self.advance()
            let n = try self.positiveInteger("a repeat count")
            try self.expect(symbol: "]")
            node = try self.guards(node)
            return .repeatCount(n, node)
        }
        return try self.guards(node)
    }

    /// `where timer:within(d)` guards (also written without `where`, as the paper does), as many as written.
    private mutating func guards(_ node: PatternNode) throws(EPLSyntaxError) -> PatternNode {
        var out = node
        var levels = 0
        defer { self.leave(levels) }
        while true {
            if self.token.isKeyword("where") || self.token.isKeyword("timer") {
                try self.enter()
                levels += 1
            }
            if self.accept(keyword: "where") {
                out = .within(try self.timerWithin(), out)
            } else if self.token.isKeyword("timer"), self.peek().isSymbol(":"), self.peek(2).isKeyword("within") {
                // The paper's spelling without `where` (`b=B timer:within(2min)`).
                out = .within(try self.timerWithin(), out)
            } else {
                return out
            }
        }
    }

    /// `timer:within(d)`.
    private mutating func timerWithin() throws(EPLSyntaxError) -> TimePeriod {
        guard self.token.isKeyword("timer"), self.peek().isSymbol(":"), self.peek(2).isKeyword("within") else {
            throw self.expected("'timer:within(...)'")
        }
        self.advance()
        self.advance()
        self.advance()
        try self.expect(symbol: "(")
        let d = try self.timePeriod()
        try self.expect(symbol: ")")
        return d
    }

    /// `( pattern )`, `timer:interval(d)`, or `[tag=]Type[(filter)]`.
    private mutating func patternAtom() throws(EPLSyntaxError) -> PatternNode {
        if self.accept(symbol: "(") {
            let inner = try self.pattern()
            try self.expect(symbol: ")")
            return inner
        }
        try self.refuseUnsupportedPatternOperator()
        if self.token.isKeyword("timer"), self.peek().isSymbol(":"), self.peek(2).isKeyword("at") {
            self.advance()
            self.advance()
            self.advance()
            return .at(try self.crontab())
        }
        if self.token.isKeyword("timer"), self.peek().isSymbol(":") {
            self.advance()
            self.advance()
            guard self.accept(keyword: "interval") else {
                throw self.expected("'interval' (timer:within guards a pattern with 'where')")
            }
            try self.expect(symbol: "(")
            let d = try self.timePeriod()
            try self.expect(symbol: ")")
            return .interval(d)
        }
        var tag: String?
        if self.token.kind == .identifier, self.peek().isSymbol("=") {
            tag = try self.name("a pattern tag")
            self.advance()
        }
        let type = try self.typeName("an event type in the pattern")
        var filter: ExprNode?
        if self.accept(symbol: "(") {
            if !self.token.isSymbol(")") { filter = try self.filterList() }
            try self.expect(symbol: ")")
        }
        return .atom(tag: tag, type: type, filter: filter)
    }
}
