#!/usr/bin/env python3
"""Captures the bytes real clients send, once, for the codec and server tests (KaijuTestSupport).

Run: python3 -m venv /tmp/fx && /tmp/fx/bin/pip install fluent-logger==0.11.1 msgpack==1.2.4 jaeger-client==4.8.0 six \
         thrift==0.25.0 opentelemetry-sdk==1.45.2 opentelemetry-exporter-otlp-proto-http==1.45.2 influxdb-client==1.50.0
     /tmp/fx/bin/python Tests/KaijuTestSupport/Fixtures/capture.py [CAPTURE ...]   # all, or the named ones

Each client is pointed at a local capture server; what it sent is written as NAME.bin (HTTP bodies as
sent, still compressed) with NAME.json holding what the client was asked to send (and the request's
headers), which the tests compare the decoded events with field by field.
"""
import gzip, json, os, socket, threading, time
from http.server import BaseHTTPRequestHandler, HTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, data, expected):
    with open(os.path.join(HERE, name + ".bin"), "wb") as f:
        f.write(data)
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{name}: {len(data)} bytes")


def tcp_capture(drive):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    got = bytearray()

    def serve():
        conn, _ = srv.accept()
        while True:
            b = conn.recv(65536)
            if not b:
                break
            got.extend(b)
        conn.close()

    t = threading.Thread(target=serve)
    t.start()
    drive(port)
    t.join(10)
    srv.close()
    return bytes(got)


def udp_capture(drive):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(10)
    drive(s.getsockname()[1])
    data, _ = s.recvfrom(65536)
    s.close()
    return data


def http_capture(drive, status=200, reply=b"", reply_type="application/x-protobuf"):
    requests = []

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                body = bytearray()
                while True:
                    n = int(self.rfile.readline().strip(), 16)
                    if n == 0:
                        self.rfile.readline()
                        break
                    body.extend(self.rfile.read(n))
                    self.rfile.readline()
            else:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}, bytes(body)))
            self.send_response(status)
            self.send_header("Content-Type", reply_type)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *a):
            pass

    srv = HTTPServer(("127.0.0.1", 0), H)
    t = threading.Thread(target=srv.serve_forever)
    t.start()
    drive(srv.server_address[1])
    srv.shutdown()
    t.join()
    return requests[0]


# --- Fluentd Forward: fluent-logger (Message mode, EventTime) ---------------------------------------
def fluent_logger():
    from fluent import sender

    record = {"msg": "hello", "level": "info", "kubernetes": {"labels": {"app": "web"}, "pod": "web-1"}, "n": 42}

    def drive(port):
        s = sender.FluentSender("app", host="127.0.0.1", port=port, nanosecond_precision=True)
        assert s.emit_with_time("log", 1700000000.25, record)
        s.close()

    save("forward-fluent-logger", tcp_capture(drive), {"tag": "app.log", "time_ms": 1700000000250, "record": record})


# --- Forward, PackedForward and CompressedPackedForward as Fluentd / Fluent Bit lay them out (msgpack) ---
def forward_modes():
    import msgpack

    def et(sec, nsec):
        return msgpack.ExtType(0, sec.to_bytes(4, "big") + nsec.to_bytes(4, "big"))

    entries = [(et(1700000001, 0), {"msg": "one", "i": 1}), (et(1700000002, 500_000_000), {"msg": "two", "i": 2})]
    # Fluent Bit default: Forward mode, no options.
    fb = msgpack.packb(["fb.tag", [list(e) for e in entries]])
    # Forward mode with an ack request.
    fw = msgpack.packb(["fw.tag", [list(e) for e in entries], {"chunk": "cDE=", "size": 2}])
    # Fluentd out_forward: PackedForward, entries as str32 holding raw msgpack, options size/compressed/chunk.
    packed = b"".join(msgpack.packb(list(e)) for e in entries)
    header = msgpack.packb("fd.tag")
    chunk = "p8n9gmxTQVC8/nh2wlKKeQ==\n"
    opts = msgpack.packb({"size": 2, "compressed": "text", "chunk": chunk})
    fd = b"\x93" + header + b"\xdb" + len(packed).to_bytes(4, "big") + packed + opts
    # CompressedPackedForward: one gzip member per appended batch (two members), entries as bin.
    gz = gzip.compress(msgpack.packb(list(entries[0])), mtime=0) + gzip.compress(msgpack.packb(list(entries[1])), mtime=0)
    cpf = msgpack.packb(["gz.tag", gz, {"size": 2, "compressed": "gzip", "chunk": "Z3o="}])
    expected = [{"msg": "one", "i": 1, "time_ms": 1700000001000}, {"msg": "two", "i": 2, "time_ms": 1700000002500}]
    save("forward-fluentbit-forward", fb, {"tag": "fb.tag", "records": expected})
    save("forward-ack", fw, {"tag": "fw.tag", "records": expected, "chunk": "cDE="})
    save("forward-packed-str32", fd, {"tag": "fd.tag", "records": expected, "chunk": chunk})
    save("forward-compressed-2members", cpf, {"tag": "gz.tag", "records": expected, "chunk": "Z3o="})


