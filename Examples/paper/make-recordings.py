#!/usr/bin/env python3
"""Writes the bundled recordings the paper's rules are replayed over (one per module).

Each line is Kaiju's recording format: {"at":ENGINE_MS,"type":"Metric|LogRecord|Batch|Event","event":{...}}.
Deterministic: run it again and the files are byte-identical.
"""
import json, os, random

HERE = os.path.dirname(os.path.abspath(__file__))
T0 = 1_700_000_000_000
rng = random.Random(7)

def write(name, lines):
    with open(os.path.join(HERE, name), "w") as f:
        for at, typ, event in sorted(lines, key=lambda l: l[0]):
            f.write(json.dumps({"at": at, "type": typ, "event": event}, separators=(",", ":")) + "\n")

# kaiju-metrics: cumulative CPU counters every 10 s for three containers, and their CPU limits every 30 s.
metrics = []
containers = [("web", "web-1", "shop", 0.20, 0.5), ("cache", "cache-2", "infra", 0.05, 0.25), ("db", "db-0", "shop", 0.70, 0.5)]
for name, pod, ns, rate, limit in containers:
    counter = rng.uniform(100, 200)
    for step in range(19):
        t = T0 + step * 10_000
        counter += rate * 10 * rng.uniform(0.8, 1.2)
        metrics.append((t, "Metric", {"fields": {"counter": round(counter, 3)}, "name": "container_cpu_usage_seconds_total",
                                      "tags": {"container_name": name, "pod_name": pod, "namespace": ns}, "timestamp": t}))
        if step % 3 == 1:
            metrics.append((t + 1, "Metric", {"fields": {"gauge": limit}, "name": "kube_pod_container_resource_limits_cpu_cores",
                                              "tags": {"container": name, "pod": pod, "namespace": ns}, "timestamp": t + 1}))
write("metrics.ndjson", metrics)

# kaiju-logs: application logs and Kubernetes events through eventrouter, two of them image pulls.
logs = []
for i in range(40):
    t = T0 + i * 3_000
    logs.append((t, "LogRecord", {"log": f"GET /item/{i} 200", "kubernetes": {"labels": {"app": "web"}, "namespace_name": "shop"}}))
for t, reason, msg, obj in [
    (T0 + 20_000, "Pulling", 'Pulling image "nginx:1.25"', "web-1"),
    (T0 + 25_000, "Pulled", 'Successfully pulled image "nginx:1.25"', "web-1"),
    (T0 + 70_000, "Pulled", 'Container image "redis:7" already present on machine', "cache-2"),
    (T0 + 90_000, "Pulled", 'Successfully pulled image "postgres:16"', "db-0"),
]:
    logs.append((t, "LogRecord", {"kubernetes": {"labels": {"app": "eventrouter"}},
                                  "event": {"reason": reason, "message": msg, "involvedObject": {"name": obj, "namespace": "shop"}}}))
write("logs.ndjson", logs)

# kaiju-traces: batches from two services; one span far slower than its operation's usual duration.
traces = []
span_id = 1
for i in range(60):
    t = T0 + i * 2_000
    spans = []
    for op, mean in [("GET /cart", 12_000), ("SELECT items", 3_000)]:
        duration = int(rng.gauss(mean, mean * 0.05))
        if i == 45 and op == "GET /cart":
            duration = mean * 4
        spans.append({"traceIdLow": 1000 + i, "traceIdHigh": 0, "spanId": span_id, "parentSpanId": 0, "operationName": op,
                      "references": [], "flags": 1, "startTime": t * 1000, "duration": duration,
                      "tags": [{"key": "kube.node_name", "vType": "STRING", "vStr": "node-a"},
                               {"key": "kube.pod_name", "vType": "STRING", "vStr": "cart-5"},
                               {"key": "kube.pod_namespace", "vType": "STRING", "vStr": "shop"}],
                      "logs": []})
        span_id += 1
    traces.append((t, "Batch", {"process": {"serviceName": "cart", "tags": []}, "spans": spans}))
write("traces.ndjson", traces)

# kaiju-hl: the Events the other modules forward.
def event(t, payload, context):
    return (t, "Event", {"timestamp": t, "payload": payload, "context": context})
hl = [
    event(T0 + 5_000, {"pulledImage": "nginx:1.25"}, {"namespace": "shop"}),
    event(T0 + 20_000, {"container": "db", "highUsage": 0.72}, {"cpuLimit": 0.5, "pod": "db-0", "namespace": "shop"}),
    event(T0 + 40_000, {"traceId": "3f1", "spanId": "5b", "operationName": "GET /cart", "duration": 48000},
          {"serviceName": "cart", "startTime": (T0 + 40_000) * 1000, "node": "node-a", "pod": "db-0", "namespace": "shop"}),
    event(T0 + 900_000, {"container": "web", "highUsage": 0.61}, {"cpuLimit": 0.5, "pod": "web-1", "namespace": "shop"}),
]
write("hl.ndjson", hl)
