import Foundation
import KaijuCore
import KaijuEPL
import KaijuServer

/// `kaiju run RULES INPUT [--until MS]`: rules over a recording, no server (see ``RuleRun``). Output
/// lines go to stdout; unusable input lines are reported on stderr and skipped.
public enum RunMain {
    /// Runs `rulesPath` (an EPL module, or a `statements.txt` when it ends in `.txt`) over `inputPath`.
    /// - Throws: ``RuleFileError`` when a file cannot be read, ``EPLSyntaxError`` for a broken rule.
    public static func run(rules rulesPath: String, input inputPath: String, until: Int64?) throws {
        guard let rulesData = FileManager.default.contents(atPath: rulesPath) else {
            throw RuleFileError("cannot read \(rulesPath)")
        }
        guard let input = FileManager.default.contents(atPath: inputPath) else {
            throw RuleFileError("cannot read \(inputPath)")
        }
        let text = String(decoding: rulesData, as: UTF8.self)
        let rules: RuleRun.Rules
        if rulesPath.hasSuffix(".txt") {
            let (file, errors) = StatementsFile.parse(text)
            if let first = errors.first { throw first }
            rules = .statements(file)
        } else {
            rules = .module(try EPLModule(text: text))
        }
        var out = ""
        let problems = try RuleRun.run(rules, recording: [UInt8](input), until: until) { line in
            out += line
            out += "\n"
            if out.utf8.count >= 1 << 16 {
                FileHandle.standardOutput.write(Data(out.utf8))
                out = ""
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
        for problem in problems {
            FileHandle.standardError.write(Data("kaiju run: \(inputPath): \(problem)\n".utf8))
        }
    }
}
