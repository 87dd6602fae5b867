import Foundation
import KaijuCodecs
import KaijuCore
import KaijuServer
import NIOCore
import NIOPosix
import Synchronization

/// Small loopback clients and a line collector for end-to-end tests.
enum Loopback {
    static let group = MultiThreadedEventLoopGroup.singleton

    /// Connects, writes `bytes`, waits for `replyBytes` bytes of reply (if any), closes; returns the reply.
    static func tcp(port: Int, _ bytes: [UInt8], replyBytes: Int = 0) throws -> [UInt8] {
        let reply = ByteSink()
        let channel = try ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collect(sink: reply))
                }
            }
            .connect(host: "127.0.0.1", port: port).wait()
        try channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).wait()
        _ = ServerProcess.wait(seconds: 10) { reply.bytes.withLock { $0.count } >= replyBytes }
        try? channel.close().wait()
        return reply.bytes.withLock { $0 }
    }

    /// Sends one UDP datagram.
    static func udp(port: Int, _ bytes: [UInt8]) throws {
        let channel = try DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).wait()
        let remote = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        try channel.writeAndFlush(
            AddressedEnvelope(remoteAddress: remote, data: channel.allocator.buffer(bytes: bytes))
        ).wait()
        try channel.close().wait()
    }

    /// Sends one datagram and waits (up to 5 s) for one reply.
    static func udpRoundTrip(port: Int, _ bytes: [UInt8]) throws -> [UInt8] {
        let reply = ByteSink()
        let channel = try DatagramBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(CollectDatagrams(sink: reply))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        let remote = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        try channel.writeAndFlush(
            AddressedEnvelope(remoteAddress: remote, data: channel.allocator.buffer(bytes: bytes))
        ).wait()
        _ = ServerProcess.wait(seconds: 5) { !reply.bytes.withLock { $0.isEmpty } }
        try? channel.close().wait()
        return reply.bytes.withLock { $0 }
    }

    final class CollectDatagrams: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let sink: ByteSink
        init(sink: ByteSink) { self.sink = sink }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = self.unwrapInboundIn(data)
            self.sink.bytes.withLock { $0 += envelope.data.readableBytesView }
        }
    }

    /// A minimal HTTP/1.1 request; returns the status code.
    static func http(
        port: Int,
        method: String = "POST",
        path: String,
        headers: [String: String] = [:],
        body: [UInt8]
    ) throws -> Int {
        var head =
            "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        let reply = try tcp(port: port, Array((head + "\r\n").utf8) + body, replyBytes: 12)
        let text = String(decoding: reply, as: UTF8.self)
        return Int(text.split(separator: " ").dropFirst().first ?? "") ?? -1
    }

    /// One HTTP/1.1 exchange; returns the status code and the whole body (read to its Content-Length).
    static func exchange(
        port: Int,
        method: String,
        path: String,
        body: String = "",
        headers: [String: String]? = nil
    ) throws -> (status: Int, body: String) {
        let bytes = Array(body.utf8)
        var head = "\(method) \(path) HTTP/1.1\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n"
        for (k, v) in (headers ?? ["Host": "127.0.0.1:\(port)"]).sorted(by: { $0.key < $1.key }) {
            head += "\(k): \(v)\r\n"
        }
        head += "\r\n"
        let reply = ByteSink()
        let channel = try ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collect(sink: reply))
                }
            }
            .connect(host: "127.0.0.1", port: port).wait()
        try channel.writeAndFlush(channel.allocator.buffer(bytes: Array(head.utf8) + bytes)).wait()
        func parsed() -> (Int, String)? {
            let text = String(decoding: reply.bytes.withLock { $0 }, as: UTF8.self)
            guard let split = text.range(of: "\r\n\r\n") else { return nil }
            let headers = text[..<split.lowerBound]
            let length =
                headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            let body = String(text[split.upperBound...])
            guard body.utf8.count >= length else { return nil }
            return (Int(headers.split(separator: " ").dropFirst().first ?? "") ?? -1, body)
        }
        _ = ServerProcess.wait(seconds: 10) { parsed() != nil }
        try? channel.close().wait()
        return parsed() ?? (-1, "")
    }

    /// `GET path` on the admin address; returns the body.
    static func get(port: Int, path: String) throws -> String {
        let reply = try tcp(
            port: port,
            Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8),
            replyBytes: 20
        )
        let text = String(decoding: reply, as: UTF8.self)
        return text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    }

    /// A TCP server collecting newline-terminated lines from every connection (a stand-in parent kaiju-hl).
    /// Stands in for a parent kaiju-hl: decodes what arrives as kaiju-hl would (Forward with acks, or
    /// ndjson) and keeps each Event as its JSON line. With `acknowledging` false it never acks.
    final class Collector: Sendable {
        let lines = LineBuffer()
        let channel: any Channel
        let connections = ChannelList()

        init(port: Int = 0, acknowledging: Bool = true) throws {
            let sink = self.lines
            let connections = self.connections
            self.channel = try ServerBootstrap(group: Loopback.group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    connections.channels.withLock { $0.append(channel) }
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            DecodeEvents(sink: sink, acknowledging: acknowledging)
                        )
                    }
                }
                .bind(host: "127.0.0.1", port: port).wait()
        }

        var port: Int { self.channel.localAddress?.port ?? 0 }

        /// Stops listening and drops every accepted connection, as a killed kaiju-hl would.
        func closeAll() throws {
            try self.channel.close().wait()
            for c in self.connections.channels.withLock({ $0 }) { try? c.close().wait() }
        }
        var received: [String] { self.lines.lines.withLock { $0 } }
    }

    final class ChannelList: Sendable {
        let channels = Mutex<[any Channel]>([])
    }

    final class ByteSink: Sendable {
        let bytes = Mutex<[UInt8]>([])
    }

    final class Collect: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let sink: ByteSink
        init(sink: ByteSink) { self.sink = sink }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = self.unwrapInboundIn(data)
            self.sink.bytes.withLock { $0 += buffer.readableBytesView }
        }
    }

    final class DecodeEvents: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let sink: LineBuffer
        let acknowledging: Bool
        let decoder = StreamDecoder(limits: IngestLimits())
        init(sink: LineBuffer, acknowledging: Bool) {
            self.sink = sink
            self.acknowledging = acknowledging
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let out = self.unwrapInboundIn(data).withUnsafeReadableBytes { self.decoder.feed($0, receivedAt: 0) }
            for item in out.items {
                if case .event(let e) = item { self.sink.lines.withLock { $0.append(e.jsonString) } }
            }
            guard self.acknowledging else { return }
            for chunk in out.acks {
                context.write(
                    self.wrapOutboundOut(context.channel.allocator.buffer(bytes: ForwardMessage.ack(chunk))),
                    promise: nil
                )
            }
            context.flush()
        }
    }
}

extension BindAddress {
    /// 127.0.0.1 on a port the system chooses.
    static let loopback = BindAddress(host: "127.0.0.1", port: 0)
}
