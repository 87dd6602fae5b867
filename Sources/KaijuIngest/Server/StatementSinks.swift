public import KaijuCore
public import KaijuEPL
public import NIOCore
import Foundation
public import Logging
import Synchronization

/// Where statements' rows go, per `statements.txt` listener: stdout (`simple`), kaiju-hl (`hl`, the
/// server's forwarder or one per `address`), a file (`sample`, one JSON line per row). Owns the extra
/// forwarders and files, and closes them at shutdown.
public final class StatementSinks: Sendable {
    let defaultForwarder: HLForwarder?
    let loop: any EventLoop
    let stats: IngestStats
    let logger: Logger
    let forwardBuffer: Int
    private let forwarders = Mutex<[String: HLForwarder]>([:])
    private let samples = Mutex<[String: FileHandle]>([:])
    /// Each installed statement's text and listener, by name (for `GET /api/statements`).
    let texts = Mutex<[String: (text: String, listener: String)]>([:])

    public init(defaultForwarder: HLForwarder?, loop: any EventLoop, stats: IngestStats, logger: Logger, forwardBuffer: Int) {
        self.defaultForwarder = defaultForwarder
        self.loop = loop
        self.stats = stats
        self.logger = logger
        self.forwardBuffer = forwardBuffer
    }

    /// The listener for a rule file entry.
    /// - Throws: ``RuleFileError`` for an `hl` listener without any address or an unwritable sample path;
    ///   ``IngestError`` for a bad address.
    public func listener(for kind: StatementsFile.Listener) throws -> StatementListener? {
        switch kind {
        case .none: return nil
        case .simple: return StdoutRows.write
        case .hl(let address):
            return try self.forwarder(address).eventListener(stats: self.stats)
        case .sample(let path):
            let handle = try self.sampleFile(path)
            return { output in
                let text = output.rows.map { $0.jsonString + "\n" }.joined()
                handle.write(Data(text.utf8))
            }
        }
    }

    private func forwarder(_ address: String?) throws -> HLForwarder {
        guard let address else {
            guard let f = self.defaultForwarder else { throw RuleFileError("listener hl needs an address (or --hl / HL_ADDRESS)") }
            return f
        }
        return try self.forwarders.withLock { (all) throws -> HLForwarder in
            if let f = all[address] { return f }
            guard let f = try HLForwarder.to(address, capacity: self.forwardBuffer, loop: self.loop, stats: self.stats, logger: self.logger) else {
                throw RuleFileError("listener hl address cannot be none")
            }
            all[address] = f
            return f
        }
    }

    private func sampleFile(_ path: String) throws -> FileHandle {
        try self.samples.withLock { (all) throws -> FileHandle in
            if let h = all[path] { return h }
            let h = try FileHandle.appending(to: path)
            all[path] = h
            return h
        }
    }

    /// Remembers a rule-file statement's text and listener for `GET /api/statements`.
    public func remember(name: String, entry: StatementsFile.Entry) {
        let listener: String
        switch entry.listener {
        case .simple: listener = "simple"
        case .none: listener = "none"
        case .hl(let address): listener = address.map { "hl(\($0))" } ?? "hl"
        case .sample(let path): listener = "sample(\(path))"
        }
        self.texts.withLock { $0[name] = (entry.text, listener) }
    }

    /// Flushes the extra forwarders (up to `timeout`) and closes the sample files.
    public func close(timeout: TimeAmount) {
        for f in self.forwarders.withLock({ Array($0.values) }) { try? f.close(timeout: timeout).wait() }
        self.samples.withLock { all in
            for h in all.values { try? h.close() }
            all.removeAll()
        }
    }
}
