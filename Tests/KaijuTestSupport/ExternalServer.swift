import Foundation

/// A real server program (nats-server, Alertmanager, ...) on a free loopback port with its own
/// directory, started and killed by a test (CI installs Debian's packages).
public final class ExternalServer {
    /// The loopback port it listens on.
    public let port: Int
    /// Its own directory (store, data), removed when it goes.
    public let directory: String
    /// The program.
    let executable: String
    /// The arguments it runs with.
    let arguments: [String]
    private var process: Process?

    /// Starts the first of `candidates` that is installed (`package` names the Debian package for the
    /// error) with the arguments `arguments(port, directory)`.
    public init(
        candidates: [String],
        package: String,
        arguments: (_ port: Int, _ directory: String) -> [String]
    ) throws {
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestSetupError("\(package) is not installed (apt-get install \(package))")
        }
        self.executable = executable
        self.port = try Self.freePort()
        self.directory = NSTemporaryDirectory() + "kaiju-\(package)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        self.arguments = arguments(self.port, self.directory)
        try self.start()
    }

    /// Starts (or restarts) the server with the same port and directory, and waits until it accepts connections.
    public func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: self.executable)
        p.arguments = self.arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        self.process = p
        for _ in 0..<200 {
            if let s = try? Socket.connect(port: self.port) {
                s.close()
                return
            }
            usleep(50_000)
        }
        throw TestSetupError("\(self.executable) did not start on port \(self.port)")
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
        try? FileManager.default.removeItem(atPath: self.directory)
    }

    /// A port the system just gave a socket bound to port 0 (then closed).
    static func freePort() throws -> Int {
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
    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
