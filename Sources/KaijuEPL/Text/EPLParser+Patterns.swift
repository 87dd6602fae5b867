import KaijuCore

/// Patterns, loosest first: `->`, `or`, `and`, repeat `[n]` / `[n:m]` with `until`, unary `every` /
/// `every-distinct` / `not`, guards `where timer:within(d)` and `while (cond)` — Esper's precedence. The paper's `Anomaly [2] timer:within(2 min)` reads as
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
        var items = [try self.patternUntil()]
        while self.accept(keyword: "and") {
            try self.checkListLength(items.count)
            items.append(try self.patternUntil())
        }
        return items.count == 1 ? items[0] : .and(items)
    }

    /// `[range] p [until q]`: a repeat (`[n]`, `[n:m]`, `[n:]`, `[:m]`) with or without `until`.
    private mutating func patternUntil() throws(EPLSyntaxError) -> PatternNode {
        try self.enter()
        defer { self.leave() }
        let range = self.token.isSymbol("[") ? try self.repeatRange() : nil
        let body = range != nil && self.token.isSymbol("[") ? try self.patternRanged() : try self.patternUnary()
        if self.accept(keyword: "until") {
            let stop = try self.patternUnary()
            return .repeatUntil(min: range?.low ?? 0, max: range?.high, body, until: stop)
        }
        guard let range else { return body }
        if let high = range.high, high == range.low { return .repeatCount(high, body) }
        return .repeatUntil(min: range.low, max: range.high, body, until: nil)
    }

    /// `[range] p` without `until` (after `every`, or a repeat of a repeat).
    private mutating func patternRanged() throws(EPLSyntaxError) -> PatternNode {
        try self.enter()
        defer { self.leave() }
        guard self.token.isSymbol("[") else { return try self.patternUnary() }
        let range = try self.repeatRange()
        let body = try self.patternRanged()
        if let high = range.high, high == range.low { return .repeatCount(high, body) }
        return .repeatUntil(min: range.low, max: range.high, body, until: nil)
    }

    /// `[n]`, `[n:m]`, `[n:]` or `[:m]`: the low and (when bounded) high repetition counts.
    private mutating func repeatRange() throws(EPLSyntaxError) -> (low: Int, high: Int?) {
        try self.expect(symbol: "[")
        var low = 0
        var high: Int?
        if self.accept(symbol: ":") {
            high = try self.positiveInteger("a repeat's high bound")
        } else {
            guard self.token.kind == .integer, let n = Int(self.token.text) else {
                throw self.expected("a repeat count")
            }
            let countToken = self.advance()
            low = n
            if self.accept(symbol: ":") {
                if !self.token.isSymbol("]") { high = try self.positiveInteger("a repeat's high bound") }
            } else {
                guard n > 0 else { throw self.error("a repeat count must be positive", at: countToken) }
                high = n
            }
        }
        try self.expect(symbol: "]")
        if let high, high < low { throw self.error("a repeat's high bound is below its low bound", at: self.token) }
        return (low, high)
    }

    private mutating func patternUnary() throws(EPLSyntaxError) -> PatternNode {
        try self.enter()
        defer { self.leave() }
        if self.token.isKeyword("every"), self.peek().isSymbol("-"), self.peek(2).isKeyword("distinct") {
            self.advance()
            self.advance()
            self.advance()
            let (keys, expiry) = try self.distinctArguments()
            return .everyDistinct(keys, expiry: expiry, try self.patternRanged())
        }
        if self.accept(keyword: "every") {
            // `every [2] A`: every applies to the repeat.
            return .every(try self.patternRanged())
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

    /// `(expr, ... [, time period])` of every-distinct: the key expressions and the expiry.
    private mutating func distinctArguments() throws(EPLSyntaxError) -> ([ExprNode], TimePeriod?) {
        try self.expect(symbol: "(")
        var keys: [ExprNode] = []
        var expiry: TimePeriod?
        repeat {
            try self.checkListLength(keys.count)
            if self.token.kind == .integer || self.token.kind == .decimal, self.peek().kind == .identifier,
                TimePeriod.unitMilliseconds[self.peek().text.lowercased()] != nil
            {
                expiry = try self.timePeriod()
                break
            }
            keys.append(try self.expression())
        } while self.accept(symbol: ",")
        try self.expect(symbol: ")")
        guard !keys.isEmpty else { throw self.expected("an expression in every-distinct(...)") }
        return (keys, expiry)
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
            if self.token.isKeyword("while") {
                try self.enter()
                levels += 1
                self.advance()
                try self.expect(symbol: "(")
                let condition = try self.expression()
                try self.expect(symbol: ")")
                out = .whileGuard(condition, out)
            } else if self.accept(keyword: "where") {
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
        let atom = PatternNode.atom(tag: tag, type: type, filter: filter)
        guard self.token.isSymbol("@") else { return atom }
        // `@consume` / `@consume(level)`: the atom takes the events it matches from lower-level atoms.
        self.advance()
        guard self.token.kind == .identifier, self.token.text.lowercased() == "consume" else {
            throw self.expected("'consume' after '@' in a pattern")
        }
        self.advance()
        var level = 1
        if self.accept(symbol: "(") {
            level = try self.positiveInteger("a consume level")
            try self.expect(symbol: ")")
        }
        return .consume(level, atom)
    }
}
