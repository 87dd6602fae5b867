import KaijuCodecs
import KaijuCore

/// Collects what a ``StreamDecoder`` yields over several reads.
final class StreamDecoderProbe {
    struct Result: Equatable {
        var items: [InputEvent] = []
        var acks: [[UInt8]] = []
        var replies: [[UInt8]] = []
        var errors: [String] = []
        var skipped = 0
        var fatal: String?
    }

    let decoder: StreamDecoder
    var result = Result()

    init(_ decoder: StreamDecoder) { self.decoder = decoder }

    static func make(limits: IngestLimits = IngestLimits(), handshake: ForwardHandshake? = nil) -> StreamDecoderProbe {
        StreamDecoderProbe(StreamDecoder(limits: limits, handshake: handshake))
    }

    func feed(_ bytes: [UInt8]) {
        guard self.result.fatal == nil else { return }
        let out = bytes.withUnsafeBytes { self.decoder.feed($0, receivedAt: 99) }
        self.absorb(out)
    }

    func finish() {
        guard self.result.fatal == nil else { return }
        self.absorb(self.decoder.finish(receivedAt: 99))
    }

    private func absorb(_ out: StreamDecoder.Output) {
        self.result.items += out.items
        self.result.acks += out.acks
        self.result.replies += out.replies
        self.result.errors += out.errors.map(\.description)
        self.result.skipped += out.skipped
        if let f = out.fatal { self.result.fatal = f.description }
    }
}

/// Feeds `bytes` to a fresh decoder split at `cut` (two reads), then finishes the stream.
func decodeStream(_ bytes: [UInt8], splitAt cut: Int, make: () -> StreamDecoderProbe) -> StreamDecoderProbe.Result {
    let probe = make()
    probe.feed(Array(bytes[..<cut]))
    probe.feed(Array(bytes[cut...]))
    probe.finish()
    return probe.result
}
