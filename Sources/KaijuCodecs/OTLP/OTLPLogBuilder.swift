@_spi(Codecs) import KaijuCore

/// One OTLP log record as read from protobuf or JSON, before it becomes a ``LogRecord``: the record
/// `{"log": body (or the body's map merged in), "severity", "severity_number", "trace_id", "span_id",
/// "scope", "attributes": {...}, "resource": {...}}` flattened as the Forward path flattens records
/// (`resource.k8s.namespace.name`).
struct OTLPLogBuilder {
    var timeNanos: UInt64 = 0
    var observedNanos: UInt64 = 0
    var severityNumber: Int64 = 0
    var severityText = ""
    var body: Value = .null
    var attributes: [ValueMap.Entry] = []
    var traceID: [UInt8] = []
    var spanID: [UInt8] = []

    /// The log record, stamped with its time (else its observed time, else `receivedAt`).
    func record(
        resource: [ValueMap.Entry],
        scope: String,
        receivedAt: Int64,
        budget: Int
    ) throws(IngestError) -> LogRecord {
        let nanos = self.timeNanos != 0 ? self.timeNanos : self.observedNanos
        let timestamp = nanos == 0 ? receivedAt : Int64(clamping: nanos / 1_000_000)
        var top: [ValueMap.Entry] = []
        if case .object(let map) = self.body {
            top += map.entries
        } else if self.body != .null {
            top.append(.init(key: "log", value: self.body))
        }
        if !self.severityText.isEmpty { top.append(.init(key: "severity", value: .string(self.severityText))) }
        if self.severityNumber != 0 { top.append(.init(key: "severity_number", value: .int(self.severityNumber))) }
        if !self.traceID.isEmpty { top.append(.init(key: "trace_id", value: .string(self.traceID.lowercaseHex))) }
        if !self.spanID.isEmpty { top.append(.init(key: "span_id", value: .string(self.spanID.lowercaseHex))) }
        if !scope.isEmpty { top.append(.init(key: "scope", value: .string(scope))) }
        if !self.attributes.isEmpty { top.append(.init(key: "attributes", value: .object(ValueMap(self.attributes)))) }
        if !resource.isEmpty { top.append(.init(key: "resource", value: .object(ValueMap(resource)))) }
        var flattener = KeyFlattener(start: 0, maxExpansion: 1)
        var out: [ValueMap.Entry] = []
        try OTLPFlattening.flatten(.object(ValueMap(top)), &flattener, budget: budget, into: &out)
        return LogRecord(timestamp: timestamp, fields: ValueMap(out))
    }
}

/// Flattening decoded OTLP values as the Forward path flattens records: nested keys joined with `.`,
/// array items as `key[i]`, within a key budget.
enum OTLPFlattening {
    /// Appends `value`'s leaves under the flattener's current key to `out`; keys beyond `budget` bytes
    /// (the payload's size times the flattening limit) are an error.
    static func flatten(
        _ value: Value,
        _ f: inout KeyFlattener,
        budget: Int,
        into out: inout [ValueMap.Entry]
    ) throws(IngestError) {
        switch value {
        case .object(let map):
            for entry in map.entries {
                let mark = f.push(key: entry.key)
                try Self.flatten(entry.value, &f, budget: budget, into: &out)
                f.pop(to: mark)
            }
        case .array(let items):
            for (i, item) in items.enumerated() {
                let mark = f.push(index: i)
                try Self.flatten(item, &f, budget: budget, into: &out)
                f.pop(to: mark)
            }
        default:
            guard let key = f.leafKey(consumedTo: budget) else {
                throw .limitExceeded("flatten", detail: "otlp: flattened keys exceed the flattening limit")
            }
            out.append(.init(key: key, value: value))
        }
    }
}
