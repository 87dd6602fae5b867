/// Which stored property of a model type is which event column, so the typed builder and EPL text
/// produce the same plan (`\Metric.name` and `name` both become the column `name`).
public protocol ColumnKeyPaths: EventKind {
    /// The column a key path reads, or `nil` for a computed property.
    static func column(for keyPath: PartialKeyPath<Self>) -> String?
}

extension Metric: ColumnKeyPaths {
    public static func column(for kp: PartialKeyPath<Metric>) -> String? {
        switch kp {
        case \Metric.name: return "name"
        case \Metric.timestamp: return "timestamp"
        case \Metric.fields: return "fields"
        case \Metric.tags: return "tags"
        default: return nil
        }
    }
}

extension LogRecord: ColumnKeyPaths {
    public static func column(for kp: PartialKeyPath<LogRecord>) -> String? {
        switch kp {
        case \LogRecord.timestamp: return "timestamp"
        case \LogRecord.fields: return "fields"
        default: return nil
        }
    }
}

extension Event: ColumnKeyPaths {
    public static func column(for kp: PartialKeyPath<Event>) -> String? {
        switch kp {
        case \Event.timestamp: return "timestamp"
        case \Event.payload: return "payload"
        case \Event.context: return "context"
        default: return nil
        }
    }
}

extension Span: ColumnKeyPaths {
    public static func column(for kp: PartialKeyPath<Span>) -> String? {
        switch kp {
        case \Span.traceIdLow: return "traceIdLow"
        case \Span.traceIdHigh: return "traceIdHigh"
        case \Span.spanId: return "spanId"
        case \Span.parentSpanId: return "parentSpanId"
        case \Span.operationName: return "operationName"
        case \Span.references: return "references"
        case \Span.flags: return "flags"
        case \Span.startTime: return "startTime"
        case \Span.duration: return "duration"
        case \Span.tags: return "tags"
        case \Span.logs: return "logs"
        default: return nil
        }
    }
}

extension Batch: ColumnKeyPaths {
    public static func column(for kp: PartialKeyPath<Batch>) -> String? {
        switch kp {
        case \Batch.process: return "process"
        case \Batch.spans: return "spans"
        default: return nil
        }
    }
}
