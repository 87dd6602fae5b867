public import KaijuCore

/// `count(*)`: events in the window (of the group).
public func count() -> Expr<Int64> { Expr(.aggregate(.count, nil)) }
/// `count(expr)`: non-null values.
public func count<T>(_ e: Expr<T>) -> Expr<Int64> { Expr(.aggregate(.count, e.node)) }
/// `sum(expr)`: null when no values.
public func sum<T: NumericValue>(_ e: Expr<T>) -> Expr<Value> { Expr(.aggregate(.sum, e.node)) }
/// `avg(expr)`: null when no values.
public func avg<T: NumericValue>(_ e: Expr<T>) -> Expr<Double?> { Expr(.aggregate(.avg, e.node)) }
/// `min(expr)`.
public func min<T>(_ e: Expr<T>) -> Expr<T?> { Expr(.aggregate(.min, e.node)) }
/// `max(expr)`.
public func max<T>(_ e: Expr<T>) -> Expr<T?> { Expr(.aggregate(.max, e.node)) }
/// `stddev(expr)`: sample standard deviation, null below two values.
public func stddev<T: NumericValue>(_ e: Expr<T>) -> Expr<Double?> { Expr(.aggregate(.stddev, e.node)) }
/// `first(expr)`: the value of the oldest event in the window.
public func first<T>(_ e: Expr<T>) -> Expr<T?> { Expr(.aggregate(.first, e.node)) }
/// `last(expr)`: the value of the newest event in the window.
public func last<T>(_ e: Expr<T>) -> Expr<T?> { Expr(.aggregate(.last, e.node)) }
