public import NIOCore
import NIOPosix
public import NIOSSL
import Synchronization

/// An HTTP/1.1 client for a server's admin address (the `kaiju` CLI): one request per connection.
public enum AdminClient {
    /// A reply's status code and body.
    public struct Reply: Sendable {
        /// The HTTP status code.
        public var status: Int
        /// The body as text.
        public var body: String
    }

    /// Sends `method path` with `body` to `address` and returns the whole reply.
    /// - Parameters:
    ///   - address: The admin address (`0.0.0.0` is reached as `127.0.0.1`).
    ///   - method: The HTTP method.
    ///   - path: The request path.
    ///   - body: The request body.
    ///   - token: Sent as `Authorization: Bearer TOKEN` when given.
    ///   - tls: TLS for the connection, or `nil` for plain TCP.
    ///   - timeout: How long connecting may take.
    /// - Returns: The status and body.
    /// - Throws: When the server cannot be reached or does not answer HTTP.
    public static func request(
        _ address: BindAddress,
        method: String,
        path: String,
        body: String = "",
        token: String? = nil,
        tls: NIOSSLContext? = nil,
        timeout: TimeAmount = .seconds(30)
    ) async throws -> Reply {
        let bytes = Array(body.utf8)
        let target = address.host == "0.0.0.0" ? "127.0.0.1" : address.host
        let port = address.port
        let authority = BindAddress(host: target, port: port).description
        var head =
            "\(method) \(path) HTTP/1.1\r\nHost: \(authority)\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        head += "\r\n"
        let group = MultiThreadedEventLoopGroup.singleton
        let done = group.next().makePromise(of: [UInt8].self)
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: TLSFiles.serverHostname(target))
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(ReadToEnd(done: done))
                }
            }
            .connect(host: target, port: port).get()
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: Array(head.utf8) + bytes))
        let reply = String(decoding: try await done.futureResult.get(), as: UTF8.self)
        guard let split = reply.firstRange(of: "\r\n\r\n") else { throw AdminClientError(address: address) }
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

/// The admin address answered with something that is not an HTTP reply.
public struct AdminClientError: Error, Hashable, CustomStringConvertible {
    /// The address asked.
    public let address: BindAddress

    /// A message naming the address.
    public var description: String { "no HTTP reply from \(self.address)" }
}
