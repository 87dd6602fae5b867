/// A Swift type whose values map to a ``Value``: what typed builder expressions can produce.
public protocol ValueConvertible: Sendable {
    /// The value as the engine sees it.
    var kaijuValue: Value { get }
}

extension Value: ValueConvertible { public var kaijuValue: Value { self } }
extension String: ValueConvertible { public var kaijuValue: Value { .string(self) } }
extension Bool: ValueConvertible { public var kaijuValue: Value { .bool(self) } }
extension Int64: ValueConvertible { public var kaijuValue: Value { .int(self) } }
extension Int32: ValueConvertible { public var kaijuValue: Value { .int(Int64(self)) } }
extension Int: ValueConvertible { public var kaijuValue: Value { .int(Int64(self)) } }
extension Double: ValueConvertible { public var kaijuValue: Value { .double(self) } }
extension ValueMap: ValueConvertible { public var kaijuValue: KaijuCore.Value { .object(self) } }
extension Optional: ValueConvertible where Wrapped: ValueConvertible {
    /// The wrapped value, or `.null`.
    public var kaijuValue: Value { self?.kaijuValue ?? .null }
}
extension Array: ValueConvertible where Element: ValueConvertible {
    /// The elements as an array.
    public var kaijuValue: Value { .array(self.map(\.kaijuValue)) }
}
extension Dictionary: ValueConvertible where Key == String, Value: ValueConvertible {
    /// The entries as a map.
    public var kaijuValue: KaijuCore.Value {
        .object(ValueMap(self.map { ValueMap.Entry(key: $0.key, value: $0.value.kaijuValue) }))
    }
}
extension Tag: ValueConvertible { public var kaijuValue: Value { self.jsonValue } }
extension JaegerProcess: ValueConvertible { public var kaijuValue: Value { self.jsonValue } }
extension Span: ValueConvertible { public var kaijuValue: Value { self.jsonValue } }
extension SpanRef: ValueConvertible { public var kaijuValue: Value { self.jsonValue } }
extension SpanLog: ValueConvertible { public var kaijuValue: Value { self.jsonValue } }

/// Numeric types, which arithmetic and `sum`/`avg`/`stddev` accept. ``Value`` counts: it is checked at run time.
public protocol NumericValue: ValueConvertible {}
extension Int64: NumericValue {}
extension Int32: NumericValue {}
extension Int: NumericValue {}
extension Double: NumericValue {}
extension Value: NumericValue {}
extension Optional: NumericValue where Wrapped: NumericValue {}
