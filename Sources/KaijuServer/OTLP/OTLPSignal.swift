import KaijuCodecs
import KaijuCore

/// One of the three OpenTelemetry signals, each taken by its source module over OTLP/HTTP and OTLP/gRPC:
/// spans by kaiju-traces, log records by kaiju-logs, data points by kaiju-metrics.
public enum OTLPSignal: String, Sendable, CaseIterable {
    /// `ExportTraceServiceRequest`: each span a `Span` (in a `Batch` per resource).
    case traces
    /// `ExportLogsServiceRequest`: each log record a `LogRecord`.
    case logs
    /// `ExportMetricsServiceRequest`: each data point a `Metric`.
    case metrics

    /// The OTLP/HTTP path: `/v1/traces`, `/v1/logs` or `/v1/metrics`.
    public var httpPath: String { "/v1/\(self.rawValue)" }

    /// The fully qualified gRPC service whose `Export` method takes the signal.
    public var grpcService: String {
        switch self {
        case .traces: "opentelemetry.proto.collector.trace.v1.TraceService"
        case .logs: "opentelemetry.proto.collector.logs.v1.LogsService"
        case .metrics: "opentelemetry.proto.collector.metrics.v1.MetricsService"
        }
    }

    /// Decodes one export request (protobuf, or OTLP's JSON when `json`) into input events.
    /// - Parameter receivedAt: Wall time in milliseconds, for records without a time of their own.
    func decode(
        _ body: [UInt8],
        json: Bool,
        receivedAt now: Int64,
        limits: IngestLimits
    ) throws(IngestError) -> [InputEvent] {
        switch self {
        case .traces:
            let batches =
                json
                ? try OTLPTraceJSON.decode(body, maxDepth: limits.maxDepth)
                : try OTLPTraceProtobuf.decode(body, maxDepth: limits.maxDepth)
            return batches.map { .batch($0) }
        case .logs:
            let records =
                json
                ? try OTLPSignalsJSON.logs(
                    body,
                    receivedAt: now,
                    maxDepth: limits.maxDepth,
                    maxFlattenExpansion: limits.maxFlattenExpansion
                )
                : try OTLPLogsProtobuf.decode(
                    body,
                    receivedAt: now,
                    maxDepth: limits.maxDepth,
                    maxFlattenExpansion: limits.maxFlattenExpansion
                )
            return records.map { .log($0) }
        case .metrics:
            let metrics =
                json
                ? try OTLPSignalsJSON.metrics(body, receivedAt: now, maxDepth: limits.maxDepth)
                : try OTLPMetricsProtobuf.decode(body, receivedAt: now, maxDepth: limits.maxDepth)
            return metrics.map { .metric($0) }
        }
    }
}