# --- Jaeger: jaeger-client's agent sender (compact Thrift over UDP) and a binary Batch for HTTP ----------
def jaeger():
    from jaeger_client import Config
    from jaeger_client.thrift_gen.jaeger import ttypes
    from thrift.protocol import TBinaryProtocol
    from thrift.transport import TTransport

    spans = {}

    def drive(port):
        cfg = Config(config={"sampler": {"type": "const", "param": 1}, "local_agent": {"reporting_host": "127.0.0.1", "reporting_port": port},
                             "logging": False, "tags": {"kube.node_name": "node-1"}}, service_name="checkout", validate=True)
        tracer = cfg.new_tracer()
        with tracer.start_span("GET /cart", start_time=1700000000.0) as span:
            span.set_tag("kube.pod_name", "cart-7")
            span.set_tag("http.status_code", 200)
            span.set_tag("ratio", 0.5)
            span.set_tag("cached", True)
            span.log_kv({"event": "cache-miss"}, timestamp=1700000000.1)
            spans["trace_id"] = "%x" % span.trace_id
            spans["span_id"] = span.span_id
            span.finish(finish_time=1700000000.25)
        time.sleep(0.5)
        tracer.close()
        time.sleep(1.5)

    data = udp_capture(drive)
    save("jaeger-compact-emitbatch", data, {"service": "checkout", "operation": "GET /cart", "trace_id_hex": spans["trace_id"],
                                            "span_id": spans["span_id"], "start_us": 1700000000000000, "duration_us": 250000,
                                            "tags": {"kube.pod_name": "cart-7", "http.status_code": 200, "ratio": 0.5, "cached": True},
                                            "process_tags": {"kube.node_name": "node-1"}, "log_event": "cache-miss", "log_us": 1700000000100000})
    # The collector's HTTP body: a bare binary-protocol Batch, as Jaeger's HTTP sender writes it.
    batch = ttypes.Batch(process=ttypes.Process(serviceName="svc", tags=[ttypes.Tag(key="ip", vType=ttypes.TagType.STRING, vStr="10.0.0.1")]),
                         spans=[ttypes.Span(traceIdLow=-2, traceIdHigh=0x1234, spanId=7, parentSpanId=3, operationName="op", flags=1,
                                            startTime=1700000000000000, duration=1000,
                                            references=[ttypes.SpanRef(refType=ttypes.SpanRefType.FOLLOWS_FROM, traceIdLow=-2, traceIdHigh=0x1234, spanId=3)],
                                            tags=[ttypes.Tag(key="d", vType=ttypes.TagType.DOUBLE, vDouble=1.5),
                                                  ttypes.Tag(key="n", vType=ttypes.TagType.LONG, vLong=-5),
                                                  ttypes.Tag(key="b", vType=ttypes.TagType.BOOL, vBool=True)])])
    buf = TTransport.TMemoryBuffer()
    batch.write(TBinaryProtocol.TBinaryProtocol(buf))
    save("jaeger-http-batch", buf.getvalue(), {"service": "svc", "trace_id_low": -2, "trace_id_high": 0x1234, "span_id": 7, "parent": 3})


# --- OTLP/HTTP: the OpenTelemetry Python exporter (protobuf, gzip) -------------------------------------------
def otlp():
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.exporter.otlp.proto.http import Compression
    from opentelemetry.trace import SpanKind, Status, StatusCode

    seen = {}

    def drive(port):
        provider = TracerProvider(resource=Resource.create({"service.name": "frontend", "k8s.pod.name": "fe-1"}))
        provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=f"http://127.0.0.1:{port}/v1/traces", compression=Compression.Gzip)))
        tracer = provider.get_tracer("shop.lib")
        span = tracer.start_span("checkout", kind=SpanKind.SERVER, start_time=1700000000000000000,
                                 attributes={"http.method": "POST", "retries": 2, "ok": False, "load": 0.75})
        span.add_event("paid", attributes={"amount": 12}, timestamp=1700000000100000000)
        span.set_status(Status(StatusCode.ERROR, "card declined"))
        ctx = span.get_span_context()
        seen["trace_id"] = "%032x" % ctx.trace_id
        seen["span_id"] = "%016x" % ctx.span_id
        span.end(end_time=1700000000500000000)
        provider.shutdown()

    path, headers, body = http_capture(drive)
    save("otlp-traces-protobuf-gzip", body, {"path": path, "content_type": headers.get("content-type"), "content_encoding": headers.get("content-encoding"),
                                             "service": "frontend", "scope": "shop.lib", **seen, "start_us": 1700000000000000, "duration_us": 500000})


