public import NIOSSL

/// Where and how statements' rows are delivered over HTTP: Alertmanager (`listener:alertmanager`,
/// `@alertmanager`) and webhooks (`listener:webhook`, `@webhook`).
public struct DeliveryConfiguration: Sendable {
    /// The Alertmanager base URL (`http://host:9093`) for listeners without one of their own.
    public var alertmanager: String?
    /// How long (ms) after its row an alert resolves unless fired again (`endsAt`).
    public var alertResolveAfter: Int64 = 300_000
    /// The admin API's base URL for alerts' `generatorURL`, if known.
    public var generatorBase: String?
    /// The webhook URL for listeners without one of their own.
    public var webhook: String?
    /// Sent as `Authorization: Bearer TOKEN` to webhooks.
    public var webhookToken: String?
    /// Rows per request.
    public var batchSize = 100
    /// How long the first waiting row waits for more before its batch goes.
    public var interval: Duration = .seconds(1)
    /// Rows waiting per destination; beyond it the oldest are dropped (counted).
    public var capacity = 10_000
    /// TLS for `https` URLs (trust roots); the system's trust when `nil`.
    public var tls: TLSConfiguration?

    /// Nothing configured: listeners must name their URLs.
    public init() {}
}
