/// An immutable value kept out of line, compared and hashed by its contents: for a large field
/// that most values leave empty (`Step.verify`), so that it costs one pointer where it is absent.
final class Boxed<Value: Sendable & Hashable>: Sendable, Hashable {
    let value: Value

    init(_ value: Value) { self.value = value }

    static func == (lhs: Boxed, rhs: Boxed) -> Bool { lhs.value == rhs.value }

    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
