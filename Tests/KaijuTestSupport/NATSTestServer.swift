import Foundation

/// A real `nats-server -js` on a free loopback port, with its own store directory (CI installs
/// Debian's nats-server).
public final class NATSTestServer {
    /// The loopback port it listens on.
    public let port: Int
    /// Its JetStream store.
    public let storeDirectory: String
    let arguments: [String]
    private var process: Process?

    /// Starts a server; `auth` are extra flags (`--user u --pass p`, `--auth token`).
    public init(auth: [String] = []) throws {
        self.port = try Self.freePort()
        self.storeDirectory = NSTemporaryDirectory() + "kaiju-nats-\(UUID().uuidString)"
        self.arguments = ["-js", "-a", "127.0.0.1", "-p", "\(self.port)", "-sd", self.storeDirectory] + auth
        try self.start()
    }

    /// The server's executable: Debian installs it in /usr/sbin.
    public static var executable: String? {
        ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Starts (or restarts) the server with the same port and store, and waits until it accepts connections.
    public func start() throws {
        guard let executable = Self.executable else {
            throw TestSetupError("nats-server is not installed (apt-get install nats-server)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = self.arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        self.process = p
        for _ in 0..<100 {
            if let s = try? Socket.connect(port: self.port) {
                s.close()
                return
            }
            usleep(50_000)
        }
        throw TestSetupError("nats-server did not start on port \(self.port)")
    }

    /// Kills the server (SIGKILL: nothing flushed beyond what it has synced).
    public func kill() {
        guard let p = self.process else { return }
        Foundation.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        self.process = nil
    }

    deinit {
        self.kill()
        try? FileManager.default.removeItem(atPath: self.storeDirectory)
    }

    /// A port the system just gave a socket bound to port 0 (then closed).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { _ = Glibc.close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw TestSetupError("no free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

/// A plain TCP connect probe.
enum Socket {
    final class Handle {
        let fd: Int32
        init(_ fd: Int32) { self.fd = fd }
        func close() { _ = Glibc.close(self.fd) }
    }

    static func connect(port: Int) throws -> Handle {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            _ = Glibc.close(fd)
            throw TestSetupError("connect failed")
        }
        return Handle(fd)
    }
}

/// Why a test's server could not be set up.
public struct TestSetupError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}
