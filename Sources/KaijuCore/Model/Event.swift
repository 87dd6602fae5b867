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

    /// An Event at `timestamp` (ms) with `payload` and `context`.
    public init(timestamp: Int64, payload: ValueMap = [:], context: ValueMap = [:]) {
        self.timestamp = timestamp
        self.payload = payload
        self.context = context
    }
}

extension Event {
    /// Decodes one Event object at the scanner's position.
    /// - Throws: ``JSONError`` for a member of the wrong type or a missing `timestamp`.
    @_spi(Codecs) public static func decode(from s: inout JSONScanner) throws(JSONError) -> Event {
        try ModelJSON.decode(from: &s)
    }

    /// Parses an Event from JSON bytes.
    public init<C: Collection<UInt8>>(json bytes: C) throws(JSONError) {
        self = try JSONScanner.parse(bytes) { (s) throws(JSONError) in try Event.decode(from: &s) }
    }

    /// Parses an Event batch `{"events":[...]}`.
    public static func decodeBatch<C: Collection<UInt8>>(json bytes: C) throws(JSONError) -> [Event] {
        try ModelJSON.decodeBatch(json: bytes, key: "events")
    }

    /// Writes the wire form.
    public func encode(to w: inout JSONWriter) { ModelJSON.encode(self, columns: Self.columns, to: &w) }

    /// The wire form as text.
    public var jsonString: String {
        var w = JSONWriter()
        self.encode(to: &w)
        return w.string
    }

    /// Encodes events as a batch `{"events":[...]}`.
    public static func encodeBatch(_ events: [Event]) -> String {
        ModelJSON.encodeBatch(events, key: "events", columns: Self.columns)
    }
}

extension Event: EventKind {
    /// Reads events of this kind in place (the model is borrowed from the body, not copied).
    @_spi(Engine) public static func engineReader(
        _ read: @escaping @Sendable (Event) -> Value
    ) -> (EngineEvent) -> Value {
        { e in
            if case .event(let m) = e.body { return read(m) }
            return .null
        }
    }
    /// `Event`.
    public static var eventTypeName: String { "Event" }
    /// Timestamp (ms), payload and context.
    public static let columns: [ModelColumn<Event>] = [
        ModelColumn("timestamp", .long, \Event.timestamp, required: true) { .int($0.timestamp) },
        ModelColumn(map: "payload", \Event.payload) { $0.payload },
        ModelColumn(map: "context", \Event.context) { $0.context },
    ]
    /// An Event with an empty payload and context.
    public static func blank(at timestamp: Int64) -> Event? { Event(timestamp: timestamp) }
    /// The timestamp.
    public var eventTimestamp: Int64 { self.timestamp }
    /// The value as an event body.
    @_spi(Engine) public var eventBody: EventBody { .event(self) }
    /// The value of a body of this kind.
    @_spi(Engine) @inlinable public static func extract(_ body: EventBody) -> Event? {
        if case .event(let e) = body { return e }
        return nil
    }
}
