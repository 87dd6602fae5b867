import Foundation
import KaijuCodecs
import Synchronization

/// A `sample` listener's file: opened (created or appended to) on the first row written, not when the
/// statement is added, so a refused statement creates nothing; closed when its last statement goes.
final class SampleFile: Sendable {
    let path: String
    private let handle = Mutex<(file: FileHandle?, users: Int)>((nil, 0))
    private let stats: IngestStats

    init(path: String, stats: IngestStats) {
        self.path = path
        self.stats = stats
    }

    /// One more statement writes here.
    func retain() { self.handle.withLock { $0.users += 1 } }

    /// One statement less; `true` (and the file closed) when none is left.
    func release() -> Bool {
        self.handle.withLock { state in
            state.users -= 1
            guard state.users <= 0 else { return false }
            try? state.file?.close()
            state.file = nil
            return true
        }
    }

    /// Appends `text`; a failure to open or write is counted (`kaiju_dropped_total{reason="sample_write"}`).
    func write(_ text: String) {
        let written = self.handle.withLock { state -> Bool in
            do {
                if state.file == nil { state.file = try FileHandle.appending(to: self.path) }
                try state.file?.write(contentsOf: Data(text.utf8))
                return true
            } catch {
                return false
            }
        }
        if !written { self.stats.dropped("sample_write") }
    }

    /// Closes the file (shutdown).
    func close() {
        self.handle.withLock {
            try? $0.file?.close()
            $0.file = nil
        }
    }

    /// `path` resolved inside `directory`: relative paths are taken from it, absolute ones must lie in it,
    /// `..` is refused, and a symbolic link may not lead out of it.
    /// - Throws: ``RuleFileError`` saying why the path is refused.
    static func confine(_ path: String, to directory: String?) throws -> String {
        guard let directory else {
            throw RuleFileError("listener sample is disabled (start the server with --sample-dir DIR)")
        }
        guard !path.isEmpty, !path.split(separator: "/").contains("..") else {
            throw RuleFileError("sample path '\(path)' may not contain '..'")
        }
        let root = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath().path
        let full = path.hasPrefix("/") ? path : root + "/" + path
        let parent = URL(fileURLWithPath: full).deletingLastPathComponent().standardizedFileURL
            .resolvingSymlinksInPath().path
        let resolved = parent + "/" + URL(fileURLWithPath: full).lastPathComponent
        guard parent == root || parent.hasPrefix(root == "/" ? "/" : root + "/") else {
            throw RuleFileError("sample path '\(path)' is outside --sample-dir \(directory)")
        }
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: resolved) {
            let linked = URL(fileURLWithPath: target, relativeTo: URL(fileURLWithPath: parent + "/"))
                .standardizedFileURL.path
            guard linked.hasPrefix(root + "/") else {
                throw RuleFileError("sample path '\(path)' links outside --sample-dir \(directory)")
            }
        }
        return resolved
    }
}
