/// One lexical token of EPL text, with where it starts.
struct EPLToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// A name or keyword; keywords are recognised case-insensitively by the parser.
        case identifier
        /// A quoted string; `text` is its value with escapes resolved.
        case string
        case integer
        case decimal
        /// Punctuation or an operator: `(`, `->`, `<=`, `#`...
        case symbol
        case end
    }

    var kind: Kind
    var text: String
    /// Byte offset in the statement text.
    var offset: Int

    /// Whether this is the keyword `word` (case-insensitive).
    func isKeyword(_ word: String) -> Bool {
        self.kind == .identifier && self.text.count == word.count && self.text.lowercased() == word
    }

    func isSymbol(_ s: String) -> Bool { self.kind == .symbol && self.text == s }

    /// How an error message names the token.
    var display: String {
        switch self.kind {
        case .end: return "end of statement"
        case .string: return "string '\(self.text)'"
        default: return "'\(self.text)'"
        }
    }
}
