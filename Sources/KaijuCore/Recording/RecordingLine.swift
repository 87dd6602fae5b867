/// One line of a Kaiju recording: `{"at":ENGINE_MS,"type":"Metric|LogRecord|Batch|Event|DeclaredType","event":{...}}`.
///
/// `event` is Telegraf's JSON for a Metric, the record as received for a LogRecord (flattened when read),
/// the camelCase Thrift model for a Batch, the Event JSON for an Event, and for any other type name an
/// object of the declared type's columns (``DeclaredEvent``; the type must be declared when it is sent).
public struct RecordingLine: Sendable, Hashable {
    /// Engine time in ms at which the event entered the runtime.
    public var at: Int64
    /// The event.
    public var event: InputEvent

    /// Creates a line.
    /// - Parameters:
    ///   - at: Engine time in ms at which the event entered the runtime.
    ///   - event: The event.
    public init(at: Int64, event: InputEvent) {
        self.at = at
        self.event = event
    }

    /// Parses one line.
    /// - Throws: ``JSONError`` with the byte offset, also for a missing member or an unknown `type`.
    public init<C: Collection<UInt8>>(json bytes: C) throws(JSONError) {
        self = try JSONScanner.parse(bytes) { (s) throws(JSONError) in
            var at: Int64?
            var type: String?
            var typeOffset = 0
            var eventRange: Range<Int>?
            try s.readObject { (s, key) throws(JSONError) in
                switch key {
                case "at": at = try s.readInt64()
                case "type":
                    _ = s.peek()
                    typeOffset = s.offset
                    type = try s.readString()
                case "event":
                    _ = s.peek()
                    let start = s.offset
                    try s.skipValue()
                    eventRange = start..<s.offset
                default: try s.skipValue()
                }
            }
            guard let at else { throw s.error("recording line has no \"at\"") }
            guard let type else { throw s.error("recording line has no \"type\"") }
            guard let range = eventRange else { throw s.error("recording line has no \"event\"") }
            guard Self.isTypeName(type) else {
                throw JSONError(offset: typeOffset, message: "'\(type)' is not an event type name")
            }
            let slice = UnsafeBufferPointer(rebasing: s.bytes[range])
            func fail(_ e: JSONError) -> JSONError { e.shifted(by: range.lowerBound) }
            do throws(JSONError) {
                switch type {
                case "Metric": return RecordingLine(at: at, event: .metric(try Metric(json: slice)))
                case "LogRecord": return RecordingLine(at: at, event: .log(try LogRecord(json: slice, timestamp: at)))
                case "Batch": return RecordingLine(at: at, event: .batch(try Batch(json: slice)))
                case "Event": return RecordingLine(at: at, event: .event(try Event(json: slice)))
                default:
                    let columns = try JSONScanner.parse(slice) { (s) throws(JSONError) in
                        guard s.peek() == UInt8(ascii: "{") else { throw s.error("a declared event is a JSON object") }
                        return try s.readValueMap()
                    }
                    return RecordingLine(at: at, event: .declared(DeclaredEvent(type: type, columns: columns)))
                }
            } catch {
                throw fail(error)
            }
        }
    }

    /// The line's JSON text (without the newline).
    public var jsonString: String {
        var w = JSONWriter()
        w.object { w in
            w.key("at", first: true)
            w.write(self.at)
            w.key("type")
            w.write(self.event.typeName)
            w.key("event")
            switch self.event {
            case .metric(let m): m.encode(to: &w)
            case .log(let l): w.write(l.nestedRecord)
            case .batch(let b): b.encode(to: &w)
            case .event(let e): e.encode(to: &w)
            case .declared(let d): w.write(.object(d.columns))
            }
        }
        return w.string
    }

    /// Whether `name` can name an event type: a letter or `_`, then letters, digits, `_`, `$` or `.`.
    static func isTypeName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_$.".unicodeScalars.contains($0)
        }
    }
}
