import Foundation

/// A real `nats-server -js` on a free loopback port, with its own store directory (CI installs
/// Debian's nats-server).
public final class NATSTestServer {
    let server: ExternalServer

    /// The loopback port it listens on.
    public var port: Int { self.server.port }

    /// Starts a server; `auth` are extra flags (`--user u --pass p`, `--auth token`).
    public init(auth: [String] = []) throws {
        self.server = try ExternalServer(
            candidates: ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"],
            package: "nats-server"
        ) { port, directory in ["-js", "-a", "127.0.0.1", "-p", "\(port)", "-sd", directory] + auth }
    }

    /// Starts (or restarts) the server with the same port and store, and waits until it accepts connections.
    public func start() throws { try self.server.start() }

    /// Kills the server (SIGKILL: nothing flushed beyond what it has synced).
    public func kill() { self.server.kill() }
}

/// A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`) on a free loopback port, with a
/// route to no receiver, its own storage and no cluster.
public final class AlertmanagerTestServer {
    let server: ExternalServer

    /// The loopback port its API listens on.
    public var port: Int { self.server.port }

    /// Starts one.
    public init() throws {
        self.server = try ExternalServer(
            candidates: ["/usr/bin/prometheus-alertmanager", "/usr/local/bin/alertmanager"],
            package: "prometheus-alertmanager"
        ) { port, directory in
            let config = directory + "/alertmanager.yml"
            let text = "route:\n  receiver: none\nreceivers:\n  - name: none\n"
            _ = FileManager.default.createFile(atPath: config, contents: Data(text.utf8))
            return [
                "--config.file=\(config)", "--storage.path=\(directory)/data",
                "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
            ]
        }
    }
}

/// A real Prometheus (Debian's `prometheus`) on a free loopback port scraping `targets` every second,
/// remote-writing what it scrapes to `remoteWrite` (flushed every second), with its own TSDB.
public final class PrometheusTestServer {
    let server: ExternalServer

    /// The loopback port its API listens on.
    public var port: Int { self.server.port }

    /// Starts one; `targets` are `host:port` scraped under job `scraped` (its own API under job `self`).
    public init(targets: [String] = [], remoteWrite: String? = nil) throws {
        self.server = try ExternalServer(
            candidates: ["/usr/bin/prometheus", "/usr/local/bin/prometheus"],
            package: "prometheus"
        ) { port, directory in
            var text = """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: self
                    static_configs:
                      - targets: ["127.0.0.1:\(port)"]

                """
            if !targets.isEmpty {
                text += """
                      - job_name: scraped
                        static_configs:
                          - targets: [\(targets.map { "\"\($0)\"" }.joined(separator: ", "))]

                    """
            }
            if let remoteWrite {
                text += """
                    remote_write:
                      - url: \(remoteWrite)
                        queue_config:
                          batch_send_deadline: 1s
                          min_backoff: 100ms

                    """
            }
            let config = directory + "/prometheus.yml"
            _ = FileManager.default.createFile(atPath: config, contents: Data(text.utf8))
            return [
                "--config.file=\(config)", "--storage.tsdb.path=\(directory)/data",
                "--web.listen-address=127.0.0.1:\(port)",
            ]
        }
    }
}

/// A real `prometheus-node-exporter` (Debian's) on a free loopback port.
public final class NodeExporterTestServer {
    let server: ExternalServer

    /// The loopback port its `/metrics` listens on.
    public var port: Int { self.server.port }

    /// Starts one.
    public init() throws {
        self.server = try ExternalServer(
            candidates: ["/usr/bin/prometheus-node-exporter", "/usr/local/bin/node_exporter"],
            package: "prometheus-node-exporter"
        ) { port, _ in ["--web.listen-address=127.0.0.1:\(port)"] }
    }
}
