/// Why input could not be ingested. Cases can be added without breaking callers.
public struct IngestError: Error, Hashable, CustomStringConvertible {
    private enum Base: Hashable {
        case inflatedTooLarge(limit: Int)
        case corruptCompressedData(String)
    }

    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// Inflating would exceed the configured cap (a likely gzip bomb).
    public static func inflatedTooLarge(limit: Int) -> IngestError { IngestError(.inflatedTooLarge(limit: limit)) }
    /// The compressed bytes are not valid gzip/zlib.
    public static func corruptCompressedData(_ detail: String) -> IngestError { IngestError(.corruptCompressedData(detail)) }

    public var description: String {
        switch self.base {
        case .inflatedTooLarge(let limit): return "inflated size exceeds the limit of \(limit) bytes"
        case .corruptCompressedData(let d): return "corrupt compressed data: \(d)"
        }
    }
}
