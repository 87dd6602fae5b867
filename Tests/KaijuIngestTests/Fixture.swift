import Foundation
import KaijuCore

/// The bytes a real client sent (`Fixtures/NAME.bin`) and what it was asked to send (`Fixtures/NAME.json`),
/// both written by `Fixtures/capture.py`.
struct Fixture {
    let bytes: [UInt8]
    let expected: Value

    init(_ name: String) throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        self.bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name + ".bin")))
        let json = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name + ".json")))
        self.expected = try JSONScanner.parse(json) { (s) throws(JSONError) in try s.readValue() }
    }
}

extension Array where Element == UInt8 {
    /// Runs `body` over the bytes as a raw buffer.
    func raw<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T { try self.withUnsafeBytes(body) }
}

/// Feeds `bytes` to a fresh decoder split at `cut` (two reads), then finishes the stream.
func decodeStream(_ bytes: [UInt8], splitAt cut: Int, make: () -> StreamDecoderProbe) -> StreamDecoderProbe.Result {
    let probe = make()
    probe.feed(Array(bytes[..<cut]))
    probe.feed(Array(bytes[cut...]))
    probe.finish()
    return probe.result
}
