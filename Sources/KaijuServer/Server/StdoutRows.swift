import Foundation
import KaijuCodecs
public import KaijuCore

/// The `simple` listener: one `{"statement":"NAME","row":{...}}` line per output row on stdout, each line
/// written straight to the file descriptor (unbuffered, so flushed per line).
public enum StdoutRows {
    /// Prints each row as `{"statement":NAME,"row":{...}}`, one per line.
    public static func write(_ output: StatementOutput) {
        for line in output.jsonLines { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    }
}
