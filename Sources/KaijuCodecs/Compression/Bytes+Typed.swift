extension Array where Element == UInt8 {
    /// `withUnsafeBytes` keeping the thrown error typed.
    func withRawBytes<T>(_ body: (UnsafeRawBufferPointer) throws(IngestError) -> T) throws(IngestError) -> T {
        let result: Result<T, IngestError> = self.withUnsafeBytes { raw in
            do throws(IngestError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
