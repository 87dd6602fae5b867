extension Runtime {
    /// Sends a Jaeger batch as the original did: the `Batch` event first, then one `Span` event per span
    /// (so a statement on `Batch` sees state before the batch's spans change it).
    public func send(batchAndSpans batch: Batch) {
        self.send(batch)
        for span in batch.spans { self.send(span) }
    }
}
