import AsyncHTTPClient
public import KaijuCodecs
import KaijuCore
public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Scrapes Prometheus endpoints (`--scrape`) every interval, as Telegraf's `inputs.prometheus` did in the
/// original deployment: each sample becomes a ``Metric`` (``PrometheusExposition``) fed to the engine.
/// OpenMetrics is asked for first, the 0.0.4 text format accepted. Every scrape is counted in
/// `kaiju_scrape_total{target,outcome}`, the samples of the last one in `kaiju_scrape_samples{target}`.
public final class PrometheusScraper: Sendable {
    let targets: [String]
    let interval: Duration
    let pump: EnginePump
    let limits: IngestLimits
    let logger: Logger
    let client: HTTPClient
    private let tasks = Mutex<[Task<Void, Never>]>([])

    /// A scraper of `targets` (URLs) every `interval`, feeding `pump`, bodies bounded by `limits`.
    public init(targets: [String], interval: Duration, pump: EnginePump, limits: IngestLimits, logger: Logger) {
        self.targets = targets
        self.interval = interval
        self.pump = pump
        self.limits = limits
        self.logger = logger
        self.client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    }

    /// Starts scraping every target (the first scrape at once).
    public func start() {
        let tasks = self.targets.map { target in
            Task {
                while !Task.isCancelled {
                    await self.scrape(target)
                    try? await Task.sleep(for: self.interval)
                }
            }
        }
        self.tasks.withLock { $0 = tasks }
    }

    /// One scrape of `target`.
    func scrape(_ target: String) async {
        let stats = self.pump.stats
        var request = HTTPClientRequest(url: target)
        request.headers.add(
            name: "Accept",
            value: "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
        )
        do {
            let response = try await self.client.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: self.limits.maxBodySize)
            guard response.status.code == 200 else {
                stats.add(.init("kaiju_scrape_total", ["target": target, "outcome": "failed"]))
                self.logger.warning("scrape \(target): \(response.status.code)")
                return
            }
            let openMetrics = response.headers.first(name: "content-type")?.contains("openmetrics") ?? false
            let parsed = PrometheusExposition.parse(
                Array(buffer: body),
                openMetrics: openMetrics,
                scrapedAt: EngineClock.wallMilliseconds()
            )
            for error in parsed.errors.prefix(3) { self.logger.debug("scrape \(target): \(error)") }
            if !parsed.errors.isEmpty { stats.decodeError("prometheus", parsed.errors.count) }
            stats.set(.init("kaiju_scrape_samples", ["target": target]), parsed.metrics.count)
            stats.add(.init("kaiju_scrape_total", ["target": target, "outcome": "ok"]))
            if !parsed.metrics.isEmpty { try await self.pump.submit(parsed.metrics.map { .metric($0) }).get() }
        } catch {
            stats.add(.init("kaiju_scrape_total", ["target": target, "outcome": "failed"]))
            self.logger.warning("scrape \(target): \(error)")
        }
    }

    /// Stops scraping.
    public func shutdown() async {
        for t in self.tasks.withLock({ $0 }) { t.cancel() }
        try? await self.client.shutdown()
    }
}
