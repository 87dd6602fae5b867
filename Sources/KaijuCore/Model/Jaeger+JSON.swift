/// JSON for the Jaeger model: the Thrift field names in camelCase (`process.serviceName`,
/// `spans[].traceIdLow`, `tags[].vType` as its name), the form Kaiju records batches in.
extension Batch {
    /// Writes the batch.
    public func encode(to w: inout JSONWriter) {
        w.write(self.jsonValue)
    }

    /// The batch as a JSON text.
    public var jsonString: String { self.jsonValue.jsonString }

    /// The batch as a ``Value`` tree.
    public var jsonValue: Value {
        .object([
            "process": self.process.jsonValue,
            "spans": Value.array(self.spans.map(\.jsonValue)),
        ])
    }

    /// Builds a batch from its JSON tree.
    /// - Throws: ``JSONError`` (offset 0) naming the missing or mistyped member.
    public init(jsonValue v: Value) throws(JSONError) {
        guard let p = v["process"].objectValue else { throw JaegerJSON.missing("process") }
        self.init(
            process: try JaegerProcess(jsonValue: .object(p)),
            spans: try JaegerJSON.list(v["spans"], Span.init(jsonValue:))
        )
    }

    /// Parses a batch from JSON bytes.
    public init<C: Collection<UInt8>>(json bytes: C) throws(JSONError) {
        try self.init(jsonValue: try Value(json: bytes))
    }
}

extension JaegerProcess {
    var jsonValue: Value {
        .object(["serviceName": Value.string(self.serviceName), "tags": Value.array(self.tags.map(\.jsonValue))])
    }

    init(jsonValue v: Value) throws(JSONError) {
        guard let name = v["serviceName"].stringValue else { throw JaegerJSON.missing("process.serviceName") }
        self.init(serviceName: name, tags: try JaegerJSON.list(v["tags"], Tag.init(jsonValue:)))
    }
}

extension Span {
    var jsonValue: Value {
        .object([
            "traceIdLow": Value.int(self.traceIdLow), "traceIdHigh": Value.int(self.traceIdHigh),
            "spanId": Value.int(self.spanId),
            "parentSpanId": Value.int(self.parentSpanId), "operationName": Value.string(self.operationName),
            "references": Value.array(self.references.map(\.jsonValue)), "flags": Value.int(Int64(self.flags)),
            "startTime": Value.int(self.startTime), "duration": Value.int(self.duration),
            "tags": Value.array(self.tags.map(\.jsonValue)), "logs": Value.array(self.logs.map(\.jsonValue)),
        ])
    }

    init(jsonValue v: Value) throws(JSONError) {
        func int(_ k: String) throws(JSONError) -> Int64 {
            guard let i = v[k].intValue else { throw JaegerJSON.missing("spans[]." + k) }
            return i
        }
        guard let op = v["operationName"].stringValue else { throw JaegerJSON.missing("spans[].operationName") }
        self.init(
            traceIdLow: try int("traceIdLow"),
            traceIdHigh: v["traceIdHigh"].intValue ?? 0,
            spanId: try int("spanId"),
            parentSpanId: v["parentSpanId"].intValue ?? 0,
            operationName: op,
            references: try JaegerJSON.list(v["references"], SpanRef.init(jsonValue:)),
            flags: Int32(truncatingIfNeeded: v["flags"].intValue ?? 0),
            startTime: try int("startTime"),
            duration: try int("duration"),
            tags: try JaegerJSON.list(v["tags"], Tag.init(jsonValue:)),
            logs: try JaegerJSON.list(v["logs"], SpanLog.init(jsonValue:))
        )
    }
}

extension SpanRef {
    var jsonValue: Value {
        .object([
            "refType": Value.string(self.refType.rawValue), "traceIdLow": Value.int(self.traceIdLow),
            "traceIdHigh": Value.int(self.traceIdHigh), "spanId": Value.int(self.spanId),
        ])
    }

    init(jsonValue v: Value) throws(JSONError) {
        guard let kind = v["refType"].stringValue.flatMap(Kind.init(rawValue:)) else {
            throw JaegerJSON.missing("references[].refType")
        }
        self.init(
            refType: kind,
            traceIdLow: v["traceIdLow"].intValue ?? 0,
            traceIdHigh: v["traceIdHigh"].intValue ?? 0,
            spanId: v["spanId"].intValue ?? 0
        )
    }
}

extension SpanLog {
    var jsonValue: Value {
        .object(["timestamp": Value.int(self.timestamp), "fields": Value.array(self.fields.map(\.jsonValue))])
    }

    init(jsonValue v: Value) throws(JSONError) {
        self.init(
            timestamp: v["timestamp"].intValue ?? 0,
            fields: try JaegerJSON.list(v["fields"], Tag.init(jsonValue:))
        )
    }
}

extension Tag {
    var jsonValue: Value {
        var m: ValueMap = ["key": Value.string(self.key), "vType": Value.string(self.vType.rawValue)]
        if let s = self.vStr { m["vStr"] = .string(s) }
        if let d = self.vDouble { m["vDouble"] = .double(d) }
        if let b = self.vBool { m["vBool"] = .bool(b) }
        if let l = self.vLong { m["vLong"] = .int(l) }
        if let bin = self.vBinary { m["vBinary"] = .array(bin.map { .int(Int64($0)) }) }
        return .object(m)
    }

    init(jsonValue v: Value) throws(JSONError) {
        guard let key = v["key"].stringValue else { throw JaegerJSON.missing("tags[].key") }
        guard let type = v["vType"].stringValue.flatMap(TagType.init(rawValue:)) else {
            throw JaegerJSON.missing("tags[].vType")
        }
        self.init(
            key: key,
            vType: type,
            vStr: v["vStr"].stringValue,
            vDouble: v["vDouble"].doubleValue,
            vBool: v["vBool"].boolValue,
            vLong: v["vLong"].intValue,
            vBinary: v["vBinary"].arrayValue?.compactMap { $0.intValue.map { UInt8(truncatingIfNeeded: $0) } }
        )
    }
}

enum JaegerJSON {
    static func missing(_ what: String) -> JSONError { JSONError(offset: 0, message: "missing or invalid \(what)") }

    static func list<T>(_ v: Value, _ make: (Value) throws(JSONError) -> T) throws(JSONError) -> [T] {
        guard let items = v.arrayValue else { return [] }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for item in items { out.append(try make(item)) }
        return out
    }
}
