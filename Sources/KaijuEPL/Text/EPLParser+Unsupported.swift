/// Esper constructs Kaiju does not implement, recognised where they start so the error names them
/// (`line L, column C: 'match_recognize' is not supported`) instead of a misleading "expected ...".
extension EPLParser {
    /// A construct and, where Kaiju takes another spelling, a hint.
    private static let createForms: [String: String] = [
        "dataflow": "'create dataflow' is not supported",
        "inlined_class": "'create inlined_class' is not supported",
    ]

    /// Throws for an unsupported `create ...` form (the token after `create`).
    func refuseUnsupportedCreate() throws(EPLSyntaxError) {
        guard self.token.kind == .identifier, let message = Self.createForms[self.token.text.lowercased()] else {
            return
        }
        throw self.error(message, at: self.token)
    }

    /// Throws for an unsupported statement start: `update istream`, `fire-and-forget` forms.
    func refuseUnsupportedStatement() throws(EPLSyntaxError) {
        let word = self.token.kind == .identifier ? self.token.text.lowercased() : ""
        switch word {
        case "update" where self.peek().isKeyword("istream"):
            throw self.error("'update istream' is not supported", at: self.token)
        default: return
        }
    }

    /// Throws for an unsupported clause after a statement's `from` (`for`, `retain-union`).
    func refuseUnsupportedClause() throws(EPLSyntaxError) {
        if self.token.isKeyword("for") {
            throw self.error("'for' (grouped or discrete delivery) is not supported", at: self.token)
        }
        if self.token.isKeyword("retain"), self.peek().isSymbol("-") {
            throw self.error(
                "'retain-union' / 'retain-intersection' is not supported (several data windows intersect)",
                at: self.token
            )
        }
    }

    /// Throws for a pattern operator that cannot stand where the parser is (`until` or `while`
    /// without an expression before them).
    func refuseUnsupportedPatternOperator() throws(EPLSyntaxError) {
        for word in ["until", "while"] where self.token.isKeyword(word) {
            throw self.error("'\(word)' needs a pattern expression before it", at: self.token)
        }
    }
}
