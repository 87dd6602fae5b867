/// Statement text and where it sits in its file, so errors carry the file's line and column.
struct EPLSource: Sendable {
    let text: String
    /// The file line the text starts on (1-based).
    let line: Int
    /// What precedes the text on its first line (a `statements.txt` line's `key:value=` part).
    let prefix: String

    /// The line, column and full source line of a byte offset in `text`.
    func locate(_ offset: Int) -> (line: Int, column: Int, source: String) {
        let bytes = Array(self.text.utf8)
        let clamped = min(max(0, offset), bytes.count)
        var lineStart = 0
        var lineNumber = 0
        for i in 0..<clamped where bytes[i] == 0x0A {
            lineNumber += 1
            lineStart = i + 1
        }
        var lineEnd = clamped
        while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
        let before = String(decoding: bytes[lineStart..<clamped], as: UTF8.self)
        var sourceLine = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        var column = before.count + 1
        if lineNumber == 0 {
            sourceLine = self.prefix + sourceLine
            column += self.prefix.count
        }
        return (self.line + lineNumber, column, sourceLine)
    }

    func error(_ message: String, at offset: Int, limit: String? = nil) -> EPLSyntaxError {
        let p = self.locate(offset)
        return EPLSyntaxError(message, line: p.line, column: p.column, sourceLine: p.source, limit: limit)
    }
}
