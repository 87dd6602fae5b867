import ArgumentParser
import Foundation
import KaijuCodecs
import KaijuCommandLine
import KaijuServer

/// kaiju: manages a running Kaiju server's rules through its admin address.
@main
struct KaijuCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaiju",
        abstract: "Lists, adds and removes a running Kaiju server's statements, and runs on-demand queries.",
        discussion:
            "Talks to the server's --admin address (GET/POST /api/statements, DELETE /api/statements/NAME, POST /api/query).",
        subcommands: [List.self, Add.self, Remove.self, Query.self]
    )

    struct Admin: ParsableArguments {
        @Option(help: "The server's admin HOST:PORT.")
        var admin = AddressOption(host: "127.0.0.1", port: 9278)

        @Option(help: "File whose first line is the admin bearer token (default: $KAIJU_ADMIN_TOKEN).")
        var tokenFile: String?

        @Option(help: "PEM CA bundle to verify a TLS admin address against (TLS is used when any --tls-* is given).")
        var tlsCa: String?

        @Option(help: "PEM client certificate for an admin address that requires one.")
        var tlsCert: String?

        @Option(help: "PEM private key of --tls-cert.")
        var tlsKey: String?
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prints the running statements as JSON (name, text, listener, eventsIn, rowsOut)."
        )
        @OptionGroup var admin: Admin
        func run() async throws { try await KaijuCLI.call(self.admin, "GET", "/api/statements") }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Adds a statement, written as a statements.txt line.",
            discussion: "Example: kaiju add \"listener:simple,name:slow=select * from Span(duration > 1000000)\""
        )
        @OptionGroup var admin: Admin
        @Argument(help: "key:value,...=STATEMENT, or a bare statement.")
        var line: String
        func run() async throws { try await KaijuCLI.call(self.admin, "POST", "/api/statements", self.line) }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stops and removes a statement by name.")
        @OptionGroup var admin: Admin
        @Argument var name: String
        func run() async throws {
            let encoded =
                self.name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? self.name
            try await KaijuCLI.call(self.admin, "DELETE", "/api/statements/\(encoded)")
        }
    }

    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Runs an on-demand select over a table or named window; prints the rows as JSON."
        )
        @OptionGroup var admin: Admin
        @Argument(help: "A select statement.")
        var statement: String
        func run() async throws { try await KaijuCLI.call(self.admin, "POST", "/api/query", self.statement) }
    }

    /// Sends the request, prints the body, and fails (exit 1) on an error status.
    static func call(_ admin: Admin, _ method: String, _ path: String, _ body: String = "") async throws {
        guard let address = admin.admin.address else { throw ValidationError("--admin cannot be none") }
        let token = try Secret.resolve(value: nil, file: admin.tokenFile, environment: "KAIJU_ADMIN_TOKEN")
        let files = TLSFiles(certificate: admin.tlsCert, privateKey: admin.tlsKey, certificateAuthority: admin.tlsCa)
        let tls = files == TLSFiles() ? nil : try files.clientContext()
        let reply = try await AdminClient.request(
            address,
            method: method,
            path: path,
            body: body,
            token: token,
            tls: tls
        )
        if !reply.body.isEmpty { print(reply.body.hasSuffix("\n") ? String(reply.body.dropLast()) : reply.body) }
        guard (200..<300).contains(reply.status) else { throw ExitCode.failure }
    }
}
