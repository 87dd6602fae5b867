public import KaijuNATS

/// How a module uses NATS JetStream instead of the TCP link to kaiju-hl: the server, the stream's
/// partitions and how an Event picks one, and (kaiju-hl) which partitions this replica consumes.
public struct NATSLink: Sendable {
    /// The server and credentials.
    public var options: NATSOptions
    /// The stream the Events go to (subjects `kaiju.events.<partition>`).
    public var stream = "KAIJU_EVENTS"
    /// How many partitions the Events are spread over.
    public var partitions = 1
    /// The Event property whose value picks the partition (`context.namespace`, where the built-in rules
    /// put it; `payload.host`).
    public var partitionKey = ["context", "namespace"]
    /// This replica's number (kaiju-hl), from 0.
    public var replica = 0
    /// How many kaiju-hl replicas share the partitions (partition p goes to replica p % replicas); 0
    /// learns it from the live replicas' heartbeats (`kaiju.hl.members`), for a replica count an
    /// autoscaler changes.
    public var replicas = 1
    /// How often a replica announces itself when ``replicas`` is learnt; one missing for three
    /// intervals is gone.
    public var heartbeat: Duration = .seconds(1)
    /// Events held while the server does not acknowledge; the oldest are dropped (counted) beyond it.
    public var capacity = 100_000
    /// Most bytes the stream keeps (-1: no limit).
    public var maxBytes: Int64 = -1
    /// Events a module publishes before waiting for their acknowledgements.
    public var publishWindow = 256
    /// Events fetched per batch (kaiju-hl).
    public var batch = 256
    /// How long a fetched Event may stay unacknowledged before JetStream delivers it again (kaiju-hl:
    /// longer than the engine takes for a batch; a killed replica's unacknowledged Events wait this long).
    public var ackWait: Duration = .seconds(30)

    /// JetStream at `options`.
    public init(options: NATSOptions) { self.options = options }

    /// The subject of partition `p`.
    public func subject(_ p: Int) -> String { "kaiju.events.\(p)" }

    /// The partitions replica ``replica`` consumes when `replicas` share them.
    public func partitions(sharedBy replicas: Int) -> [Int] {
        (0..<self.partitions).filter { $0 % max(replicas, 1) == self.replica }
    }

    /// The subject replicas announce themselves on when the replica count is learnt.
    static let membersSubject = "kaiju.hl.members"
    /// Replica numbers heard beyond this are ignored.
    static let maxReplicas = 1024

    /// The stream's configuration.
    var streamConfig: JetStream.StreamConfig {
        var c = JetStream.StreamConfig(name: self.stream, subjects: ["kaiju.events.*"])
        c.maxBytes = self.maxBytes
        return c
    }
}
