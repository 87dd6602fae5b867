import ArgumentParser
import Foundation
import KaijuCodecs
import KaijuCommandLine
import KaijuEPL
import KaijuServer

/// kaiju: manages a running Kaiju server's rules through its admin address.
@main
struct KaijuCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kaiju",
        abstract:
            "Lists, adds and removes a running Kaiju server's statements, runs on-demand queries, and runs rules over a recording.",
        discussion:
            "list/add/remove/query talk to the server's --admin address (GET/POST /api/statements, DELETE /api/statements/NAME, POST /api/query); run needs no server.",
        subcommands: [List.self, Add.self, Remove.self, Query.self, Run.self]
    )

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Runs rules over a recording on the virtual clock and prints each named statement's rows.",
            discussion: """
                RULES is an Esper EPL module (statements separated by ';', @name('x') names a statement) or a \
                statements.txt (a .txt file). INPUT is a recording: {"at":MS,"type":"TYPE","event":{...}} per line, \
                TYPE a built-in or declared type. Time starts at the first line's at; timers fire at their own \
                due times; after the last line time advances to --until. Prints {"at":MS,"statement":"NAME","row":{...}} \
                per row of each named statement.
                """
        )
        @Argument(help: "The rules: an EPL module, or a statements.txt.")
        var rules: String
        @Argument(help: "The recording (ndjson).")
        var input: String
        @Option(help: "Engine time (ms) to advance to after the last input line.")
        var until: Int64?

        func run() throws {
            do {
                try RunMain.run(rules: self.rules, input: self.input, until: self.until)
            } catch let error as EPLSyntaxError {
                FileHandle.standardError.write(Data("kaiju run: \(self.rules): \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }

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
