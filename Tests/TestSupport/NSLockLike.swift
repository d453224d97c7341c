import Foundation

/// A lock with a closure API for test helpers.
public final class NSLockLike: @unchecked Sendable {
    private let lock = NSLock()
    public init() {}
    public func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
