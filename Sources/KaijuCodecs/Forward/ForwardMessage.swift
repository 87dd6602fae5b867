@_spi(Codecs) public import KaijuCore

/// One decoded Fluentd Forward message: its tag, the log records it carried, and what to acknowledge.
public struct ForwardMessage: Sendable {
    /// The Fluentd tag.
    public var tag: String
    /// The records, flattened as FLog; `timestamp` is the entry's time in ms (receive time when 0).
    public var records: [LogRecord]
    /// The Events of a message tagged ``ForwardMessage/eventTag`` (Kaiju's own link to kaiju-hl).
    public var events: [Event] = []
    /// The `chunk` option's bytes, to be echoed as `{"ack": chunk}` once the records are accepted.
    public var chunk: [UInt8]?
    /// Entries that were skipped (Fluent Bit metrics/traces signals, invalid entries).
    public var skipped: Int
    /// Why entries were skipped, if they were.
    public var skipError: IngestError?

    /// A message of `records` under `tag`; `chunk` is the option to acknowledge, `skipped` counts entries not kept and `skipError` says why.
    public init(tag: String, records: [LogRecord], chunk: [UInt8]?, skipped: Int = 0, skipError: IngestError? = nil) {
        self.tag = tag
        self.records = records
        self.chunk = chunk
        self.skipped = skipped
        self.skipError = skipError
    }
}

extension ForwardMessage {
    /// The tag under which servers forward Events to kaiju-hl: each entry's record is
    /// `{"timestamp": ms, "payload": {...}, "context": {...}}`, decoded as an ``Event``, not flattened.
    public static let eventTag = "kaiju.events"

    /// Encodes `events` as one Forward-mode message `[tag, [[time, record], ...], {"chunk": chunk, "size": n}]`.
    public static func encode(events: some Collection<Event>, chunk: String) -> [UInt8] {
        var w = MsgPackWriter()
        w.writeArrayHeader(3)
        w.writeString(Self.eventTag)
        w.writeArrayHeader(events.count)
        for event in events {
            w.writeArrayHeader(2)
            w.writeInt64(event.timestamp / 1000)
            w.writeMapHeader(3)
            w.writeString("timestamp")
            w.writeInt64(event.timestamp)
            w.writeString("payload")
            w.writeMap(event.payload)
            w.writeString("context")
            w.writeMap(event.context)
        }
        w.writeMapHeader(2)
        w.writeString("chunk")
        w.writeString(chunk)
        w.writeString("size")
        w.writeInt64(Int64(events.count))
        return w.bytes
    }
}

/// Decodes Forward protocol v1 messages (Message, Forward, PackedForward, CompressedPackedForward).
///
/// # Usage
/// ```swift
/// var framer = MsgPackFramer(maxFrameSize: 16 << 20)
/// if let n = try framer.nextFrame(in: buffer) {
///     let message = try ForwardDecoder().decode(UnsafeRawBufferPointer(rebasing: buffer[..<n]), receivedAt: now)
/// }
/// ```
public struct ForwardDecoder: Sendable {
    /// Caps the inflated size of a CompressedPackedForward payload.
    public var inflater: Inflater
    /// The deepest nesting a record may have.
    public var maxDepth: Int
    /// How many flattened key bytes a record may produce per byte (see ``KeyFlattener``).
    public var maxFlattenExpansion: Int

    /// A decoder with the given bounds.
    public init(inflater: Inflater = Inflater(), maxDepth: Int = 64, maxFlattenExpansion: Int = 16) {
        self.inflater = inflater
        self.maxDepth = maxDepth
        self.maxFlattenExpansion = maxFlattenExpansion
    }

    /// A decoder bounded by a server's limits.
    public init(limits: IngestLimits) {
        self.init(
            inflater: Inflater(maxInflatedSize: limits.maxInflatedSize),
            maxDepth: limits.maxDepth,
            maxFlattenExpansion: limits.maxFlattenExpansion
        )
    }

    /// A reader over `bytes` with this decoder's bounds.
    func reader(_ bytes: UnsafeRawBufferPointer, interner: StringInterner?) -> MsgPackReader {
        var r = MsgPackReader(bytes, offset: 0, interner: interner)
        r.maxDepth = self.maxDepth
        r.maxFlattenExpansion = self.maxFlattenExpansion
        return r
    }

