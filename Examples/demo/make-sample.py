#!/usr/bin/env python3
"""Writes sample.ndjson: three hosts' Telegraf cpu/mem metrics every 10 s for 3 minutes, as a Kaiju recording.

host-c runs hot from the second minute on, so the LowIdleHost rule fires. Deterministic: no randomness.
"""
import json

START = 1_700_000_000_000
lines = []
for step in range(18):  # 0..170 s
    at = START + step * 10_000
    for i, host in enumerate(["host-a", "host-b", "host-c"]):
        idle = 90.0 - 10 * i - step * 0.5
        if host == "host-c" and step >= 6:
            idle = 12.5 + (step % 3)
        for name, fields in (("cpu", {"usage_idle": round(idle, 2), "usage_user": round(100 - idle, 2)}),
                             ("mem", {"used_percent": 40 + i * 5 + step})):
            metric = {"fields": fields, "name": name, "tags": {"host": host}, "timestamp": at + i}
            lines.append({"at": at + i, "type": "Metric", "event": metric})
with open("sample.ndjson", "w") as f:
    for line in lines:
        f.write(json.dumps(line, separators=(",", ":")) + "\n")
