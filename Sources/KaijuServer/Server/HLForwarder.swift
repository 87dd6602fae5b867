import DequeModule
import KaijuCodecs
public import KaijuCore
public import Logging
public import NIOCore
import NIOPosix
public import NIOSSL

/// Forwards Events to kaiju-hl over one persistent TCP connection speaking the Forward protocol with
/// acknowledgements: each chunk of Events is a Forward-mode message tagged ``ForwardMessage/eventTag``
/// with a `chunk` option, and counts as forwarded only when kaiju-hl acks it (after its engine took the
/// Events). Unacknowledged chunks are sent again after a reconnect (at-least-once), so kaiju-hl dying
/// loses nothing the buffer holds. Reconnects with exponential backoff; holds at most ``capacity``
/// Events (waiting and unacknowledged); beyond it the oldest waiting ones are dropped and counted.
public final class HLForwarder: Sendable {
    /// kaiju-hl's address.
    public let address: BindAddress
    /// The most Events held (waiting to be sent plus sent and not yet acknowledged).
    public let capacity: Int
    /// The most Events in one chunk.
    static let chunkEvents = 1_000
    /// The most chunks sent and not yet acknowledged.
    static let chunksInFlight = 4
    /// A chunk not acknowledged within this time closes the connection, so it is sent again.
    static let ackTimeout: TimeAmount = .seconds(10)

    let loop: any EventLoop
    let stats: IngestStats
    let logger: Logger
    /// TLS for the link, or `nil` for plain TCP.
    let tls: NIOSSLContext?
    private let state: NIOLoopBoundBox<State>

    final class State {
        /// Events not yet sent, oldest first.
        var waiting = Deque<Event>()
        /// Chunks sent and not yet acknowledged, in the order sent.
        var unacked = Deque<(id: String, events: [Event], timeout: Scheduled<Void>?)>()
        var channel: (any Channel)?
        var connecting = false
        var backoff: TimeAmount = .milliseconds(100)
        var closed = false
        var nextChunk: UInt64 = 0
        /// Completed when nothing is held any more (for ``close(timeout:)``).
        var drained: [EventLoopPromise<Void>] = []

        var held: Int { self.waiting.count + self.unacked.reduce(0) { $0 + $1.events.count } }
    }

    /// A forwarder to `address` holding at most `capacity` Events, over TLS when `tls` is given.
    /// - Parameters:
    ///   - address: kaiju-hl's address.
    ///   - capacity: The most Events held (waiting plus unacknowledged).
    ///   - loop: The event loop the connection runs on.
    ///   - stats: Where forwarded, resent and dropped Events are counted.
    ///   - logger: Where connection trouble is logged.
    ///   - tls: TLS for the link, or `nil` for plain TCP.
    public init(
        to address: BindAddress,
        capacity: Int,
        loop: any EventLoop,
        stats: IngestStats,
        logger: Logger,
        tls: NIOSSLContext? = nil
    ) {
        self.tls = tls
        self.address = address
        self.capacity = capacity
        self.loop = loop
        self.stats = stats
        self.logger = logger
        self.state = NIOLoopBoundBox.makeBoxSendingValue(State(), eventLoop: loop)
        loop.execute { self.connect() }
    }

    /// Queues Events for sending.
    public func send(_ events: [Event]) {
        guard !events.isEmpty else { return }
        self.loop.execute {
            let s = self.state.value
            s.waiting.append(contentsOf: events)
            let excess = min(s.held - self.capacity, s.waiting.count)
            if excess > 0 {
                s.waiting.removeFirst(excess)
                self.stats.add(.init("kaiju_forward_dropped_total"), excess)
            }
            self.flush()
        }
    }

    /// Events held: waiting to be sent, or sent and not yet acknowledged.
    public func backlog() -> EventLoopFuture<Int> { self.loop.submit { self.state.value.held } }

    /// Sends what is held and waits for its acknowledgement up to `timeout`, then closes.
    public func close(timeout: TimeAmount) -> EventLoopFuture<Void> {
        self.loop.flatSubmit {
            self.flush()
            let s = self.state.value
            let promise = self.loop.makePromise(of: Void.self)
            let drained = self.loop.makePromise(of: Void.self)
            if s.held == 0 { drained.succeed() } else { s.drained.append(drained) }
            let deadline = self.loop.scheduleTask(in: timeout) { drained.succeed() }
            drained.futureResult.whenComplete { _ in
                deadline.cancel()
                let s = self.state.value
                s.closed = true
                if let c = s.channel { c.close(promise: nil) }
                promise.succeed()
            }
            return promise.futureResult
        }
    }

