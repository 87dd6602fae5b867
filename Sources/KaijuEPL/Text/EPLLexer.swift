/// Splits EPL text into tokens. Identifiers may contain letters, digits, `_` and `$`; strings are quoted
/// with `'` or `"` (a doubled quote or a backslash escapes); `--` and `//` start a comment to the end of
/// the line.
struct EPLLexer {
    static let symbols: [String] = [
        "->", "=>", "<=", ">=", "!=", "<>", "||", "&", "|", "^", "(", ")", "[", "]", "{", "}", ",", ".", ":", "#", "=",
        "<", ">",
        "+", "-", "*", "/", "%", "?", ";", "@",
    ]

    /// The tokens of `text`, ending with an `.end` token.
    /// - Throws: ``EPLSyntaxError`` (positioned through `locate`) for an unterminated string or a stray character.
    static func tokenize(
        _ text: String,
        locate: (Int) -> (line: Int, column: Int, source: String)
    ) throws(EPLSyntaxError) -> [EPLToken] {
        let bytes = Array(text.utf8)
        var tokens: [EPLToken] = []
        var i = 0
        func fail(_ message: String, at offset: Int) -> EPLSyntaxError {
            let p = locate(offset)
            return EPLSyntaxError(message, line: p.line, column: p.column, sourceLine: p.source)
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                i += 1
                continue
            }
            if (b == UInt8(ascii: "-") || b == UInt8(ascii: "/")) && i + 1 < bytes.count && bytes[i + 1] == b {
                while i < bytes.count && bytes[i] != 0x0A { i += 1 }
                continue
            }
            let start = i
            if Self.isIdentifierStart(b) {
                while i < bytes.count && Self.isIdentifierPart(bytes[i]) { i += 1 }
                tokens.append(
                    EPLToken(kind: .identifier, text: String(decoding: bytes[start..<i], as: UTF8.self), offset: start)
                )
            } else if Self.isDigit(b) {
                while i < bytes.count && Self.isDigit(bytes[i]) { i += 1 }
                var kind = EPLToken.Kind.integer
                if i + 1 < bytes.count && bytes[i] == UInt8(ascii: ".") && Self.isDigit(bytes[i + 1]) {
                    kind = .decimal
                    i += 1
                    while i < bytes.count && Self.isDigit(bytes[i]) { i += 1 }
                }
                // An exponent (`1e3`, `2.5E-2`) makes a double.
                if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                    var j = i + 1
                    if j < bytes.count, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") { j += 1 }
                    if j < bytes.count, Self.isDigit(bytes[j]) {
                        while j < bytes.count && Self.isDigit(bytes[j]) { j += 1 }
                        kind = .decimal
                        i = j
                    }
                }
                // A Java long, double or float suffix (`100000L`, `1.5d`, `1.5f`) is accepted and dropped.
                var end = i
                let suffixes: [UInt8] = Array("LldDfF".utf8)
                if i < bytes.count, suffixes.contains(bytes[i]),
                    i + 1 >= bytes.count || !Self.isIdentifierPart(bytes[i + 1])
                {
                    if bytes[i] != UInt8(ascii: "L") && bytes[i] != UInt8(ascii: "l") { kind = .decimal }
                    end = i
                    i += 1
                }
                tokens.append(
                    EPLToken(kind: kind, text: String(decoding: bytes[start..<end], as: UTF8.self), offset: start)
                )
            } else if b == UInt8(ascii: "'") || b == UInt8(ascii: "\"") {
                var value: [UInt8] = []
                i += 1
                var closed = false
                while i < bytes.count {
                    let c = bytes[i]
                    if c == b {
                        if i + 1 < bytes.count && bytes[i + 1] == b {
                            value.append(b)
                            i += 2
                            continue
                        }
                        i += 1
                        closed = true
                        break
                    }
                    if c == UInt8(ascii: "\\") && i + 1 < bytes.count {
                        let e = bytes[i + 1]
                        switch e {
                        case UInt8(ascii: "n"): value.append(0x0A)
                        case UInt8(ascii: "t"): value.append(0x09)
                        default: value.append(e)
                        }
                        i += 2
                        continue
                    }
                    value.append(c)
                    i += 1
                }
                guard closed else {
                    throw fail(
                        "unterminated string: expected a closing \(b == UInt8(ascii: "'") ? "'" : "\"")",
                        at: start
                    )
                }
                tokens.append(EPLToken(kind: .string, text: String(decoding: value, as: UTF8.self), offset: start))
            } else if let symbol = Self.symbols.first(where: { Self.matches($0, bytes, at: start) }) {
                i += symbol.utf8.count
                tokens.append(EPLToken(kind: .symbol, text: symbol, offset: start))
            } else {
                let scalar = String(
                    decoding: bytes[start..<min(bytes.count, start + Self.scalarLength(b))],
                    as: UTF8.self
                )
                throw fail("unexpected character '\(scalar)'", at: start)
            }
        }
        tokens.append(EPLToken(kind: .end, text: "", offset: bytes.count))
        return tokens
    }

    static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == UInt8(ascii: "_") || b == UInt8(ascii: "$")
            || b >= 0x80
    }

    static func isIdentifierPart(_ b: UInt8) -> Bool { Self.isIdentifierStart(b) || Self.isDigit(b) }

    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private static func matches(_ symbol: String, _ bytes: [UInt8], at i: Int) -> Bool {
        let s = Array(symbol.utf8)
        return i + s.count <= bytes.count && Array(bytes[i..<i + s.count]) == s
    }

    private static func scalarLength(_ lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
    }
}
