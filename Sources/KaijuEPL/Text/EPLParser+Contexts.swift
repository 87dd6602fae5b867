import KaijuCore

/// `create context Name ...` and its conditions.
extension EPLParser {
    /// After `create context`: the declaration.
    mutating func contextDeclaration() throws(EPLSyntaxError) -> ContextDeclaration {
        let name = try self.name("a context name")
        _ = self.accept(keyword: "as")
        if self.token.isKeyword("context") {
            // `context A ..., context B ...`: a nested context.
            var levels: [ContextDeclaration] = []
            repeat {
                try self.checkListLength(levels.count)
                try self.expect(keyword: "context")
                levels.append(try self.contextLevel(try self.name("a context name")))
            } while self.accept(symbol: ",")
            return ContextDeclaration(name, kind: .nested(levels))
        }
        return try self.contextLevel(name)
    }

    /// One context's kind: `partition by ...`, `group by ...`, `start ... end ...`, `initiated ... terminated ...`.
    private mutating func contextLevel(_ name: String) throws(EPLSyntaxError) -> ContextDeclaration {
        if self.accept(keyword: "partition") {
            _ = self.accept(keyword: "by")
            var streams: [ContextDeclaration.KeyedStream] = []
            repeat {
                try self.checkListLength(streams.count)
                var keys: [ExprNode] = []
                repeat {
                    try self.checkListLength(keys.count)
                    keys.append(try self.keyExpression())
                } while self.accept(keyword: "and")
                try self.expect(keyword: "from")
                let (type, filter, _) = try self.contextStream()
                streams.append(.init(keys: keys, type: type, filter: filter))
            } while self.token.isSymbol(",") && !self.peek().isKeyword("context") && self.accept(symbol: ",")
            var terminatedBy: ContextCondition?
            if self.accept(keyword: "terminated") {
                _ = self.accept(keyword: "by")
                terminatedBy = try self.contextCondition()
            }
            return ContextDeclaration(name, kind: .keyed(streams, terminatedBy: terminatedBy))
        }
        if self.token.isKeyword("group") {
            var categories: [ContextDeclaration.Category] = []
            while self.accept(keyword: "group") {
                try self.checkListLength(categories.count)
                _ = self.accept(keyword: "by")
                let condition = try self.expression()
                try self.expect(keyword: "as")
                categories.append(.init(condition, label: try self.name("a category label")))
                _ = self.accept(symbol: ",")
            }
            try self.expect(keyword: "from")
            let (type, filter, _) = try self.contextStream()
            return ContextDeclaration(name, kind: .category(categories, type: type, filter: filter))
        }
        if self.accept(keyword: "start") {
            let start = try self.contextCondition()
            try self.expect(keyword: "end")
            let end = try self.contextCondition()
            return ContextDeclaration(name, kind: .temporal(start: start, end: end, overlapping: false))
        }
        if self.accept(keyword: "initiated") {
            _ = self.accept(keyword: "by")
            let start = try self.contextCondition()
            try self.expect(keyword: "terminated")
            _ = self.accept(keyword: "by")
            let end = try self.contextCondition()
            return ContextDeclaration(name, kind: .temporal(start: start, end: end, overlapping: true))
        }
        throw self.expected("'partition by', 'group by', 'start' or 'initiated by'")
    }

    /// `Type[(filter)] [as alias]`.
    private mutating func contextStream() throws(EPLSyntaxError) -> (String, ExprNode?, String?) {
        let type = try self.typeName("an event type")
        var filter: ExprNode?
        if self.accept(symbol: "(") {
            if !self.token.isSymbol(")") { filter = try self.filterList() }
            try self.expect(symbol: ")")
        }
        let alias = self.accept(keyword: "as") ? try self.name("an alias") : nil
        return (type, filter, alias)
    }

    /// `@now`, `after d`, `(crontab)`, `pattern [...]`, or `Type[(filter)] [as alias]`.
    private mutating func contextCondition() throws(EPLSyntaxError) -> ContextCondition {
        if self.accept(symbol: "@") {
            guard self.token.kind == .identifier, self.token.text.lowercased() == "now" else {
                throw self.expected("'@now'")
            }
            self.advance()
            return .now
        }
        if self.token.text.lowercased() == "after", self.peek().kind == .integer || self.peek().kind == .decimal {
            self.advance()
            return .after(try self.timePeriod())
        }
        if self.token.isSymbol("(") { return .crontab(try self.crontab()) }
        if self.accept(keyword: "pattern") {
            try self.expect(symbol: "[")
            let pattern = try self.pattern()
            try self.expect(symbol: "]")
            return .pattern(pattern)
        }
        let (type, filter, alias) = try self.contextStream()
        return .filter(type: type, filter: filter, alias: alias)
    }
}
