import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The simulator's state file, `<simdir>/state.json`, read and written under an flock so that
/// tools run by parallel steps never lose each other's changes.
public struct StateStore: Sendable {
    /// The simulator directory.
    public let directory: String

    /// Creates a value with every field given.
    public init(directory: String) { self.directory = directory }

    var statePath: String { SimLayout(directory: directory).statePath }
    var lockPath: String { SimLayout(directory: directory).lockPath }

    /// The current state, read under a shared lock.
    /// - Throws: `SimError.io` when the file is missing or not valid.
    public func read() throws -> ClusterState {
        try withLock(exclusive: false) { try load() }
    }

    /// Runs `body` on the state under an exclusive lock and saves the result when `body` returns,
    /// also when it throws a `ToolExit` (a command that fails part-way keeps its partial effects, like
    /// a real drain that cordons and then refuses). Any other error leaves the file untouched.
    public func update<T>(_ body: (inout ClusterState) throws -> T) throws -> T {
        try withLock(exclusive: true) { () throws -> T in
            var state = try load()
            let before = state
            do {
                let result = try body(&state)
                if state != before { try save(state) }
                return result
            } catch let exit as ToolExit {
                if state != before { try save(state) }
                throw exit
            }
        }
    }

    /// Replaces the state (used by `SimCluster.create` and `reset`).
    public func replace(with state: ClusterState) throws {
        try withLock(exclusive: true) { try save(state) }
    }

    private func load() throws(SimError) -> ClusterState {
        guard let data = FileManager.default.contents(atPath: statePath) else {
            throw SimError.io("\(statePath): no simulator state (run `runbook sim init \(directory)`)")
        }
        do { return try Self.decoder.decode(ClusterState.self, from: data) } catch {
            throw SimError.io("\(statePath): invalid simulator state: \(error)")
        }
    }

    private func save(_ state: ClusterState) throws(SimError) {
        do {
            let data = try Self.encoder.encode(state)
            let tmp = statePath + ".tmp.\(getpid())"
            try data.write(to: URL(fileURLWithPath: tmp))
            guard rename(tmp, statePath) == 0 else { throw SimError.io("cannot replace \(statePath)") }
        } catch let e as SimError { throw e } catch {
            throw SimError.io("cannot write \(statePath): \(error)")
        }
    }

    private func withLock<T>(exclusive: Bool, _ body: () throws -> T) throws -> T {
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SimError.io("cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0 {
            guard errno == EINTR else { throw SimError.io("cannot lock \(lockPath)") }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()
}

/// A tool's way to end with an exit code after printing its own message; the state changes made so
/// far are kept.
public struct ToolExit: Error, Sendable, Hashable {
    /// The exit code.
    public var code: Int32
    /// Creates a value with every field given.
    public init(_ code: Int32) { self.code = code }
}
