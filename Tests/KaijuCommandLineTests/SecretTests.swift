import Foundation
import KaijuCodecs
import KaijuCommandLine
import KaijuServer
import Testing

/// Secrets given by flag, file or environment.
struct SecretTests {
    @Test func secretsComeFromFilesOrTheEnvironmentAndCompareInConstantTime() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "from-file\n".write(toFile: dir + "/key", atomically: true, encoding: .utf8)
        #expect(try Secret.resolve(value: "flag", file: dir + "/key", environment: "KAIJU_TEST_UNSET") == "flag")
        #expect(try Secret.resolve(value: nil, file: dir + "/key", environment: "KAIJU_TEST_UNSET") == "from-file")
        #expect(try Secret.resolve(value: nil, file: nil, environment: "KAIJU_TEST_UNSET") == nil)
        #expect(throws: RuleFileError.self) { try Secret.resolve(value: nil, file: dir + "/missing", environment: "X") }
        #expect(ConstantTime.equal(Array("abc".utf8), Array("abc".utf8)))
        #expect(!ConstantTime.equal(Array("abc".utf8), Array("abd".utf8)))
        #expect(!ConstantTime.equal(Array("abc".utf8), Array("abcd".utf8)))
    }

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "kaiju-secret-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
