public import KaijuCore

/// One typed input as it enters the runtime: a Metric, a LogRecord, a Jaeger Batch or an Event
/// (the same four kinds a recording line holds).
public typealias Ingested = RecordingLine.Recorded

extension RecordingLine.Recorded {
    /// Sends it to `runtime` (a Batch also as its spans, as the original did).
    public func send(to runtime: Runtime) {
        switch self {
        case .metric(let m): runtime.send(m)
        case .log(let l): runtime.send(l)
        case .batch(let b): runtime.send(batchAndSpans: b)
        case .event(let e): runtime.send(e)
        }
    }

    /// How many events it counts as (a Batch counts its spans).
    public var eventCount: Int {
        if case .batch(let b) = self { return b.spans.count }
        return 1
    }
}
