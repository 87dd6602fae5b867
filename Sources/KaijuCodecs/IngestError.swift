/// Why input could not be ingested. Cases can be added without breaking callers.
public import KaijuCore

public struct IngestError: Error, Hashable, CustomStringConvertible {
    private enum Base: Hashable {
        case inflatedTooLarge(limit: Int)
        case corruptCompressedData(String)
        case frameTooLarge(limit: Int)
        case malformed(String)
        case unsupported(String)
        case limitExceeded(limit: String, detail: String)
    }

    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// Inflating would exceed the configured cap (a likely gzip bomb).
    public static func inflatedTooLarge(limit: Int) -> IngestError { IngestError(.inflatedTooLarge(limit: limit)) }
    /// The compressed bytes are not valid gzip/zlib.
    public static func corruptCompressedData(_ detail: String) -> IngestError { IngestError(.corruptCompressedData(detail)) }
    /// One frame (message, line, datagram, body) is larger than the configured limit.
    public static func frameTooLarge(limit: Int) -> IngestError { IngestError(.frameTooLarge(limit: limit)) }
    /// The bytes do not follow the protocol; the text says what and where.
    public static func malformed(_ detail: String) -> IngestError { IngestError(.malformed(detail)) }
    /// Valid input that Kaiju does not handle (a compression, a signal, a content type).
    public static func unsupported(_ detail: String) -> IngestError { IngestError(.unsupported(detail)) }

    /// The input exceeded a configured bound other than size (nesting depth, flattened key size); `limit`
    /// names it (`depth`, `flatten`) for the `kaiju_limit_hits_total` counter, `detail` says where.
    public static func limitExceeded(_ limit: String, detail: String) -> IngestError {
        IngestError(.limitExceeded(limit: limit, detail: detail))
    }

    /// A JSON error of `what` (`ndjson`, `telegraf json`): a limit it names stays a limit.
    public static func json(_ error: JSONError, _ what: String) -> IngestError {
        if let limit = error.limit { return .limitExceeded(limit, detail: "\(what): \(error)") }
        return .malformed("\(what): \(error)")
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

    public var description: String {
        switch self.base {
        case .inflatedTooLarge(let limit): return "inflated size exceeds the limit of \(limit) bytes"
        case .corruptCompressedData(let d): return "corrupt compressed data: \(d)"
        case .frameTooLarge(let limit): return "frame exceeds the limit of \(limit) bytes"
        case .malformed(let d): return d
        case .unsupported(let d): return "unsupported: \(d)"
        case .limitExceeded(_, let d): return d
        }
    }
}