    private func connect() {
        let s = self.state.value
        guard !s.closed, s.channel == nil, !s.connecting else { return }
        s.connecting = true
        ClientBootstrap(group: self.loop)
            .connectTimeout(.seconds(2))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls = self.tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(
                                context: tls,
                                serverHostname: TLSFiles.serverHostname(self.address.host)
                            )
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(ForwardAckReader { id in self.acknowledged(id) })
                }
            }
            .connect(host: self.address.host, port: self.address.port)
            .hop(to: self.loop)
            .whenComplete { result in
                let s = self.state.value
                s.connecting = false
                switch result {
                case .success(let channel):
                    self.logger.info("connected to kaiju-hl at \(self.address)")
                    s.channel = channel
                    s.backoff = .milliseconds(100)
                    channel.closeFuture.hop(to: self.loop).whenComplete { _ in self.disconnected() }
                    self.flush()
                case .failure(let error):
                    self.logger.debug("kaiju-hl at \(self.address) unreachable: \(error)")
                    self.scheduleReconnect()
                }
            }
    }

    /// The connection is gone: what it did not acknowledge goes back to the front, to be sent again.
    private func disconnected() {
        let s = self.state.value
        s.channel = nil
        for chunk in s.unacked.reversed() {
            chunk.timeout?.cancel()
            s.waiting.insert(contentsOf: chunk.events, at: 0)
        }
        if !s.unacked.isEmpty {
            self.stats.add(.init("kaiju_forward_resent_total"), s.unacked.reduce(0) { $0 + $1.events.count })
        }
        s.unacked.removeAll()
        self.scheduleReconnect()
    }

    private func scheduleReconnect() {
        let s = self.state.value
        guard !s.closed else { return }
        let delay = s.backoff
        s.backoff = .nanoseconds(min(delay.nanoseconds * 2, TimeAmount.seconds(5).nanoseconds))
        self.loop.scheduleTask(in: delay) { self.connect() }
    }

    /// kaiju-hl acknowledged chunk `id`.
    private func acknowledged(_ id: String) {
        self.loop.execute {
            let s = self.state.value
            guard let i = s.unacked.firstIndex(where: { $0.id == id }) else { return }
            let chunk = s.unacked.remove(at: i)
            chunk.timeout?.cancel()
            self.stats.add(.init("kaiju_forwarded_total"), chunk.events.count)
            self.flush()
            if s.held == 0 {
                for p in s.drained { p.succeed() }
                s.drained.removeAll()
            }
        }
    }

    /// Sends chunks of waiting Events while fewer than ``chunksInFlight`` await their ack, so a slow
    /// kaiju-hl keeps Events in the bounded buffer rather than in the channel's outbound queue.
    private func flush() {
        let s = self.state.value
        guard let channel = s.channel else {
            self.connect()
            return
        }
        while s.unacked.count < Self.chunksInFlight, !s.waiting.isEmpty {
            let n = min(Self.chunkEvents, s.waiting.count)
            let events = Array(s.waiting.prefix(n))
            s.waiting.removeFirst(n)
            s.nextChunk &+= 1
            let id = "\(s.nextChunk)"
            let timeout = self.loop.scheduleTask(in: Self.ackTimeout) {
                self.logger.warning(
                    "kaiju-hl at \(self.address) did not acknowledge within \(Self.ackTimeout); reconnecting"
                )
                channel.close(promise: nil)
            }
            s.unacked.append((id, events, timeout))
            channel.writeAndFlush(
                channel.allocator.buffer(bytes: ForwardMessage.encode(events: events, chunk: id)),
                promise: nil
            )
        }
    }
}

/// Reads kaiju-hl's `{"ack": chunk}` replies on the forwarding connection.
final class ForwardAckReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private var buffer: [UInt8] = []
    private var decoder = ForwardAckDecoder()
    private let onAck: @Sendable (String) -> Void

    init(onAck: @escaping @Sendable (String) -> Void) { self.onAck = onAck }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.buffer += self.unwrapInboundIn(data).readableBytesView
        let result = self.buffer.withUnsafeBytes { raw in
            Result { () throws(IngestError) in try self.decoder.decode(raw) }
        }
        switch result {
        case .success(let (chunks, consumed)):
            self.buffer.removeFirst(consumed)
            for chunk in chunks { self.onAck(chunk) }
        case .failure: context.close(promise: nil)
        }
    }
}

extension HLForwarder {
    /// Sends every Event the runtime takes in or its rules insert (type `Event` and subtypes) here,
    /// counted as an Event out; the Events go as they are, without a statement or a row in between.
    /// - Parameters:
    ///   - runtime: The runtime to observe.
    ///   - stats: Where Events out are counted.
    public func forwardEvents(of runtime: Runtime, stats: IngestStats) {
        runtime.observeEvents { event in
            self.send([event])
            stats.add(.init("kaiju_events_out_total", ["type": "Event"]), 1)
        }
    }

    /// A listener sending each output row here as an Event, counted as an Event out.
    public func eventListener(stats: IngestStats) -> StatementListener {
        { output in
            self.send(output.rows.map { Event(row: $0) })
            stats.add(.init("kaiju_events_out_total", ["type": "Event"]), output.rows.count)
        }
    }
}
