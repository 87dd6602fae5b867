import KaijuCore

/// `match_recognize ( [partition by ...] measures ... [all matches | one row per match]
/// [after match skip ...] pattern ( ... ) define ... )`.
extension EPLParser {
    mutating func matchRecognize() throws(EPLSyntaxError) -> MatchRecognize {
        try self.expect(keyword: "match_recognize")
        try self.expect(symbol: "(")
        var partitionBy: [ExprNode] = []
        if self.accept(keyword: "partition") {
            try self.expect(keyword: "by")
            repeat {
                try self.checkListLength(partitionBy.count)
                partitionBy.append(try self.expression())
            } while self.accept(symbol: ",")
        }
        try self.expect(keyword: "measures")
        let measures = try self.selectItems()
        var allMatches = false
        if self.accept(keyword: "all") {
            try self.expect(keyword: "matches")
            allMatches = true
        } else if self.accept(keyword: "one") {
            try self.expect(keyword: "row")
            try self.expect(keyword: "per")
            try self.expect(keyword: "match")
        }
        var skip = MatchRecognize.Skip.pastLastRow
        if self.accept(keyword: "after") {
            try self.expect(keyword: "match")
            try self.expect(keyword: "skip")
            if self.accept(keyword: "past") {
                try self.expect(keyword: "last")
                try self.expect(keyword: "row")
            } else {
                try self.expect(keyword: "to")
                if self.accept(keyword: "next") {
                    skip = .toNextRow
                } else {
                    try self.expect(keyword: "current")
                    skip = .toCurrentRow
                }
                try self.expect(keyword: "row")
            }
        }
        try self.expect(keyword: "pattern")
        try self.expect(symbol: "(")
        var spec = MatchRecognize(pattern: try self.rowPattern())
        try self.expect(symbol: ")")
        if self.accept(keyword: "interval") {
            spec.interval = try self.timePeriod()
            if self.accept(keyword: "or") {
                try self.expect(keyword: "terminated")
                spec.orTerminated = true
            }
        }
        if self.accept(keyword: "define") {
            repeat {
                try self.checkListLength(spec.defines.count)
                let variable = try self.name("a pattern variable")
                try self.expect(keyword: "as")
                spec.defines.append(.init(variable, try self.expression()))
            } while self.accept(symbol: ",")
        }
        try self.expect(symbol: ")")
        spec.partitionBy = partitionBy
        spec.measures = measures
        spec.allMatches = allMatches
        spec.skip = skip
        return spec
    }

    /// Alternatives separated by `|`.
    private mutating func rowPattern() throws(EPLSyntaxError) -> MatchRecognize.Pattern {
        try self.enter()
        defer { self.leave() }
        var alternatives = [try self.rowSequence()]
        while self.accept(symbol: "|") {
            try self.checkListLength(alternatives.count)
            alternatives.append(try self.rowSequence())
        }
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }

    /// Quantified items in sequence, up to `|` or `)`.
    private mutating func rowSequence() throws(EPLSyntaxError) -> MatchRecognize.Pattern {
        var items: [MatchRecognize.Pattern] = []
        while !self.token.isSymbol("|") && !self.token.isSymbol(")") && self.token.kind != .end {
            try self.checkListLength(items.count)
            var item: MatchRecognize.Pattern
            if self.accept(symbol: "(") {
                item = try self.rowPattern()
                try self.expect(symbol: ")")
            } else {
                item = .variable(try self.name("a pattern variable"))
            }
            var quantifier: MatchRecognize.Quantifier?
            if self.accept(symbol: "*") {
                quantifier = .init(min: 0, max: nil)
            } else if self.accept(symbol: "+") {
                quantifier = .init(min: 1, max: nil)
            } else if self.accept(symbol: "?") {
                quantifier = .init(min: 0, max: 1)
            }
            if var q = quantifier {
                if self.accept(symbol: "?") { q.greedy = false }
                item = .quantified(item, q)
            }
            items.append(item)
        }
        guard !items.isEmpty else { throw self.expected("a pattern variable") }
        return items.count == 1 ? items[0] : .sequence(items)
    }
}
