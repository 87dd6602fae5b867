internal import Crypto

/// The Forward protocol's optional shared-key handshake (server side): HELO, then PING checked, then PONG.
public struct ForwardHandshake: Sendable {
    /// The key both sides were configured with.
    public let sharedKey: String
    /// The name this server reports in PONG.
    public let hostname: String
    /// The random nonce sent in HELO.
    public let nonce: [UInt8]

    /// A handshake for `sharedKey`, answering as `hostname`; `nonce` is random unless given (tests).
    public init(sharedKey: String, hostname: String, nonce: [UInt8]? = nil) {
        self.sharedKey = sharedKey
        self.hostname = hostname
        self.nonce = nonce ?? (0..<16).map { _ in UInt8.random(in: 0...255) }
    }

    /// `["HELO", {"nonce": nonce, "auth": "", "keepalive": true}]`.
    public var helo: [UInt8] {
        var w = MsgPackWriter()
        w.writeArrayHeader(2)
        w.writeString("HELO")
        w.writeMapHeader(3)
        w.writeString("nonce")
        w.writeBinary(self.nonce)
        w.writeString("auth")
        w.writeString("")
        w.writeString("keepalive")
        w.writeBool(true)
        return w.bytes
    }

    /// The outcome of a PING: the PONG to send and whether the client may go on.
    public struct Reply: Sendable {
        /// The PONG message to send back.
        public var pong: [UInt8]
        /// Whether the client proved it knows the shared key.
        public var accepted: Bool
        /// Why the client was refused (empty when accepted).
        public var reason: String
    }

    /// Checks a PING frame and builds the PONG.
    public func answer(ping frame: UnsafeRawBufferPointer) -> Reply {
        var r = MsgPackReader(frame)
        var clientHost = ""
        var salt: [UInt8] = []
        var digest = ""
        let parsed: Bool
        do throws(IngestError) {
            let n = try r.readArrayCount()
            guard n >= 4, try r.readString() == "PING" else { throw r.error("not a PING") }
            clientHost = try r.readString()
            switch try r.readItem() {
            case .str(let range), .bin(let range): salt = r.data(range)
            default: throw r.error("PING salt is not a string")
            }
            digest = try r.readString()
            parsed = true
        } catch {
            parsed = false
        }
        guard parsed else { return self.refuse("malformed PING") }
        guard clientHost != self.hostname else { return self.refuse("same hostname as the server") }
        let expected = Self.hexSHA512(salt + Array(clientHost.utf8) + self.nonce + Array(self.sharedKey.utf8))
        guard ConstantTime.equal(Array(digest.lowercased().utf8), Array(expected.utf8)) else {
            return self.refuse("shared_key mismatch")
        }
        var w = MsgPackWriter()
        w.writeArrayHeader(5)
        w.writeString("PONG")
        w.writeBool(true)
        w.writeString("")
        w.writeString(self.hostname)
        w.writeString(Self.hexSHA512(salt + Array(self.hostname.utf8) + self.nonce + Array(self.sharedKey.utf8)))
        return Reply(pong: w.bytes, accepted: true, reason: "")
    }

    private func refuse(_ reason: String) -> Reply {
        var w = MsgPackWriter()
        w.writeArrayHeader(5)
        w.writeString("PONG")
        w.writeBool(false)
        w.writeString(reason)
        w.writeString("")
        w.writeString("")
        return Reply(pong: w.bytes, accepted: false, reason: reason)
    }

    /// Lower-case hex of SHA-512.
    public static func hexSHA512(_ bytes: [UInt8]) -> String {
        SHA512.hash(data: bytes).lowercaseHex
    }
}
