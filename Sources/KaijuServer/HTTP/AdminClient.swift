import KaijuCodecs
public import NIOCore
import Synchronization
import NIOPosix
public import NIOSSL

/// A blocking HTTP/1.1 client for a server's admin address (the `kaiju` CLI): one request per connection.
public enum AdminClient {
    /// A reply's status code and body.
    public struct Reply: Sendable {
        public var status: Int
        public var body: String
    }

    /// Sends `method path` with `body` to `address` (`HOST:PORT`) and waits for the whole reply; `token`
    /// is sent as `Authorization: Bearer TOKEN`; with `tls` the request goes over TLS.
    /// - Throws: when the address is invalid or the server cannot be reached.
    public static func request(
        _ address: String, method: String, path: String, body: String = "", token: String? = nil, tls: NIOSSLContext? = nil,
        timeout: TimeAmount = .seconds(30)
    ) throws -> Reply {
        guard let (host, port) = try ModuleConfiguration.parse(address: address) else { throw IngestError.malformed("--admin cannot be none") }
        let bytes = Array(body.utf8)
        let target = host == "0.0.0.0" ? "127.0.0.1" : host
        let authority = target.contains(":") ? "[\(target)]:\(port)" : "\(target):\(port)"
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(authority)\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        head += "\r\n"
        let group = MultiThreadedEventLoopGroup.singleton
        let done = group.next().makePromise(of: [UInt8].self)
        let channel = try ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: TLSFiles.serverHostname(target)))
                    }
                    try channel.pipeline.syncOperations.addHandler(ReadToEnd(done: done))
                }
            }
            .connect(host: target, port: port).wait()
        try channel.writeAndFlush(channel.allocator.buffer(bytes: Array(head.utf8) + bytes)).wait()
        let reply = String(decoding: try done.futureResult.wait(), as: UTF8.self)
        guard let split = reply.firstRange(of: "\r\n\r\n") else { throw IngestError.malformed("no HTTP reply from \(address)") }
        let status = Int(reply[..<split.lowerBound].split(separator: " ").dropFirst().first ?? "") ?? 0
        return Reply(status: status, body: String(reply[split.upperBound...]))
    }

    /// Collects every byte until the server closes the connection.
    private final class ReadToEnd: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let done: EventLoopPromise<[UInt8]>
        let bytes = Mutex<[UInt8]>([])
        init(done: EventLoopPromise<[UInt8]>) { self.done = done }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = self.unwrapInboundIn(data)
            if let chunk = buffer.readBytes(length: buffer.readableBytes) { self.bytes.withLock { $0 += chunk } }
        }
        func channelInactive(context: ChannelHandlerContext) { self.done.succeed(self.bytes.withLock { $0 }) }
        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.done.fail(error)
            context.close(promise: nil)
        }
    }
}
