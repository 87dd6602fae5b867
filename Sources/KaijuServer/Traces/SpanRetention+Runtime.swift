import KaijuCore
import KaijuEPL
import NIOCore
import Synchronization

extension SpanRetention {
    /// Retains `runtime`'s spans for the traces API: every batch that enters is kept for `retention` ms
    /// (at most `maxSpans` spans), a trace is flagged for tail sampling when an Event carries its id as
    /// `payload.traceId` (hex), and the named window `RetainedSpans` (the spans' ids, operation, start and
    /// duration) holds the same spans for on-demand EPL (`POST /api/query`). `samples` receives a sampled span as a one-span batch's JSON line.
    static func install(
        in runtime: Runtime,
        retentionTime: String,
        maxSpans: Int,
        samples: ((String) -> Void)?
    ) throws -> SpanRetention {
        let period = TimePeriod(parsing: retentionTime) ?? TimePeriod.milliseconds(120_000)
        let retention = SpanRetention(retention: period.milliseconds, maxSpans: maxSpans)
        if let samples {
            retention.sampled = { retained in
                samples(Batch(process: retained.process, spans: [retained.span]).jsonString + "\n")
            }
        }
        runtime.observeBatches { [unowned runtime] batch in retention.add(batch, at: runtime.now) }
        runtime.observeEvents { event in
            if let text = event.payload["traceId"]?.stringValue, let id = TraceID(hex: text) { retention.flag(id) }
        }
        let columns = "traceIdLow, traceIdHigh, spanId, parentSpanId, operationName, startTime, duration"
        try EPL.install(
            "create window RetainedSpans#time(\(retentionTime)) as (traceIdLow long, traceIdHigh long, spanId long, parentSpanId long, operationName string, startTime long, duration long)",
            in: runtime
        )
        try EPL.install("insert into RetainedSpans select \(columns) from Span", in: runtime)
        return retention
    }
}

/// The span retention a server made on its engine loop, handed to the traces API.
final class SpanRetentionSlot: Sendable {
    private let value = Mutex<NIOLoopBound<SpanRetention>?>(nil)

    /// The retention, once made.
    var retention: NIOLoopBound<SpanRetention>? {
        get { self.value.withLock { $0 } }
        set { self.value.withLock { $0 = newValue } }
    }
}
