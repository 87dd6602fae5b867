import KaijuNATS
import KaijuTestSupport

extension NATSTestServer {
    /// Options connecting to this server.
    var options: NATSOptions { NATSOptions(host: "127.0.0.1", port: self.port, name: "test") }
}
