import Foundation

/// Certificates made with the openssl command for one test: a CA, a server certificate for 127.0.0.1
/// and localhost, and a client certificate, all signed by the CA.
public struct TestCertificates {
    /// The folder holding the files.
    public let directory: String
    /// The CA's certificate (PEM).
    public var ca: String { self.directory + "/ca.pem" }
    /// The server's certificate and key (PEM).
    public var serverCert: String { self.directory + "/server.pem" }
    public var serverKey: String { self.directory + "/server.key" }
    /// The client's certificate and key (PEM).
    public var clientCert: String { self.directory + "/client.pem" }
    public var clientKey: String { self.directory + "/client.key" }

    /// Makes the files in a new temporary folder.
    public init() throws {
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("kaiju-tls-\(UUID())").path
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(
            toFile: self.directory + "/san.ext",
            atomically: true,
            encoding: .utf8
        )
        let steps = [
            "req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=kaiju-test-ca",
            "req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost",
            "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext",
            "req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=kaiju-client",
            "x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2",
        ]
        for step in steps {
            let status = try Self.run(
                "/usr/bin/openssl",
                step.split(separator: " ").map(String.init),
                in: self.directory
            ).status
            guard status == 0 else { throw TestCertificateError(message: "openssl \(step) failed") }
        }
    }

    /// Deletes the folder.
    public func remove() { try? FileManager.default.removeItem(atPath: self.directory) }

    /// Runs a command; its exit status and standard output.
    public static func run(
        _ path: String,
        _ arguments: [String],
        in directory: String? = nil,
        input: String? = nil
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try? inPipe.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A certificate step that failed.
public struct TestCertificateError: Error {
    /// What failed.
    public let message: String
}
