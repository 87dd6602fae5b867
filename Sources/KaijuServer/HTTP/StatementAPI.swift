import Foundation
import KaijuCodecs
import KaijuCore
import KaijuEPL
import NIOCore
import NIOHTTP1
import Synchronization

/// Rules at run time, on the admin address: list, add (a `statements.txt` line), remove, and on-demand queries.
enum StatementAPI {
    /// `GET /api/statements`: `[{"name","text","listener","eventsIn","rowsOut"}]` in creation order.
    static func list(
        _ request: HTTPIngestRequest,
        pump: EnginePump,
        sinks: StatementSinks
    ) -> EventLoopFuture<HTTPIngestReply> {
        pump.statementCounters().map { infos in
            let texts = sinks.texts.withLock { $0 }
            var w = JSONWriter()
            w.array(infos) { w, info in
                w.object { w in
                    w.key("name", first: true)
                    w.write(info.name)
                    w.key("text")
                    w.write(texts[info.name]?.text ?? "")
                    w.key("listener")
                    w.write(texts[info.name]?.listener ?? "")
                    w.key("eventsIn")
                    w.write(Int64(info.eventsIn))
                    w.key("rowsOut")
                    w.write(Int64(info.rowsOut))
                }
            }
            return Self.json(.ok, w)
        }
    }

    /// `POST /api/statements`, body a `statements.txt` line (`:retentionTime:` replaced as in the rule file):
    /// 201 `{"name":...}`, or 400 with the error and its caret. A body of several statements, or of one with
    /// annotations, is an EPL module: 201 `{"name":first,"names":[...]}`.
    static func add(
        _ request: HTTPIngestRequest,
        pump: EnginePump,
        sinks: StatementSinks,
        retentionTime: String
    ) -> EventLoopFuture<HTTPIngestReply> {
        let line = String(decoding: request.body, as: UTF8.self).trimmingCharacters(in: ["\n", "\r", " "])
        if let module = try? EPLModule(text: line),
            module.statements.count > 1 || module.statements.first?.annotations.isEmpty == false
        {
            return Self.addModule(module, request, pump: pump, sinks: sinks)
        }
        let (file, errors) = StatementsFile.parse(line, retentionTime: retentionTime)
        if let error = errors.first {
            return request.eventLoop.makeSucceededFuture(.text(.badRequest, error.description))
        }
        guard let entry = file.entries.first else {
            return request.eventLoop.makeSucceededFuture(.text(.badRequest, "empty statement"))
        }
        return pump.withRuntime { runtime -> HTTPIngestReply in
            let listener: StatementListener?
            do {
                listener = try sinks.listener(for: entry.listener)
            } catch {
                return .text(.badRequest, "\(error)")
            }
            do {
                let name = try EPL.install(
                    entry.text,
                    in: runtime,
                    name: entry.name,
                    listener: listener,
                    prefix: entry.prefix
                )
                if let name { sinks.remember(name: name, entry: entry) } else { sinks.abandon(entry.listener) }
                var w = JSONWriter()
                w.object { w in
                    w.key("name", first: true)
                    if let name { w.write(name) } else { w.write(Value.null) }
                }
                return Self.json(.created, w)
            } catch let error as EPLSyntaxError {
                sinks.abandon(entry.listener)
                if let limit = error.limit { pump.stats.limitHit(limit) }
                return .text(.badRequest, error.description)
            } catch {
                sinks.abandon(entry.listener)
                return .text(.badRequest, "\(error)")
            }
        }
    }

    /// Installs an EPL module posted to `/api/statements`; `@name`d statements print their rows. On an error
    /// the statements it added are removed again.
    private static func addModule(
        _ module: EPLModule,
        _ request: HTTPIngestRequest,
        pump: EnginePump,
        sinks: StatementSinks
    ) -> EventLoopFuture<HTTPIngestReply> {
        pump.withRuntime { runtime -> HTTPIngestReply in
            var added: [String] = []
            do throws(EPLSyntaxError) {
                var refused: EPLSyntaxError?
                let names = try module.install(in: runtime) { name, statement in
                    added.append(name)
                    do throws(EPLSyntaxError) {
                        guard let entry = try statement.entry(name: name) else { return nil }
                        sinks.remember(name: name, entry: entry)
                        return try? sinks.listener(for: entry.listener)
                    } catch {
                        refused = error
                        return nil
                    }
                }
                if let refused { throw refused }
                var w = JSONWriter()
                w.object { w in
                    w.key("name", first: true)
                    if let first = names.first { w.write(first) } else { w.write(Value.null) }
                    w.key("names")
                    w.array(names) { w, n in w.write(n) }
                }
                return Self.json(.created, w)
            } catch {
                for name in added { runtime.remove(statement: name) }
                if let limit = error.limit { pump.stats.limitHit(limit) }
                return .text(.badRequest, error.description)
            }
        }
    }

    /// `DELETE /api/statements/NAME` (percent-encoded): 204, or 404.
    static func remove(
        _ encoded: String,
        _ request: HTTPIngestRequest,
        pump: EnginePump,
        sinks: StatementSinks
    ) -> EventLoopFuture<HTTPIngestReply> {
        let name = encoded.removingPercentEncoding ?? encoded
        return pump.withRuntime { runtime in runtime.remove(statement: name) }.map { removed in
            guard removed else { return .text(.notFound, "no statement named '\(name)'") }
            sinks.forget(name: name)
            return HTTPIngestReply(.noContent)
        }
    }

    /// `POST /api/query`, body an EPL `select` over a table or named window: 200 with the rows as a JSON array.
    static func query(_ request: HTTPIngestRequest, pump: EnginePump) -> EventLoopFuture<HTTPIngestReply> {
        let text = String(decoding: request.body, as: UTF8.self)
        let plan: StatementPlan
        do {
            guard case .select(let p) = try EPL.parse(text) else {
                return request.eventLoop.makeSucceededFuture(
                    .text(.badRequest, "POST /api/query takes a select statement")
                )
            }
            plan = p
        } catch {
            if let limit = error.limit { pump.stats.limitHit(limit) }
            return request.eventLoop.makeSucceededFuture(.text(.badRequest, error.description))
        }
        return pump.withRuntime { runtime -> HTTPIngestReply in
            do throws(PlanError) {
                let rows = try runtime.query(plan)
                var w = JSONWriter()
                w.array(rows) { w, row in row.encode(to: &w) }
                return Self.json(.ok, w)
            } catch {
                return .text(.badRequest, EPL.positioned(error, in: text).description)
            }
        }
    }

    private static func json(_ status: HTTPResponseStatus, _ w: JSONWriter) -> HTTPIngestReply {
        HTTPIngestReply(status, contentType: "application/json", body: w.bytes)
    }
}
