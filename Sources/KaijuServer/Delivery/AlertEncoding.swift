import KaijuCore

/// Statement rows as Alertmanager API v2 alerts (`POST /api/v2/alerts`): labels are `alertname` (the
/// statement's name) and the row's string columns, annotations its other non-null columns (as text),
/// `startsAt` the delivery's engine time, `endsAt` that plus the resolve delay, `generatorURL` the
/// statement's page on the admin API when a base is known.
struct AlertEncoding: Sendable {
    /// How long after its row an alert resolves unless a new row fires it again.
    let resolveAfter: Int64
    /// The admin API's base URL (`http://host:port`), for `generatorURL`.
    let generatorBase: String?

    /// One alert per new row of `output`, each as its JSON object's bytes.
    func alerts(_ output: StatementOutput) -> [[UInt8]] {
        let starts = RFC3339.format(milliseconds: output.time)
        let ends = RFC3339.format(milliseconds: output.time &+ self.resolveAfter)
        return output.rows.map { row in
            var w = JSONWriter()
            w.object { w in
                w.key("labels", first: true)
                w.object { w in
                    w.key("alertname", first: true)
                    w.write(output.statement)
                    for (column, value) in zip(row.columns, row.values) {
                        guard case .string(let text) = value, let name = Self.labelName(column), name != "alertname"
                        else { continue }
                        w.key(name)
                        w.write(text)
                    }
                }
                w.key("annotations")
                w.object { w in
                    var first = true
                    for (column, value) in zip(row.columns, row.values) {
                        if case .string = value { continue }
                        if value == .null { continue }
                        guard let name = Self.labelName(column) else { continue }
                        w.key(name, first: first)
                        first = false
                        w.write(value.jsonString)
                    }
                }
                w.key("startsAt")
                w.write(starts)
                w.key("endsAt")
                w.write(ends)
                if let base = self.generatorBase {
                    w.key("generatorURL")
                    w.write(base + "/api/statements/" + Self.percentEncoded(output.statement))
                }
            }
            return w.bytes
        }
    }

    /// `column` as a Prometheus label name (`[a-zA-Z_][a-zA-Z0-9_]*`, other characters as `_`), or
    /// `nil` when empty.
    static func labelName(_ column: String) -> String? {
        guard !column.isEmpty else { return nil }
        var out = ""
        for (i, c) in column.unicodeScalars.enumerated() {
            let ok = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" || (i > 0 && c >= "0" && c <= "9")
            out.unicodeScalars.append(ok ? c : "_")
        }
        return out
    }

    /// `text` with everything but unreserved URL characters percent-encoded.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Unicode.Scalar(byte)
            if (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9")
                || "-._~".unicodeScalars.contains(c)
            {
                out.unicodeScalars.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}

/// Statement rows for a webhook: each as the `simple` listener prints it (`{"statement":NAME,"row":{...}}`,
/// `"old"` for remove-stream rows), a batch posted as a JSON array of them.
enum WebhookEncoding {
    /// One item per row of `output`, new rows first.
    static func items(_ output: StatementOutput) -> [[UInt8]] { output.jsonLines.map { Array($0.utf8) } }
}

/// Items that are each one JSON value's bytes, posted together as one JSON array.
enum JSONArrayBody {
    /// `[item,item,...]`.
    static func join(_ items: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(items.reduce(2) { $0 + $1.count + 1 })
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += item
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}
