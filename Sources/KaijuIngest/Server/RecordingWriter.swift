import Foundation

/// `--record PATH`: appends every input event, as it enters the runtime, as one recording line
/// `{"at":ENGINE_MS,"type":...,"event":{...}}`. Used from the engine's loop only.
public final class RecordingWriter: Sendable {
    private let handle: FileHandle

    /// Opens `path` for appending (creating it).
    public init(path: String) throws {
        self.handle = try FileHandle.appending(to: path)
    }

    /// Appends lines already rendered (each ending with a newline).
    func append(_ text: String) {
        guard !text.isEmpty else { return }
        self.handle.write(Data(text.utf8))
    }

    public func close() { try? self.handle.close() }
}

extension FileHandle {
    /// `path` opened for appending, created if missing.
    /// - Throws: ``RuleFileError`` when it cannot be created or written.
    static func appending(to path: String) throws -> FileHandle {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw RuleFileError("cannot create \(path)") }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw RuleFileError("cannot write \(path)") }
        handle.seekToEndOfFile()
        return handle
    }
}