    /// Decodes one complete top-level value. Returns `nil` for a heartbeat (`nil`).
    /// - Throws: ``IngestError`` for a value that is not a Forward message. If the message carried a
    ///   `chunk` but its entries were bad, the entries are counted as skipped and the chunk is still
    ///   returned, so the sender gets its ack and stops retrying (as Fluentd does).
    /// Decodes one Forward message (the whole frame).
    /// - Parameters:
    ///   - frame: The message's bytes.
    ///   - receivedAt: The wall time (ms) given to entries without a time.
    /// - Returns: The message, or `nil` for one Kaiju skips.
    /// - Throws: ``IngestError`` with the byte offset of what could not be read.
    public func decode(_ frame: UnsafeRawBufferPointer, receivedAt: Int64) throws(IngestError) -> ForwardMessage? {
        try self.decode(frame, receivedAt: receivedAt, interner: nil)
    }

    func decode(
        _ frame: UnsafeRawBufferPointer,
        receivedAt: Int64,
        interner: StringInterner?
    ) throws(IngestError) -> ForwardMessage? {
        var r = self.reader(frame, interner: interner)
        let first = try r.readItem()
        if first == .null { return nil }
        guard case .array(let n) = first, (2...4).contains(n) else {
            throw .malformed("forward", "expected [tag, entries, option] but found \(Self.describe(first))")
        }
        let tag = try r.readString()
        let modeStart = r.offset
        let mode = try r.readItem()
        r.offset = modeStart
        switch mode {
        case .int, .uint, .double, .ext:
            // Message mode: [tag, time, record, option?]
            guard n >= 3 else { throw .malformed("forward", at: r.offset, "message mode needs a record") }
            let option = try Self.readOptions(&r, skipping: 2, present: n == 4)
            r.offset = modeStart
            var message = ForwardMessage(tag: tag, records: [], chunk: option.chunk)
            do throws(IngestError) {
                let time = try Self.readTime(&r, receivedAt: receivedAt)
                try Self.readRecord(&r, time: time, tag: tag, into: &message)
            } catch {
                guard option.chunk != nil else { throw error }
                message.skipped = 1
                message.skipError = error
            }
            return message
        case .array:
            let option = try Self.readOptions(&r, skipping: 1, present: n == 3)
            r.offset = modeStart
            return self.entries(tag: tag, option: option) { (message) throws(IngestError) in
                let count = try r.readArrayCount()
                for _ in 0..<count { try Self.readEntry(&r, receivedAt: receivedAt, into: &message) }
            }
        case .str(let range), .bin(let range):
            let option = try Self.readOptions(&r, skipping: 1, present: n == 3)
            return try self.packed(
                tag: tag,
                option: option,
                frame: frame,
                range: range,
                receivedAt: receivedAt,
                interner: interner
            )
        default:
            throw .malformed(
                "forward",
                at: modeStart,
                "element 2 is \(Self.describe(mode)), not time, entries or packed entries"
            )
        }
    }

    private func packed(
        tag: String,
        option: Options,
        frame: UnsafeRawBufferPointer,
        range: Range<Int>,
        receivedAt: Int64,
        interner: StringInterner?
    ) throws(IngestError) -> ForwardMessage {
        switch option.compressed {
        case nil, "text":
            return self.entries(tag: tag, option: option) { (message) throws(IngestError) in
                var r = self.reader(UnsafeRawBufferPointer(rebasing: frame[range]), interner: interner)
                try Self.readPackedEntries(&r, receivedAt: receivedAt, into: &message)
            }
        case "gzip":
            return self.entries(tag: tag, option: option) { (message) throws(IngestError) in
                let inflated = try self.inflater.inflate(Array(frame[range]))
                try inflated.withRawBytes { (raw) throws(IngestError) in
                    var r = self.reader(raw, interner: interner)
                    try Self.readPackedEntries(&r, receivedAt: receivedAt, into: &message)
                }
            }
        case let other?:
            return ForwardMessage(
                tag: tag,
                records: [],
                chunk: option.chunk,
                skipped: option.size ?? 1,
                skipError: .unsupported("forward: compression '\(other)' is not supported")
            )
        }
    }

    /// Runs `read`; a failure drops the message's entries (counted) but keeps its chunk for the ack.
    private func entries(
        tag: String,
        option: Options,
        _ read: (inout ForwardMessage) throws(IngestError) -> Void
    ) -> ForwardMessage {
        var message = ForwardMessage(tag: tag, records: [], chunk: option.chunk)
        if let signal = option.signal, signal != 0 {
            return ForwardMessage(
                tag: tag,
                records: [],
                chunk: option.chunk,
                skipped: option.size ?? 1,
                skipError: .unsupported("forward: fluent_signal \(signal) (not logs) is not decoded")
            )
        }
        do throws(IngestError) {
            try read(&message)
            return message
        } catch {
            return ForwardMessage(
                tag: tag,
                records: [],
                chunk: option.chunk,
                skipped: max(1, message.records.count + message.events.count),
                skipError: error
            )
        }
    }

