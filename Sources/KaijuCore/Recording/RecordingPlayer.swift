/// Plays a recording's lines through a runtime on its virtual clock, then fires what is still due.
public enum RecordingPlayer {
    /// The outcome of a replay.
    public struct Summary: Sendable, Hashable {
        /// Events replayed.
        public var events = 0
        /// Lines that could not be parsed, with their 1-based line number.
        public var errors: [(line: Int, error: JSONError)] = []
        /// Whether both replayed as many events with errors on the same lines.
        public static func == (a: Summary, b: Summary) -> Bool {
            a.events == b.events && a.errors.map(\.line) == b.errors.map(\.line)
        }
        /// Hashes the event count.
        public func hash(into h: inout Hasher) { h.combine(self.events) }
    }

    /// The first line's `at`, to start a virtual clock with (so timers count from the recording's start).
    public static func startTime(of data: [UInt8]) -> Int64? {
        for line in data.split(separator: UInt8(ascii: "\n")) {
            if let parsed = try? RecordingLine(json: line) { return parsed.at }
        }
        return nil
    }

    /// Feeds every line of `data` (ndjson) to `runtime`, then advances engine time by `drain` past the
    /// last event so windows and `output every` timers due by then fire.
    public static func play(_ data: [UInt8], into runtime: Runtime, drain: TimePeriod) -> Summary {
        var summary = Summary()
        self.forEachLine(of: data) { number, parsed in
            switch parsed {
            case .success(let line):
                runtime.send(line)
                summary.events += 1
            case .failure(let error):
                summary.errors.append((number, error))
            }
        }
        runtime.advance(to: runtime.now + drain.milliseconds)
        return summary
    }

    /// Parses every non-blank line of `data` (ndjson) in order, handing each to `body` with its 1-based
    /// line number: the recording line, or why it is not one.
    public static func forEachLine(
        of data: [UInt8],
        _ body: (_ number: Int, _ line: Result<RecordingLine, JSONError>) -> Void
    ) {
        var number = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
            do throws(JSONError) {
                body(number, .success(try RecordingLine(json: line)))
            } catch {
                body(number, .failure(error))
            }
        }
    }
}
