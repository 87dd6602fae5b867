public import KaijuCore

/// One typed input as it enters the runtime: a Metric, a LogRecord, a Jaeger Batch or an Event
/// (the same four kinds a recording line holds; `Runtime.send(_:at:)` feeds one).
public typealias Ingested = RecordingLine.Recorded
