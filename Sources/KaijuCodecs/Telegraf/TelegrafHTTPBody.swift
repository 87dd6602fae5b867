@_spi(Codecs) import KaijuCore

/// Decodes the bodies Telegraf's `outputs.http` and the InfluxDB write API post: Telegraf JSON
/// (sniffed from the first byte, since Telegraf labels both forms `text/plain`) or line protocol.
///
/// # Usage
/// ```swift
/// let decoder = TelegrafHTTPBody(timestampUnits: .auto, limits: IngestLimits())
/// let decoded = decoder.decode(body, lineProtocolOnly: false, precision: .ns, receivedAt: now)
/// ```
public struct TelegrafHTTPBody: Sendable {
    private let json: JSONLineDecoder
    private let maxDepth: Int

    /// Creates a decoder.
    /// - Parameters:
    ///   - timestampUnits: The unit of Telegraf JSON timestamps.
    ///   - limits: The bounds applied to every body.
    public init(timestampUnits: TimestampUnits, limits: IngestLimits) {
        self.json = JSONLineDecoder(timestampUnits: timestampUnits, limits: limits)
        self.maxDepth = limits.maxDepth
    }

    /// Decodes one body.
    /// - Parameters:
    ///   - body: The request body.
    ///   - lineProtocolOnly: Whether the endpoint takes only line protocol (`/write`, `/api/v2/write`).
    ///   - precision: The unit of line-protocol timestamps (the write API's `precision`).
    ///   - receivedAt: The wall time (ms) given to metrics without a timestamp.
    /// - Returns: The metrics read and an error per bad line (good lines are kept).
    public func decode(
        _ body: [UInt8],
        lineProtocolOnly: Bool,
        precision: TimestampUnits,
        receivedAt: Int64
    ) -> DecodedInputs {
        var decoded = DecodedInputs()
        if !lineProtocolOnly && body.firstNonWhitespace == UInt8(ascii: "{") {
            let interner = StringInterner(capacity: 1024)
            do throws(JSONError) {
                try JSONScanner.parseSequence(body, maxDepth: self.maxDepth) { (s) throws(JSONError) in
                    try self.json.decode(&s, receivedAt: receivedAt, interner: interner, into: &decoded.items)
                }
            } catch {
                decoded.errors.append(.json(error, "telegraf json"))
            }
        } else {
            var metrics: [Metric] = []
            body.withUnsafeBytes { raw in
                LineProtocolParser.parseAll(
                    raw,
                    receivedAt: receivedAt,
                    precision: precision,
                    into: &metrics,
                    errors: &decoded.errors
                )
            }
            decoded.items = metrics.map { .metric($0) }
        }
        return decoded
    }

    /// The unit the InfluxDB write API's `precision` parameter names (nanoseconds when absent).
    /// - Parameter text: The parameter's value, if given.
    /// - Returns: The unit.
    public static func precision(_ text: String?) -> TimestampUnits {
        switch text {
        case "s": return .s
        case "ms": return .ms
        case "u", "us", "µs": return .us
        default: return .ns
        }
    }
}

extension Array where Element == UInt8 {
    /// The first byte that is not a space, tab, CR or LF.
    public var firstNonWhitespace: UInt8? { self.first { $0 != 0x20 && $0 != 0x0a && $0 != 0x0d && $0 != 0x09 } }
}
