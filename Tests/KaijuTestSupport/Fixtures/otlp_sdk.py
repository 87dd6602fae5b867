#!/usr/bin/env python3
"""Sends one fixed export of a signal with the OpenTelemetry Python SDK's own exporters, unchanged.

Run: python3 -m venv /tmp/otel && /tmp/otel/bin/pip install opentelemetry-sdk==1.45.2 \
         opentelemetry-exporter-otlp-proto-grpc==1.45.2 opentelemetry-exporter-otlp-proto-http==1.45.2
     /tmp/otel/bin/python otlp_sdk.py grpc|http traces|logs|metrics ENDPOINT

ENDPOINT is HOST:PORT for gRPC and the base URL (http://HOST:PORT) for HTTP. Both exporters compress with
gzip. The content is fixed (ids, times, values) so the tests can compare the rows it produces exactly;
metric data points carry the SDK's collection time. Exits non-zero when the export did not succeed.
"""
import sys


def exporters(protocol, signal, endpoint):
    if protocol == "grpc":
        from grpc import Compression
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
        kwargs = {"endpoint": endpoint, "insecure": True, "compression": Compression.Gzip}
    else:
        from opentelemetry.exporter.otlp.proto.http import Compression
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        kwargs = {"endpoint": f"{endpoint}/v1/{signal}", "compression": Compression.Gzip}
    return {"traces": OTLPSpanExporter, "logs": OTLPLogExporter, "metrics": OTLPMetricExporter}[signal](**kwargs)


def traces(exporter):
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.id_generator import IdGenerator
    from opentelemetry.trace import SpanKind, Status, StatusCode

    class FixedIds(IdGenerator):
        def __init__(self):
            self.spans = iter([0x1111111111111111, 0x2222222222222222])

        def generate_span_id(self):
            return next(self.spans)

        def generate_trace_id(self):
            return 0x0123456789ABCDEF0123456789ABCDEF

    provider = TracerProvider(resource=Resource.create({"service.name": "frontend", "k8s.namespace.name": "shop"}),
                              id_generator=FixedIds())
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    finished = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(finished))
    tracer = provider.get_tracer("shop.lib")
    parent = tracer.start_span("checkout", kind=SpanKind.SERVER, start_time=1700000000000000000,
                               attributes={"http.method": "POST", "retries": 2})
    from opentelemetry import trace
    child = tracer.start_span("charge", context=trace.set_span_in_context(parent), kind=SpanKind.CLIENT,
                              start_time=1700000000100000000)
    child.set_status(Status(StatusCode.ERROR, "card declined"))
    child.end(end_time=1700000000400000000)
    parent.end(end_time=1700000000500000000)
    return exporter.export(finished.get_finished_spans()).name == "SUCCESS"


def logs(exporter):
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry._logs import SeverityNumber

    from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor
    records = InMemoryLogRecordExporter()
    provider = LoggerProvider(resource=Resource.create({"service.name": "checkout", "k8s.namespace.name": "shop"}))
    provider.add_log_record_processor(SimpleLogRecordProcessor(records))
    logger = provider.get_logger("shop.payments")
    logger.emit(timestamp=1700000000250000000, observed_timestamp=1700000000300000000, severity_text="ERROR",
                severity_number=SeverityNumber.ERROR, body="card declined", attributes={"http.status_code": 402})
    logger.emit(timestamp=1700000001000000000, observed_timestamp=1700000001000000000, severity_text="INFO",
                severity_number=SeverityNumber.INFO, body="order placed", attributes={"order": "A-17"})
    return exporter.export(records.get_finished_logs()).name == "SUCCESS"


def metrics(exporter):
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.metrics import Observation

    reader = InMemoryMetricReader()
    provider = MeterProvider(resource=Resource.create({"service.name": "checkout"}), metric_readers=[reader])
    meter = provider.get_meter("shop.metrics")
    meter.create_counter("orders").add(3, {"region": "eu"})
    meter.create_observable_gauge("temperature", callbacks=[lambda options: [Observation(21.5, {"room": "lab"})]])
    h = meter.create_histogram("latency_ms")
    for v in (3, 7, 40, 900):
        h.record(v, {"route": "/cart"})
    return exporter.export(reader.get_metrics_data()).name == "SUCCESS"


if __name__ == "__main__":
    protocol, signal, endpoint = sys.argv[1:4]
    exporter = exporters(protocol, signal, endpoint)
    ok = {"traces": traces, "logs": logs, "metrics": metrics}[signal](exporter)
    exporter.shutdown()
    print("exported" if ok else "export failed")
    sys.exit(0 if ok else 1)