    static func readPackedEntries(
        _ r: inout MsgPackReader,
        receivedAt: Int64,
        into message: inout ForwardMessage
    ) throws(IngestError) {
        while !r.isAtEnd { try readEntry(&r, receivedAt: receivedAt, into: &message) }
    }

    /// One `[time, record]` entry.
    static func readEntry(
        _ r: inout MsgPackReader,
        receivedAt: Int64,
        into message: inout ForwardMessage
    ) throws(IngestError) {
        guard try r.readArrayCount() == 2 else { throw r.error("an entry must be [time, record]") }
        let time = try readTime(&r, receivedAt: receivedAt)
        try Self.readRecord(&r, time: time, tag: message.tag, into: &message)
    }

    /// An entry's record: an ``Event`` under ``ForwardMessage/eventTag``, else a flattened log record.
    static func readRecord(
        _ r: inout MsgPackReader,
        time: Int64,
        tag: String,
        into message: inout ForwardMessage
    ) throws(IngestError) {
        if tag == ForwardMessage.eventTag {
            guard case .object(let record) = try r.readValue() else { throw r.error("an Event record must be a map") }
            message.events.append(
                Event(
                    timestamp: record["timestamp"]?.intValue ?? time,
                    payload: record["payload"]?.objectValue ?? [:],
                    context: record["context"]?.objectValue ?? [:]
                )
            )
            return
        }
        var entries: [ValueMap.Entry] = []
        try r.readFlattenedMap(into: &entries)
        message.records.append(LogRecord(timestamp: time, fields: ValueMap(entries)))
    }

    /// An entry time in ms: EventTime, integer or float seconds, or Fluent Bit's `[time, metadata]`
    /// (one level, the time itself not an array); 0 is receive time.
    static func readTime(_ r: inout MsgPackReader, receivedAt: Int64) throws(IngestError) -> Int64 {
        var item = try r.readItem()
        let withMetadata = item == .array(2)
        if withMetadata { item = try r.readItem() }
        let ms: Int64
        switch item {
        case .ext(0, let range):
            guard let t = EventTime(r.bytes, range) else { throw r.error("EventTime must be 8 bytes") }
            ms = t.milliseconds
        case .int(let s): ms = s.multipliedReportingOverflow(by: 1000).overflow ? 0 : s * 1000
        case .double(let d) where d.isFinite && abs(d) < 9e15: ms = Int64(d * 1000)
        default: throw r.error("entry time is not EventTime, a number or [time, metadata]")
        }
        if withMetadata { try r.skip() }
        return ms == 0 ? receivedAt : ms
    }

    struct Options {
        var chunk: [UInt8]?
        var compressed: String?
        var size: Int?
        var signal: Int64?
    }

    /// Reads the option map after skipping `count` elements (absent, `nil` or empty is fine).
    static func readOptions(_ r: inout MsgPackReader, skipping count: Int, present: Bool) throws(IngestError) -> Options
    {
        var options = Options()
        for _ in 0..<count { try r.skip() }
        guard present else { return options }
        let item = try r.readItem()
        if item == .null { return options }
        guard case .map(let n) = item else { throw r.error("option must be a map") }
        for _ in 0..<n {
            let key = try r.readKey()
            let valueStart = r.offset
            let value = try r.readItem()
            switch (key, value) {
            case ("chunk", .str(let range)), ("chunk", .bin(let range)): options.chunk = r.data(range)
            case ("compressed", .str(let range)): options.compressed = r.text(range)
            case ("size", .int(let s)) where s > 0: options.size = Int(clamping: s)
            case ("fluent_signal", .int(let s)): options.signal = s
            default:
                r.offset = valueStart
                try r.skip()
            }
        }
        return options
    }

    static func describe(_ item: MsgPackReader.Item) -> String {
        switch item {
        case .null: return "nil"
        case .bool: return "a bool"
        case .int, .uint: return "an integer"
        case .double: return "a float"
        case .str: return "a string"
        case .bin: return "binary"
        case .array(let n): return "an array of \(n)"
        case .map: return "a map"
        case .ext: return "an ext value"
        }
    }
}
