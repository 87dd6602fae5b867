import Foundation
import Synchronization

/// One of the built executables running as a child process, its stdout and stderr collected line by line.
final class ServerProcess: Sendable {
    let name: String
    private let process: Process
    private let stdoutLines = LineBuffer()
    private let stderrLines = LineBuffer()

    /// The directory holding the built executables (next to the test bundle).
    static var binDirectory: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if FileManager.default.fileExists(atPath: beside.appendingPathComponent("kaiju-hl").path) { return beside }
        var dir = URL(fileURLWithPath: #filePath)
        while dir.pathComponents.count > 1,
            !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path)
        {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent(".build/debug")
    }

    /// Starts `name` with `arguments`; with `descriptorLimit` it runs under `ulimit -n` of that many.
    /// A source module's OTLP/HTTP and OTLP/gRPC listeners default to 0.0.0.0:4318 and 0.0.0.0:4317 on every
    /// module; tests that do not name them get free loopback ports, so modules running side by side do not collide.
    init(_ name: String, _ arguments: [String], descriptorLimit: Int? = nil) throws {
        var arguments = arguments
        if ["kaiju-metrics", "kaiju-logs", "kaiju-traces"].contains(name), !arguments.contains("--otlp-http") {
            arguments += ["--otlp-http", "127.0.0.1:0"]
        }
        if ["kaiju-metrics", "kaiju-logs", "kaiju-traces"].contains(name), !arguments.contains("--otlp-grpc") {
            arguments += ["--otlp-grpc", "127.0.0.1:0"]
        }
        self.name = name
        let process = Process()
        let binary = Self.binDirectory.appendingPathComponent(name)
        if let descriptorLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -n \(descriptorLimit) && exec \"$0\" \"$@\"", binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        var environment = ProcessInfo.processInfo.environment
        environment["HL_ADDRESS"] = nil
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        self.process = process
        try process.run()
        Self.collect(out.fileHandleForReading, into: self.stdoutLines)
        Self.collect(err.fileHandleForReading, into: self.stderrLines)
    }

    private static func collect(_ handle: FileHandle, into target: LineBuffer) {
        let thread = Thread {
            var pending = Data()
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                pending.append(data)
                while let nl = pending.firstIndex(of: 0x0a) {
                    let line = String(decoding: pending[pending.startIndex..<nl], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...nl)
                    target.lines.withLock { $0.append(line) }
                }
            }
        }
        thread.start()
    }

    var stdout: [String] { self.stdoutLines.lines.withLock { $0 } }
    var stderr: [String] { self.stderrLines.lines.withLock { $0 } }

    /// Waits until `condition` holds or `seconds` pass.
    static func wait(seconds: Double = 15, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }

    /// Waits until `condition` holds or `seconds` pass, sleeping between checks without holding a
    /// thread: async tests use it, so the tasks they wait for (NATS consumers and publishers) keep running
    /// while other suites wait too.
    static func eventually(seconds: Double = 15, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    /// The port a listener reported on stderr (`NAME listening on [IPv4]127.0.0.1/127.0.0.1:PORT`).
    func port(of listener: String) -> Int? {
        var found: Int?
        _ = Self.wait {
            for line in self.stderr where line.contains(": \(listener) listening on ") {
                found = line.split(separator: ":").last.flatMap { Int($0) }
            }
            return found != nil || !self.process.isRunning
        }
        return found
    }

    /// Waits for the process to end by itself; its exit status, or nil if it is still running after `seconds`.
    func exitStatus(within seconds: Double = 60) -> Int32? {
        _ = Self.wait(seconds: seconds) { !self.process.isRunning }
        guard !self.process.isRunning else { return nil }
        self.process.waitUntilExit()
        // The pipes drain on their own threads; give them a moment to reach end of file.
        Thread.sleep(forTimeInterval: 0.2)
        return self.process.terminationStatus
    }

    /// Kills the process with SIGKILL (no shutdown at all) and waits for it to end.
    func kill() {
        if self.process.isRunning { Glibc.kill(self.process.processIdentifier, SIGKILL) }
        self.process.waitUntilExit()
    }

    /// Sends SIGTERM and returns the exit status.
    func terminate() -> Int32 {
        if self.process.isRunning { self.process.terminate() }
        _ = Self.wait(seconds: 10) { !self.process.isRunning }
        if self.process.isRunning {
            Glibc.kill(self.process.processIdentifier, SIGKILL)
            self.process.waitUntilExit()
        }
        return self.process.terminationStatus
    }
}

/// Lines read so far from one pipe, or one socket.
final class LineBuffer: Sendable {
    let lines = Mutex<[String]>([])
}
