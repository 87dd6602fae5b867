public import KaijuCodecs
import KaijuCore
import NIOCore
import NIOHTTP1

/// The HTTP endpoints of the three source modules, each decoding straight from the body bytes.
public enum IngestRoutes {
    /// Telegraf `outputs.http` (any path, JSON or line protocol sniffed from the first byte, since Telegraf
    /// labels both `text/plain`), the InfluxDB write endpoints `/write` and `/api/v2/write`
    /// (line protocol, `precision` honoured), and Prometheus remote write at `/api/v1/write`. Answers 204;
    /// 400 names the first bad line (good lines are kept).
    public static func telegraf(
        pump: EnginePump,
        timestampUnits: TimestampUnits,
        limits: IngestLimits
    ) -> HTTPIngestRoute {
        let decoder = TelegrafHTTPBody(timestampUnits: timestampUnits, limits: limits)
        return { request in
            if let busy = Self.refuse(request, pump: pump, methods: ["POST", "PUT", "PATCH"]) {
                return request.eventLoop.makeSucceededFuture(busy)
            }
            if request.path == "/api/v1/write" {
                // Prometheus remote write: snappy (inflated by the handler) protobuf WriteRequest.
                do throws(IngestError) {
                    let metrics = try PrometheusRemoteWrite.decode(request.body)
                    return Self.accept(
                        DecodedInputs(items: metrics.map { .metric($0) }),
                        pump: pump,
                        ok: HTTPIngestReply(.noContent)
                    )
                } catch {
                    return Self.accept(DecodedInputs(errors: [error]), pump: pump, ok: HTTPIngestReply(.noContent))
                }
            }
            let decoded = decoder.decode(
                request.body,
                lineProtocolOnly: request.path == "/write" || request.path == "/api/v2/write",
                precision: TelegrafHTTPBody.precision(request.query("precision")),
                receivedAt: EngineClock.wallMilliseconds()
            )
            return Self.accept(decoded, pump: pump, ok: HTTPIngestReply(.noContent))
        }
    }

    /// Fluentd and Fluent Bit `http` outputs (any path): a JSON array, ndjson or back-to-back objects, or
    /// concatenated msgpack (maps, `[time, record]` or `[[time, metadata], record]`). Answers 200.
    public static func fluentHTTP(pump: EnginePump, limits: IngestLimits) -> HTTPIngestRoute {
        let decoder = FluentHTTPBody(limits: limits)
        return { request in
            if let busy = Self.refuse(request, pump: pump, methods: ["POST", "PUT"]) {
                return request.eventLoop.makeSucceededFuture(busy)
            }
            let decoded = decoder.decode(
                request.body,
                mediaType: request.mediaType,
                receivedAt: EngineClock.wallMilliseconds()
            )
            return Self.accept(decoded, pump: pump, ok: HTTPIngestReply(.ok))
        }
    }

    /// The Jaeger collector's `POST /api/traces`: a bare binary-Thrift `Batch`. Answers 202.
    public static func jaegerHTTP(pump: EnginePump, limits: IngestLimits) -> HTTPIngestRoute {
        { request in
            if let busy = Self.refuse(request, pump: pump, methods: ["POST"]) {
                return request.eventLoop.makeSucceededFuture(busy)
            }
            guard request.path == "/api/traces" else {
                return request.eventLoop.makeSucceededFuture(.text(.notFound, "POST /api/traces"))
            }
            guard
                request.mediaType == "application/x-thrift"
                    || request.mediaType == "application/vnd.apache.thrift.binary"
            else {
                return request.eventLoop.makeSucceededFuture(
                    .text(.badRequest, "Content-Type must be application/x-thrift")
                )
            }
            do throws(IngestError) {
                let batch = try JaegerThriftDecoder.batch(binary: request.body, maxDepth: limits.maxDepth)
                return Self.accept(DecodedInputs(items: [.batch(batch)]), pump: pump, ok: HTTPIngestReply(.accepted))
            } catch {
                return Self.accept(DecodedInputs(errors: [error]), pump: pump, ok: HTTPIngestReply(.accepted))
            }
        }
    }

    /// OTLP/HTTP `POST /v1/traces`, `/v1/logs` or `/v1/metrics` (the `signal`'s path) in protobuf or JSON by
    /// `Content-Type` (415 otherwise), answered 200 with the empty export response in the request's encoding,
    /// or 400 naming what could not be read.
    public static func otlp(_ signal: OTLPSignal, pump: EnginePump, limits: IngestLimits) -> HTTPIngestRoute {
        let path = signal.httpPath
        return { request in
            if let busy = Self.refuse(request, pump: pump, methods: ["POST"]) {
                return request.eventLoop.makeSucceededFuture(busy)
            }
            guard request.path == path else {
                return request.eventLoop.makeSucceededFuture(.text(.notFound, "this module serves POST \(path)"))
            }
            let media = request.mediaType
            guard media == "application/x-protobuf" || media == "application/json" else {
                return request.eventLoop.makeSucceededFuture(
                    .text(.unsupportedMediaType, "Content-Type must be application/x-protobuf or application/json")
                )
            }
            let json = media == "application/json"
            let items: [InputEvent]
            do throws(IngestError) {
                items = try signal.decode(
                    request.body,
                    json: json,
                    receivedAt: EngineClock.wallMilliseconds(),
                    limits: limits
                )
            } catch {
                return Self.accept(DecodedInputs(errors: [error]), pump: pump, ok: HTTPIngestReply(.ok))
            }
            let ok =
                json
                ? HTTPIngestReply(.ok, contentType: "application/json", body: Array("{}".utf8))
                : HTTPIngestReply(.ok, contentType: "application/x-protobuf")
            return Self.accept(DecodedInputs(items: items), pump: pump, ok: ok)
        }
    }

    /// 405 for a wrong method, 503 (retry after 1 s) while the engine is behind.
    static func refuse(_ request: HTTPIngestRequest, pump: EnginePump, methods: Set<String>) -> HTTPIngestReply? {
        guard methods.contains(request.head.method.rawValue) else {
            return HTTPIngestReply(.methodNotAllowed, headers: [("Allow", methods.sorted().joined(separator: ", "))])
        }
        if pump.isBehind {
            pump.stats.dropped("http_backpressure")
            return HTTPIngestReply(.serviceUnavailable, headers: [("Retry-After", "1")])
        }
        return nil
    }

    /// Submits the good items; answers `ok` once they are accepted, or 400 naming the first error.
    static func accept(
        _ decoded: DecodedInputs,
        pump: EnginePump,
        ok: HTTPIngestReply
    ) -> EventLoopFuture<HTTPIngestReply> {
        let accepted = pump.submit(decoded.items)
        let errors = decoded.errors
        for error in errors { if let limit = error.limit { pump.stats.limitHit(limit) } }
        guard let first = errors.first else { return accepted.map { ok } }
        let more = errors.count > 1 ? " (and \(errors.count - 1) more errors)" : ""
        let status: HTTPResponseStatus = first.isTooLarge ? .payloadTooLarge : .badRequest
        return accepted.map { .text(status, "\(first)\(more); \(decoded.items.count) accepted") }
    }
}