# --- InfluxDB line protocol: influxdb-client's write API --------------------------------------------------------
def influx():
    from influxdb_client import InfluxDBClient, Point
    from influxdb_client.client.write_api import SYNCHRONOUS

    def drive(port):
        with InfluxDBClient(url=f"http://127.0.0.1:{port}", token="t", org="o") as client:
            api = client.write_api(write_options=SYNCHRONOUS)
            api.write(bucket="b", record=[
                Point("cpu").tag("host", "web 1").tag("region", "eu,west").field("usage_idle", 99.5).field("count", 3)
                .field("ok", True).field("msg", 'say "hi"\nbye').time(1700000000123456789),
                Point("disk space").tag("path", "/a=b").field("free", 1.0).time(1700000001000000000),
            ])

    path, headers, body = http_capture(drive, status=204, reply=b"")
    save("influx-write-v2", body, {"path": path, "metrics": [
        {"name": "cpu", "tags": {"host": "web 1", "region": "eu,west"}, "fields": {"usage_idle": 99.5, "count": 3, "ok": True, "msg": 'say "hi"\nbye'}, "timestamp": 1700000000123},
        {"name": "disk space", "tags": {"path": "/a=b"}, "fields": {"free": 1.0}, "timestamp": 1700000001000}]})


# --- Telegraf socket_writer: no Python client emulates Telegraf, so these follow its serializers byte for byte ---
def telegraf():
    lines = [
        b'{"fields":{"usage_idle":99.5,"count":3,"big":18446744073709551615,"ok":true,"msg":"hi"},"name":"cpu","tags":{"cpu":"cpu0","host":"web"},"timestamp":1700000000}\n',
        b'{"metrics":[{"fields":{"free":1e+21},"name":"disk","tags":{},"timestamp":1700000001}]}\n',
        b'cpu,cpu=cpu0,host=web\\ 1 usage_idle=99.5,count=3i,ok=true,msg="say \\"hi\\"\nbye" 1700000000000000000\n',
    ]
    # content_encoding = "gzip": every metric is its own gzip member, back to back on the stream.
    save("telegraf-socket-writer-gzip", b"".join(gzip.compress(l, mtime=0) for l in lines), {"lines": [l.decode() for l in lines]})


# --- OTLP/HTTP logs and metrics: the OpenTelemetry Python SDK's exporters, gzip protobuf ---------------
def otlp_logs():
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http import Compression
    from opentelemetry._logs import SeverityNumber

    def drive(port):
        provider = LoggerProvider(resource=Resource.create({"service.name": "checkout", "k8s.namespace.name": "shop"}))
        provider.add_log_record_processor(SimpleLogRecordProcessor(OTLPLogExporter(endpoint=f"http://127.0.0.1:{port}/v1/logs", compression=Compression.Gzip)))
        logger = provider.get_logger("shop.payments")
        logger.emit(timestamp=1700000000250000000, observed_timestamp=1700000000300000000, severity_text="ERROR",
                    severity_number=SeverityNumber.ERROR, body="card declined",
                    attributes={"http.status_code": 402, "retry": False})
        provider.shutdown()

    path, headers, body = http_capture(drive)
    save("otlp-logs-protobuf-gzip", body, {"path": path, "content_type": headers.get("content-type"), "content_encoding": headers.get("content-encoding")})


def otlp_metrics():
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http import Compression
    from opentelemetry.metrics import Observation

    def drive(port):
        reader = InMemoryMetricReader()
        provider = MeterProvider(resource=Resource.create({"service.name": "checkout"}), metric_readers=[reader])
        meter = provider.get_meter("shop.metrics")
        meter.create_counter("orders").add(3, {"region": "eu"})
        meter.create_up_down_counter("queue_depth").add(-2, {"queue": "mail"})
        meter.create_observable_gauge("temperature", callbacks=[lambda options: [Observation(21.5, {"room": "lab"})]])
        h = meter.create_histogram("latency_ms")
        for v in (3, 7, 40, 900):
            h.record(v, {"route": "/cart"})
        exporter = OTLPMetricExporter(endpoint=f"http://127.0.0.1:{port}/v1/metrics", compression=Compression.Gzip)
        exporter.export(reader.get_metrics_data())
        provider.shutdown()

    path, headers, body = http_capture(drive)
    save("otlp-metrics-protobuf-gzip", body, {"path": path, "content_type": headers.get("content-type"), "content_encoding": headers.get("content-encoding")})


if __name__ == "__main__":
    import sys
    chosen = sys.argv[1:] or ["telegraf", "fluent_logger", "forward_modes", "jaeger", "otlp", "influx", "otlp_logs", "otlp_metrics"]
    for name in chosen:
        globals()[name]()
