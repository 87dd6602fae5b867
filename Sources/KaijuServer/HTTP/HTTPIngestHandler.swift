import Foundation
import KaijuCodecs
import Logging
public import NIOCore
public import NIOHTTP1

/// One HTTP request as a route sees it: head, the (inflated) body, and the peer.
public struct HTTPIngestRequest: Sendable {
    /// The request line and headers.
    public var head: HTTPRequestHead
    /// The body, inflated.
    public var body: [UInt8]
    /// The client's address.
    public var peer: String
    /// The local port the request arrived on.
    public var localPort: Int?
    /// The connection's loop: immediate replies are made on it, never on the (possibly busy) engine's.
    public var eventLoop: any EventLoop

    /// The path without the query.
    public var path: Substring { self.head.uri.split(separator: "?", maxSplits: 1).first ?? "" }

    /// A query parameter's value.
    public func query(_ name: String) -> String? {
        guard let q = self.head.uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for pair in q.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.first == Substring(name) { return kv.count > 1 ? String(kv[1]) : "" }
        }
        return nil
    }

    /// The media type of `Content-Type`, lower-cased, parameters dropped.
    public var mediaType: String {
        let value = self.head.headers.first(name: "content-type") ?? ""
        return value.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }
}

/// What a route answers.
public struct HTTPIngestReply: Sendable {
    /// The status.
    public var status: HTTPResponseStatus
    /// The body's content type.
    public var contentType: String?
    /// The body.
    public var body: [UInt8]
    /// Extra headers.
    public var headers: [(String, String)]

    /// A reply.
    public init(
        _ status: HTTPResponseStatus,
        contentType: String? = nil,
        body: [UInt8] = [],
        headers: [(String, String)] = []
    ) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// A plain-text reply.
    public static func text(_ status: HTTPResponseStatus, _ message: String) -> HTTPIngestReply {
        HTTPIngestReply(status, contentType: "text/plain; charset=utf-8", body: Array((message + "\n").utf8))
    }
}

/// A route: answers a request, possibly after the engine has taken its events.
public typealias HTTPIngestRoute = @Sendable (HTTPIngestRequest) -> EventLoopFuture<HTTPIngestReply>

/// Collects a request body up to the configured limit, inflates `Content-Encoding: gzip`/`deflate`
/// (and `snappy` for Prometheus remote write's `/api/v1/write`; refusing others with 415), calls the route, and writes its reply. Oversized bodies get 413.
final class HTTPIngestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let limits: IngestLimits
    let route: HTTPIngestRoute
    let stats: IngestStats
    let logger: Logger
    let name: String
    var head: HTTPRequestHead?
    var body: [UInt8] = []
    var refused: HTTPIngestReply?

    init(name: String, limits: IngestLimits, stats: IngestStats, logger: Logger, route: @escaping HTTPIngestRoute) {
        self.name = name
        self.limits = limits
        self.stats = stats
        self.logger = logger
        self.route = route
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = []
            self.refused = nil
            if let length = head.headers.first(name: "content-length").flatMap(Int.init),
                length > self.limits.maxBodySize
            {
                self.refused = .text(.payloadTooLarge, "body exceeds the limit of \(self.limits.maxBodySize) bytes")
            }
        case .body(var chunk):
            guard self.refused == nil else { return }
            if self.body.count + chunk.readableBytes > self.limits.maxBodySize {
                self.refused = .text(.payloadTooLarge, "body exceeds the limit of \(self.limits.maxBodySize) bytes")
                self.body = []
                return
            }
            self.body += chunk.readBytes(length: chunk.readableBytes) ?? []
        case .end:
            guard let head = self.head else { return }
            self.head = nil
            let peer = context.remoteAddress?.description ?? "?"
            if let refused = self.refused {
                self.count(refused, peer: peer, uri: head.uri, detail: "")
                self.respond(refused, keepAlive: false, context: context)
                return
            }
            let body: [UInt8]
            switch self.inflate(head: head) {
            case .success(let inflated): body = inflated
            case .failure(let reply):
                self.count(reply, peer: peer, uri: head.uri, detail: String(decoding: reply.body, as: UTF8.self))
                self.respond(reply, keepAlive: head.isKeepAlive, context: context)
                return
            }
            let request = HTTPIngestRequest(
                head: head,
                body: body,
                peer: peer,
                localPort: context.localAddress?.port,
                eventLoop: context.eventLoop
            )
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            self.route(request).hop(to: context.eventLoop).whenComplete { result in
                let (handler, context) = loopBound.value
                let reply: HTTPIngestReply
                switch result {
                case .success(let r): reply = r
                case .failure(let error): reply = .text(.internalServerError, "\(error)")
                }
                handler.count(
                    reply,
                    peer: peer,
                    uri: head.uri,
                    detail: String(decoding: reply.body.prefix(300), as: UTF8.self)
                )
                handler.respond(reply, keepAlive: head.isKeepAlive, context: context)
            }
        }
    }

    private func inflate(head: HTTPRequestHead) -> Result<[UInt8], HTTPIngestReply> {
        let encoding = (head.headers.first(name: "content-encoding") ?? "identity").lowercased()
        switch encoding {
        case "identity", "":
            return .success(self.body)
        case "snappy" where head.uri.hasPrefix("/api/v1/write"), "gzip", "x-gzip", "deflate":
            guard !self.body.isEmpty else { return .success([]) }
            do throws(IngestError) {
                if encoding == "snappy" {
                    return .success(try SnappyBlock(maxInflatedSize: self.limits.maxInflatedSize).decompress(self.body))
                }
                return .success(try Inflater(maxInflatedSize: self.limits.maxInflatedSize).inflate(self.body))
            } catch {
                return .failure(.text(error.isTooLarge ? .payloadTooLarge : .badRequest, error.description))
            }
        default:
            return .failure(
                .text(
                    .unsupportedMediaType,
                    "Content-Encoding '\(encoding)' is not supported (use gzip, deflate or, for remote write, snappy)"
                )
            )
        }
    }

    private func count(_ reply: HTTPIngestReply, peer: String, uri: String, detail: String) {
        self.stats.add(.init("kaiju_http_requests_total", ["listener": self.name, "code": String(reply.status.code)]))
        if reply.status.code >= 400 && reply.status.code != 404 && reply.status.code != 503 {
            self.stats.decodeError("http")
            self.logger.warning(
                "\(self.name): \(reply.status.code) for \(uri) from \(peer): \(detail.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
    }

    private func respond(_ reply: HTTPIngestReply, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        if let type = reply.contentType { headers.add(name: "Content-Type", value: type) }
        headers.add(name: "Content-Length", value: String(reply.body.count))
        for (k, v) in reply.headers { headers.add(name: k, value: v) }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: .http1_1, status: reply.status, headers: headers)
        context.write(self.wrapOutboundOut(.head(head)), promise: nil)
        if !reply.body.isEmpty {
            context.write(
                self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: reply.body)))),
                promise: nil
            )
        }
        let done = context.writeAndFlush(self.wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

extension HTTPIngestReply: Error {}
