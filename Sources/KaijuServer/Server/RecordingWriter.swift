import Foundation
import KaijuCodecs
import Synchronization

/// `--record PATH`: appends every input event, as it enters the runtime, as one recording line
/// `{"at":ENGINE_MS,"type":...,"event":{...}}`. Used from the engine's loop only.
public final class RecordingWriter: Sendable {
    /// The open file; `nil` once closed.
    private let handle: Mutex<FileHandle?>
    /// Lines that could not be written (after close or on a write error), counted rather than trapping.
    private let lost = Atomic<Int>(0)

    /// Opens `path` for appending (creating it).
    public init(path: String) throws {
        self.handle = Mutex(try FileHandle.appending(to: path))
    }

    /// Appends lines already rendered (each ending with a newline). After ``close()`` or a failed write
    /// the lines are counted in ``lostLines`` instead.
    func append(_ text: String) {
        guard !text.isEmpty else { return }
        let written = self.handle.withLock { handle -> Bool in
            guard let handle else { return false }
            do {
                try handle.write(contentsOf: Data(text.utf8))
                return true
            } catch {
                return false
            }
        }
        if !written { self.lost.add(text.utf8.count { $0 == 0x0A }, ordering: .relaxed) }
    }

    /// Lines appended after close or lost to a write error.
    public var lostLines: Int { self.lost.load(ordering: .relaxed) }

    /// Flushes and closes the file; later appends are counted, not written.
    public func close() {
        self.handle.withLock { handle in
            try? handle?.synchronize()
            try? handle?.close()
            handle = nil
        }
    }
}

extension FileHandle {
    /// `path` opened for appending, created if missing.
    /// - Throws: ``RuleFileError`` when it cannot be created or written.
    static func appending(to path: String) throws -> FileHandle {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw RuleFileError("cannot create \(path)")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw RuleFileError("cannot write \(path)") }
        handle.seekToEndOfFile()
        return handle
    }
}
