public import KaijuCore
public import NIOCore
import NIOPosix
public import Logging
import DequeModule

/// Forwards Event lines (ndjson) to kaiju-hl over one persistent TCP connection: reconnects with
/// exponential backoff, holds at most ``capacity`` lines while kaiju-hl is away, and counts what it drops.
public final class HLForwarder: Sendable {
    public let host: String
    public let port: Int
    /// The most lines held while disconnected; older lines are dropped first.
    public let capacity: Int
    let loop: any EventLoop
    let stats: IngestStats
    let logger: Logger
    private let state: NIOLoopBoundBox<State>

    final class State {
        var buffer = Deque<String>()
        var channel: (any Channel)?
        var connecting = false
        var backoff: TimeAmount = .milliseconds(100)
        var closed = false
        /// A write is on its way: lines stay in the bounded buffer until it completes.
        var writing = false
    }

    public init(host: String, port: Int, capacity: Int, loop: any EventLoop, stats: IngestStats, logger: Logger) {
        self.host = host
        self.port = port
        self.capacity = capacity
        self.loop = loop
        self.stats = stats
        self.logger = logger
        self.state = NIOLoopBoundBox.makeBoxSendingValue(State(), eventLoop: loop)
        loop.execute { self.connect() }
    }

    /// Queues Event lines (without newlines) for sending.
    public func send(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        self.loop.execute {
            let s = self.state.value
            for line in lines { s.buffer.append(line) }
            let excess = s.buffer.count - self.capacity
            if excess > 0 {
                s.buffer.removeFirst(excess)
                self.stats.add(.init("kaiju_forward_dropped_total"), excess)
            }
            self.flush()
        }
    }

    /// Lines waiting to be sent.
    public func backlog() -> EventLoopFuture<Int> { self.loop.submit { self.state.value.buffer.count } }

    /// Tries to send what is buffered within `timeout`, then closes.
    public func close(timeout: TimeAmount) -> EventLoopFuture<Void> {
        self.loop.flatSubmit {
            self.flush()
            let s = self.state.value
            let promise = self.loop.makePromise(of: Void.self)
            self.loop.scheduleTask(in: s.buffer.isEmpty ? .milliseconds(50) : timeout) {
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
            .connect(host: self.host, port: self.port)
            .hop(to: self.loop)
            .whenComplete { result in
                let s = self.state.value
                s.connecting = false
                switch result {
                case .success(let channel):
                    self.logger.info("connected to kaiju-hl at \(self.host):\(self.port)")
                    s.channel = channel
                    s.backoff = .milliseconds(100)
                    channel.closeFuture.hop(to: self.loop).whenComplete { _ in
                        let s = self.state.value
                        s.channel = nil
                        self.scheduleReconnect()
                    }
                    self.flush()
                case .failure(let error):
                    self.logger.debug("kaiju-hl at \(self.host):\(self.port) unreachable: \(error)")
                    self.scheduleReconnect()
                }
            }
    }

    private func scheduleReconnect() {
        let s = self.state.value
        guard !s.closed else { return }
        let delay = s.backoff
        s.backoff = .nanoseconds(min(delay.nanoseconds * 2, TimeAmount.seconds(5).nanoseconds))
        self.loop.scheduleTask(in: delay) { self.connect() }
    }

    /// Writes buffered lines, one write (up to 1 MiB) at a time, so a slow kaiju-hl keeps lines in the
    /// bounded buffer rather than in the channel's unbounded outbound queue.
    private func flush() {
        let s = self.state.value
        guard let channel = s.channel else {
            self.connect()
            return
        }
        guard !s.writing, !s.buffer.isEmpty else { return }
        var out = channel.allocator.buffer(capacity: 4096)
        var sent = 0
        while let line = s.buffer.first, out.readableBytes < 1 << 20 {
            out.writeString(line)
            out.writeInteger(UInt8(ascii: "\n"))
            s.buffer.removeFirst()
            sent += 1
        }
        s.writing = true
        let written = sent
        channel.writeAndFlush(out).hop(to: self.loop).whenComplete { result in
            let s = self.state.value
            s.writing = false
            switch result {
            case .success:
                self.stats.add(.init("kaiju_forwarded_total"), written)
                self.flush()
            case .failure:
                // Lost with the connection: counted; the reconnect picks up what is still buffered.
                self.stats.add(.init("kaiju_forward_dropped_total"), written)
            }
        }
    }
}

extension HLForwarder {
    /// Adds the default statement `ForwardEventsToHL` (`select * from Event`) sending every produced Event here.
    public func forwardEvents(of runtime: Runtime, stats: IngestStats) throws(PlanError) {
        try runtime.add(StatementPlan(streams: [.type("Event")]), name: "ForwardEventsToHL", listener: self.eventListener(stats: stats))
    }

    /// A listener sending each output row here as an Event line, counted as an Event out.
    public func eventListener(stats: IngestStats) -> StatementListener {
        { output in
            self.send(output.rows.map { Event(row: $0).jsonString })
            stats.add(.init("kaiju_events_out_total", ["type": "Event"]), output.rows.count)
        }
    }

    /// A forwarder to `address` (`HOST:PORT`), or nil for `none`.
    /// - Throws: ``IngestError`` for an address that is neither.
    public static func to(
        _ address: String, capacity: Int, loop: any EventLoop, stats: IngestStats, logger: Logger
    ) throws -> HLForwarder? {
        guard let (host, port) = try ModuleConfiguration.parse(address: address) else { return nil }
        return HLForwarder(host: host, port: port, capacity: capacity, loop: loop, stats: stats, logger: logger)
    }
}
