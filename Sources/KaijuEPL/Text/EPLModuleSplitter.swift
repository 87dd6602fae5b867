/// Splits module text at the `;` outside strings and comments, and takes the annotations off the front
/// of each piece. Comments and annotations are blanked with spaces (newlines kept), so the lexer's
/// lines and columns stay the file's.
enum EPLModuleSplitter {
    /// A statement's raw text and where it starts.
    struct Piece {
        var text: String
        let line: Int
        let prefix: String
    }

    /// The pieces of `text`, in order (empty ones included; the caller skips them).
    /// - Throws: ``EPLSyntaxError`` for an unterminated string or block comment.
    static func split(_ text: String) throws(EPLSyntaxError) -> [Piece] {
        var bytes = Array(text.utf8)
        var pieces: [Piece] = []
        var start = 0
        var i = 0
        var line = 1  // the line `start` is on
        var lineStart = 0
        func fail(_ message: String, at offset: Int) -> EPLSyntaxError {
            EPLSource(text: text, line: 1, prefix: "").error(message, at: offset)
        }
        func piece(_ from: Int, _ to: Int) -> Piece {
            let prefix = String(decoding: bytes[lineStart..<from], as: UTF8.self)
            let p = Piece(text: String(decoding: bytes[from..<to], as: UTF8.self), line: line, prefix: prefix)
            for k in from..<to where bytes[k] == 0x0A {
                line += 1
                lineStart = k + 1
            }
            return p
        }
        while i < bytes.count {
            let b = bytes[i]
            let next: UInt8 = i + 1 < bytes.count ? bytes[i + 1] : 0
            if b == UInt8(ascii: "'") || b == UInt8(ascii: "\"") {
                let open = i
                i += 1
                while true {
                    guard i < bytes.count else { throw fail("unterminated string", at: open) }
                    if bytes[i] == UInt8(ascii: "\\") {
                        i += 2
                        continue
                    }
                    if bytes[i] == b {
                        if i + 1 < bytes.count, bytes[i + 1] == b {  // a doubled quote
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    i += 1
                }
            } else if (b == UInt8(ascii: "-") || b == UInt8(ascii: "/")) && next == b {
                while i < bytes.count && bytes[i] != 0x0A {
                    bytes[i] = 0x20
                    i += 1
                }
            } else if b == UInt8(ascii: "/") && next == UInt8(ascii: "*") {
                let open = i
                while true {
                    guard i + 1 < bytes.count else { throw fail("unterminated comment", at: open) }
                    if bytes[i] == UInt8(ascii: "*") && bytes[i + 1] == UInt8(ascii: "/") {
                        bytes[i] = 0x20
                        bytes[i + 1] = 0x20
                        i += 2
                        break
                    }
                    if bytes[i] != 0x0A { bytes[i] = 0x20 }
                    i += 1
                }
            } else if b == UInt8(ascii: ";") {
                pieces.append(piece(start, i))
                i += 1
                start = i
            } else {
                i += 1
            }
        }
        pieces.append(piece(start, bytes.count))
        return pieces
    }

    /// Removes the annotations at the front of `text` (blanking them) and returns them.
    /// - Throws: ``EPLSyntaxError`` for an `@` without a name or unbalanced parentheses.
    static func takeAnnotations(from text: inout String, piece: Piece) throws(EPLSyntaxError) -> [EPLAnnotation] {
        var bytes = Array(text.utf8)
        var annotations: [EPLAnnotation] = []
        var i = 0
        let source = EPLSource(text: text, line: piece.line, prefix: piece.prefix)
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        func isNameByte(_ b: UInt8) -> Bool {
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_")
                || b == UInt8(ascii: ".")
        }
        while true {
            while i < bytes.count && isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "@") else { break }
            let at = i
            i += 1
            let nameStart = i
            while i < bytes.count && isNameByte(bytes[i]) { i += 1 }
            guard i > nameStart else { throw source.error("expected an annotation name after '@'", at: at) }
            let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
            var arguments: String?
            var j = i
            while j < bytes.count && isSpace(bytes[j]) { j += 1 }
            if j < bytes.count, bytes[j] == UInt8(ascii: "(") {
                var depth = 0
                var k = j
                var quote: UInt8 = 0
                repeat {
                    guard k < bytes.count else { throw source.error("unbalanced '(' in annotation @\(name)", at: j) }
                    let b = bytes[k]
                    if quote != 0 {
                        if b == UInt8(ascii: "\\") {
                            k += 1
                        } else if b == quote {
                            quote = 0
                        }
                    } else if b == UInt8(ascii: "'") || b == UInt8(ascii: "\"") {
                        quote = b
                    } else if b == UInt8(ascii: "(") {
                        depth += 1
                    } else if b == UInt8(ascii: ")") {
                        depth -= 1
                    }
                    k += 1
                } while depth > 0
                arguments = String(decoding: bytes[(j + 1)..<(k - 1)], as: UTF8.self)
                i = k
            }
            for p in at..<i where bytes[p] != 0x0A { bytes[p] = 0x20 }
            annotations.append(EPLAnnotation(name: name, arguments: arguments))
        }
        text = String(decoding: bytes, as: UTF8.self)
        return annotations
    }
}
