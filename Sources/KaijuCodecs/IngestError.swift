public import KaijuCore

/// Why input could not be ingested: what kind of problem, in which format, at which byte.
/// Cases can be added without breaking callers.
public struct IngestError: Error, Hashable, CustomStringConvertible {
    private enum Base: Hashable {
        case inflatedTooLarge(limit: Int)
        case corruptCompressedData(String)
        case frameTooLarge(limit: Int)
        case malformed(format: String, offset: Int?, detail: String)
        case unsupported(String)
        case limitExceeded(limit: String, detail: String)
        case truncated(format: String)
        case handshakeRefused(reason: String)
        case json(format: String, error: JSONError)
        case lineProtocol(offset: Int, column: Int, message: String)
    }

    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// Inflating would exceed the configured cap (a likely gzip bomb).
    public static func inflatedTooLarge(limit: Int) -> IngestError { IngestError(.inflatedTooLarge(limit: limit)) }
    /// The compressed bytes are not valid gzip/zlib.
    public static func corruptCompressedData(_ detail: String) -> IngestError {
        IngestError(.corruptCompressedData(detail))
    }
    /// One frame (message, line, datagram, body) is larger than the configured limit.
    public static func frameTooLarge(limit: Int) -> IngestError { IngestError(.frameTooLarge(limit: limit)) }
    /// The bytes do not follow the protocol.
    /// - Parameters:
    ///   - format: The protocol (`msgpack`, `protobuf`, `thrift binary`, `forward`, `otlp`, ...).
    ///   - offset: The byte offset in the input where reading stopped, when known.
    ///   - detail: What was wrong.
    public static func malformed(_ format: String, at offset: Int? = nil, _ detail: String) -> IngestError {
        IngestError(.malformed(format: format, offset: offset, detail: detail))
    }
    /// Valid input that Kaiju does not handle (a compression, a signal, a content type).
    public static func unsupported(_ detail: String) -> IngestError { IngestError(.unsupported(detail)) }
    /// The stream ended inside a message of `format`.
    public static func truncated(_ format: String) -> IngestError { IngestError(.truncated(format: format)) }
    /// The Forward handshake failed (wrong shared key, same host name, malformed PING).
    public static func handshakeRefused(_ reason: String) -> IngestError {
        IngestError(.handshakeRefused(reason: reason))
    }

    /// The input exceeded a configured bound other than size (nesting depth, flattened key size); `limit`
    /// names it (`depth`, `flatten`) for the `kaiju_limit_hits_total` counter, `detail` says where.
    public static func limitExceeded(_ limit: String, detail: String) -> IngestError {
        IngestError(.limitExceeded(limit: limit, detail: detail))
    }

    /// A JSON error of `what` (`ndjson`, `telegraf json`): a limit it names stays a limit; the offset is kept.
    public static func json(_ error: JSONError, _ what: String) -> IngestError {
        if let limit = error.limit { return .limitExceeded(limit, detail: "\(what): \(error)") }
        return IngestError(.json(format: what, error: error))
    }

    /// A line-protocol line that does not parse.
    /// - Parameters:
    ///   - offset: The byte offset of the problem in the input.
    ///   - column: Its column in the line (1-based).
    ///   - message: What was wrong.
    public static func lineProtocol(at offset: Int, column: Int, _ message: String) -> IngestError {
        IngestError(.lineProtocol(offset: offset, column: column, message: message))
    }

    /// The byte offset where reading stopped, when the error is about one place in the input.
    public var offset: Int? {
        switch self.base {
        case .malformed(_, let offset, _): return offset
        case .json(_, let error): return error.offset
        case .lineProtocol(let offset, _, _): return offset
        default: return nil
        }
    }

    /// The protocol the input was read as, for malformed and truncated input.
    public var format: String? {
        switch self.base {
        case .malformed(let format, _, _), .truncated(let format), .json(let format, _): return format
        case .lineProtocol: return "line protocol"
        default: return nil
        }
    }

    /// The name of the limit the input exceeded, or `nil` when the input was not refused for a limit.
    public var limit: String? {
        switch self.base {
        case .inflatedTooLarge: return "inflated"
        case .frameTooLarge: return "frame"
        case .limitExceeded(let limit, _): return limit
        default: return nil
        }
    }

    /// Whether the input was too big (HTTP 413) rather than wrong (HTTP 400).
    public var isTooLarge: Bool {
        switch self.base {
        case .inflatedTooLarge, .frameTooLarge: return true
        default: return false
        }
    }

    /// The error in words, with the format and byte offset first where known.
    public var description: String {
        switch self.base {
        case .inflatedTooLarge(let limit): return "inflated size exceeds the limit of \(limit) bytes"
        case .corruptCompressedData(let d): return "corrupt compressed data: \(d)"
        case .frameTooLarge(let limit): return "frame exceeds the limit of \(limit) bytes"
        case .malformed(let format, let offset?, let d): return "\(format) at byte \(offset): \(d)"
        case .malformed(let format, nil, let d): return "\(format): \(d)"
        case .json(let format, let error): return "\(format): \(error)"
        case .lineProtocol(_, let column, let message): return "line protocol, column \(column): \(message)"
        case .unsupported(let d): return "unsupported: \(d)"
        case .limitExceeded(_, let d): return d
        case .truncated(let format): return "\(format): connection closed inside a message"
        case .handshakeRefused(let reason): return "forward handshake refused: \(reason)"
        }
    }
}
