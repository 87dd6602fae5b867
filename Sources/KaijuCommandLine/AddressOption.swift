public import ArgumentParser
public import KaijuServer

/// An address flag's value: `HOST:PORT` (`[v6]:PORT` too), or `none` to disable what it is for.
/// Parsed once, when the flags are; a bad value is refused with the flag's name.
public struct AddressOption: ExpressibleByArgument, Sendable, CustomStringConvertible {
    /// The address, or `nil` for `none`.
    public let address: BindAddress?

    /// An address given in code (a flag's default).
    /// - Parameters:
    ///   - host: The host or IP literal.
    ///   - port: The port.
    public init(host: String, port: Int) { self.address = BindAddress(host: host, port: port) }

    /// `none`: disabled unless the flag is given.
    public static let none = AddressOption(disabled: ())

    private init(disabled: Void) { self.address = nil }

    /// Parses a flag's text.
    /// - Parameter argument: `HOST:PORT` or `none`.
    public init?(argument: String) {
        if argument == "none" {
            self.address = nil
        } else if let address = try? BindAddress(parsing: argument) {
            self.address = address
        } else {
            return nil
        }
    }

    /// `HOST:PORT`, or `none`.
    public var description: String { self.address?.description ?? "none" }
}
