import AsyncHTTPClient
import DequeModule
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Posts items to one URL in batches, in order: a batch goes once `batchSize` items wait or `interval`
/// after the first one arrived. A 2xx answer delivers it; a 5xx answer, 429 or a connection error is
/// retried with backoff (100 ms doubling to 10 s); another 4xx drops the batch (the receiver refuses it;
/// retrying would not help). At most `capacity` items wait; beyond it the oldest are dropped. Every
/// outcome is counted in `kaiju_delivery_total{sink,outcome}` (items), the queue in `kaiju_delivery_queue{sink}`.
final class HTTPDelivery: Sendable {
    /// How a batch of items becomes a request body.
    typealias Encoder = @Sendable ([[UInt8]]) -> [UInt8]

    let sink: String
    let url: String
    let client: HTTPClient
    let batchSize: Int
    let interval: Duration
    let capacity: Int
    let headers: [(String, String)]
    let encode: Encoder
    let stats: IngestStats
    let logger: Logger
    /// The waiting items, each with its sequence number (so a batch in flight is removed by identity
    /// even when older items were dropped meanwhile).
    private let queue = Mutex<(items: Deque<(Int, [UInt8])>, next: Int)>(([], 0))
    private let wake: AsyncStream<Void>.Continuation
    private let task = Mutex<Task<Void, Never>?>(nil)
    /// Whether a batch is being posted (so a flush waits for it too).
    private let posting = Atomic<Bool>(false)

    init(
        sink: String,
        url: String,
        client: HTTPClient,
        batchSize: Int,
        interval: Duration,
        capacity: Int,
        headers: [(String, String)],
        stats: IngestStats,
        logger: Logger,
        encode: @escaping Encoder
    ) {
        self.sink = sink
        self.url = url
        self.client = client
        self.batchSize = max(batchSize, 1)
        self.interval = interval
        self.capacity = max(capacity, 1)
        self.headers = headers
        self.stats = stats
        self.logger = logger
        self.encode = encode
        let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.wake = wake
        self.task.withLock { $0 = Task { [self] in await self.run(wakes) } }
    }

    /// Queues `items` (from the engine's thread); never blocks.
    func send(_ items: [[UInt8]]) {
        guard !items.isEmpty else { return }
        var dropped = 0
        let depth = self.queue.withLock { q -> Int in
            for item in items {
                q.items.append((q.next, item))
                q.next &+= 1
            }
            while q.items.count > self.capacity {
                q.items.removeFirst()
                dropped += 1
            }
            return q.items.count
        }
        if dropped > 0 { self.count("dropped", dropped) }
        self.stats.set(.init("kaiju_delivery_queue", ["sink": self.sink]), depth)
        self.wake.yield()
    }

    private func count(_ outcome: String, _ n: Int) {
        self.stats.add(.init("kaiju_delivery_total", ["sink": self.sink, "outcome": outcome]), n)
    }

    private func run(_ wakes: AsyncStream<Void>) async {
        for await _ in wakes {
            if self.queue.withLock({ $0.items.count }) < self.batchSize { try? await Task.sleep(for: self.interval) }
            while !Task.isCancelled {
                let batch = self.queue.withLock { Array($0.items.prefix(self.batchSize)) }
                guard let last = batch.last?.0 else { break }
                self.posting.store(true, ordering: .relaxed)
                let delivered = await self.post(batch.map(\.1))
                self.posting.store(false, ordering: .relaxed)
                guard delivered else { return }
                let depth = self.queue.withLock { q -> Int in
                    while let first = q.items.first, first.0 <= last { q.items.removeFirst() }
                    return q.items.count
                }
                self.stats.set(.init("kaiju_delivery_queue", ["sink": self.sink]), depth)
            }
        }
    }

    /// Posts one batch until it is delivered or refused; `false` only when cancelled.
    private func post(_ batch: [[UInt8]]) async -> Bool {
        var backoff = Duration.milliseconds(100)
        var request = HTTPClientRequest(url: self.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in self.headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: self.encode(batch)))
        while !Task.isCancelled {
            do {
                let response = try await self.client.execute(request, timeout: .seconds(10))
                let body = try await response.body.collect(upTo: 64 << 10)
                let code = response.status.code
                if (200..<300).contains(code) {
                    self.count("delivered", batch.count)
                    return true
                }
                if (400..<500).contains(code), code != 429 {
                    self.count("rejected", batch.count)
                    self.logger.warning(
                        "\(self.sink) \(self.url) refused \(batch.count) rows: \(code) \(String(buffer: body).prefix(200))"
                    )
                    return true
                }
                self.logger.warning("\(self.sink) \(self.url) answered \(code), retrying")
            } catch {
                self.logger.warning("\(self.sink) \(self.url): \(error), retrying")
            }
            self.count("failed", batch.count)
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(10))
        }
        return false
    }

    /// Waits until the queue is empty (or `timeout` passes), then stops.
    func close(timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while self.queue.withLock({ !$0.items.isEmpty }) || self.posting.load(ordering: .relaxed),
            ContinuousClock.now < deadline
        {
            try? await Task.sleep(for: .milliseconds(20))
        }
        self.wake.finish()
        self.task.withLock { $0 }?.cancel()
    }
}
