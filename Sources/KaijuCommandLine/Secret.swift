import Foundation
import KaijuEPL
import KaijuServer

/// Secrets (the Forward shared key, the admin token) given on the command line, in a file or in an
/// environment variable, so they need not appear in `ps`.
public enum Secret {
    /// The secret from `value`, else the first line of the file at `file`, else the environment
    /// variable `environment`; `nil` when none is set.
    /// - Throws: ``RuleFileError`` when `file` cannot be read or is empty.
    public static func resolve(value: String?, file: String?, environment: String) throws -> String? {
        if let value, !value.isEmpty { return value }
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw RuleFileError("cannot read \(file)")
            }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw RuleFileError("\(file) is empty") }
            return text
        }
        if let env = ProcessInfo.processInfo.environment[environment], !env.isEmpty { return env }
        return nil
    }
}
