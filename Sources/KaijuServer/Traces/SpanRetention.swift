import DequeModule
public import KaijuCore

/// The spans kaiju-traces received in the last retention period (`--rtime`), by trace, for the traces
/// API, and tail sampling: when a span leaves retention and its trace was flagged (an Event carrying
/// its `traceId`, as the paper's Q3b produces for a slow span), it is handed to ``sampled``. Lives on
/// the engine's thread; times are engine time (ms).
public final class SpanRetention {
    /// A trace id's two halves.
    public struct TraceID: Hashable, Sendable {
        /// The high 64 bits (0 for 64-bit ids).
        public var high: Int64
        /// The low 64 bits.
        public var low: Int64

        /// The id as 32 lowercase hex digits (16 for a 64-bit id).
        public var hex: String {
            let low = Self.hex16(self.low)
            return self.high == 0 ? low : Self.hex16(self.high) + low
        }

        /// A hex id (up to 32 digits), or `nil`.
        public init?(hex: String) {
            let text = Substring(hex.lowercased())
            guard !text.isEmpty, text.count <= 32, text.allSatisfy(\.isHexDigit) else { return nil }
            let split = text.index(text.endIndex, offsetBy: -min(16, text.count))
            guard let low = UInt64(text[split...], radix: 16) else { return nil }
            let high = split == text.startIndex ? 0 : UInt64(text[..<split], radix: 16) ?? 0
            self.high = Int64(bitPattern: high)
            self.low = Int64(bitPattern: low)
        }

        /// The halves of a span's trace id.
        public init(high: Int64, low: Int64) {
            self.high = high
            self.low = low
        }

        static func hex16(_ v: Int64) -> String {
            let text = String(UInt64(bitPattern: v), radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }
    }

    /// A retained span and the process that sent it.
    public struct RetainedSpan: Sendable {
        /// The span.
        public let span: Span
        /// Its process.
        public let process: JaegerProcess
        /// When it was received (engine time, ms).
        public let at: Int64
    }

    /// How long a span is retained (ms).
    public let retention: Int64
    /// The most spans retained; the oldest leave early beyond it.
    public let maxSpans: Int
    /// The spans of each trace, oldest first.
    public private(set) var traces: [TraceID: [RetainedSpan]] = [:]
    /// Arrival order, for expiry.
    private var order: Deque<(at: Int64, trace: TraceID)> = []
    /// Traces flagged for tail sampling.
    private var flagged: Set<TraceID> = []
    /// Receives each span of a flagged trace as it leaves retention.
    public var sampled: ((RetainedSpan) -> Void)?
    /// Spans that left early because ``maxSpans`` was reached.
    public private(set) var evicted = 0

    /// Retention of `retention` ms, at most `maxSpans` spans.
    public init(retention: Int64, maxSpans: Int) {
        self.retention = max(retention, 1)
        self.maxSpans = max(maxSpans, 1)
    }

    /// The number of spans retained.
    public var count: Int { self.order.count }

    /// Retains a batch's spans received at `now`, after letting go of those older than the retention.
    public func add(_ batch: Batch, at now: Int64) {
        self.expire(now: now)
        for span in batch.spans {
            let id = TraceID(high: span.traceIdHigh, low: span.traceIdLow)
            self.traces[id, default: []].append(RetainedSpan(span: span, process: batch.process, at: now))
            self.order.append((now, id))
            if self.order.count > self.maxSpans {
                self.evicted += 1
                self.releaseOldest()
            }
        }
    }

    /// Flags a trace for tail sampling (its spans are sampled as they leave retention).
    public func flag(_ id: TraceID) {
        if self.traces[id] != nil { self.flagged.insert(id) }
    }

    /// Lets go of every span received more than the retention before `now`.
    public func expire(now: Int64) {
        while let first = self.order.first, now - first.at >= self.retention { self.releaseOldest() }
    }

    private func releaseOldest() {
        guard let (_, id) = self.order.popFirst(), var spans = self.traces[id], !spans.isEmpty else { return }
        let leaving = spans.removeFirst()
        if self.flagged.contains(id) { self.sampled?(leaving) }
        if spans.isEmpty {
            self.traces[id] = nil
            self.flagged.remove(id)
        } else {
            self.traces[id] = spans
        }
    }
}
