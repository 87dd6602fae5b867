/// The generic observation: `timestamp | payload | context`, what kaiju-hl receives and rules emit.
///
/// Wire form: `{"timestamp":1542650713000,"payload":{...},"context":{...}}`; a batch is `{"events":[...]}`.
public struct Event: Sendable, Hashable {
    /// Event time in milliseconds since the epoch.
    public var timestamp: Int64
    /// What the event carries (a value, a message, a duration).
    public var payload: ValueMap
    /// Where it comes from (pod, namespace, service).
    public var context: ValueMap

    public init(timestamp: Int64, payload: ValueMap = [:], context: ValueMap = [:]) {
        self.timestamp = timestamp
        self.payload = payload
        self.context = context
    }
}

extension Event {
    /// Decodes one Event object at the scanner's position.
    public static func decode(from s: inout JSONScanner) throws(JSONError) -> Event {
        var event = Event(timestamp: 0)
        var sawTimestamp = false
        try s.readObject { (s, key) throws(JSONError) in
            switch key {
            case "timestamp":
                event.timestamp = try s.readInt64()
                sawTimestamp = true
            case "payload": event.payload = try s.readValueMap()
            case "context": event.context = try s.readValueMap()
            default: try s.skipValue()
            }
        }
        if !sawTimestamp { throw s.error("Event has no \"timestamp\"") }
        return event
    }

    /// Parses an Event from JSON bytes.
    public init<C: Collection<UInt8>>(json bytes: C) throws(JSONError) {
        self = try JSONScanner.parse(bytes) { (s) throws(JSONError) in try Event.decode(from: &s) }
    }

    /// Parses an Event batch `{"events":[...]}`.
    public static func decodeBatch<C: Collection<UInt8>>(json bytes: C) throws(JSONError) -> [Event] {
        try JSONScanner.parse(bytes) { (s) throws(JSONError) in
            var events: [Event] = []
            try s.readObject { (s, key) throws(JSONError) in
                if key == "events" {
                    try s.readArray { (s) throws(JSONError) in events.append(try Event.decode(from: &s)) }
                } else {
                    try s.skipValue()
                }
            }
            return events
        }
    }

    /// Writes the wire form.
    public func encode(to w: inout JSONWriter) {
        w.object { w in
            w.key("timestamp", first: true)
            w.write(self.timestamp)
            w.key("payload")
            w.write(self.payload)
            w.key("context")
            w.write(self.context)
        }
    }

    /// The wire form as text.
    public var jsonString: String {
        var w = JSONWriter()
        self.encode(to: &w)
        return w.string
    }

    /// Encodes events as a batch `{"events":[...]}`.
    public static func encodeBatch(_ events: [Event]) -> String {
        var w = JSONWriter()
        w.object { w in
            w.key("events", first: true)
            w.array(events) { w, e in e.encode(to: &w) }
        }
        return w.string
    }
}
