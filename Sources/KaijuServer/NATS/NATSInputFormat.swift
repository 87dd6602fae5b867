import KaijuCodecs
import KaijuCore

/// What an agent publishes on a NATS subject a source module reads (`--nats-input`), and how one
/// message's payload decodes.
public enum NATSInputFormat: Sendable, Hashable {
    /// Telegraf's `outputs.nats`: line protocol (`data_format = "influx"`, nanosecond times) or Telegraf
    /// JSON (`"json"`, one metric or a `{"metrics":[...]}` batch), told apart by the first byte.
    case telegraf
    /// Fluent Bit's `nats` output: a JSON array of `[time, record]` entries (the subject is the tag,
    /// which the record also carries as `tag`); Fluentd JSON bodies and msgpack are read too.
    case fluentBit
    /// An OTLP `ExportTraceServiceRequest`, protobuf or JSON (told apart by the first byte).
    case otlpTraces

    /// The format a module reads: metrics from Telegraf, logs from Fluent Bit, traces as OTLP;
    /// `nil` for a module that takes no agent input (kaiju-hl).
    public static func forModule(_ name: String) -> NATSInputFormat? {
        switch name {
        case "kaiju-metrics": return .telegraf
        case "kaiju-logs": return .fluentBit
        case "kaiju-traces": return .otlpTraces
        default: return nil
        }
    }
}

/// Decodes NATS message payloads of one ``NATSInputFormat``, each on its own (a bad message is an error
/// of that message only).
struct NATSInputDecoder: Sendable {
    let format: NATSInputFormat
    let limits: IngestLimits
    let telegraf: TelegrafHTTPBody
    let fluent: FluentHTTPBody

    init(format: NATSInputFormat, limits: IngestLimits, timestampUnits: TimestampUnits) {
        self.format = format
        self.limits = limits
        self.telegraf = TelegrafHTTPBody(timestampUnits: timestampUnits, limits: limits)
        self.fluent = FluentHTTPBody(limits: limits)
    }

    /// The inputs one payload holds, and its errors.
    func decode(_ payload: [UInt8], receivedAt: Int64) -> DecodedInputs {
        switch self.format {
        case .telegraf:
            return self.telegraf.decode(payload, lineProtocolOnly: false, precision: .ns, receivedAt: receivedAt)
        case .fluentBit:
            return self.fluent.decode(payload, mediaType: "application/json", receivedAt: receivedAt)
        case .otlpTraces:
            do throws(IngestError) {
                let batches =
                    payload.firstNonWhitespace == UInt8(ascii: "{")
                    ? try OTLPTraceJSON.decode(payload, maxDepth: self.limits.maxDepth)
                    : try OTLPTraceProtobuf.decode(payload, maxDepth: self.limits.maxDepth)
                return DecodedInputs(items: batches.map { .batch($0) })
            } catch {
                return DecodedInputs(errors: [error])
            }
        }
    }
}
