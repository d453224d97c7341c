#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Standard output or error, written with `write(2)`.
///
/// A reader that went away (`runbook run … | head`, a log shipper that died) is an event, not a
/// crash: Foundation's `FileHandle.write` traps on EPIPE, and SIGPIPE would end the process in
/// the middle of a step. The first failed write calls the `onClosed` handler once (`run` stops
/// like on SIGHUP, resumably); later writes are dropped.
public final class StandardStream: Sendable {
    public static let output = StandardStream(descriptor: STDOUT_FILENO)
    public static let error = StandardStream(descriptor: STDERR_FILENO)

    private struct State {
        var closed = false
        var onClosed: (@Sendable () -> Void)?
    }

    private let descriptor: Int32
    private let state = Mutex(State())

    private init(descriptor: Int32) {
        // A write to a pipe nobody reads must fail with EPIPE, not kill runbook. Children get
        // default dispositions back when they are spawned.
        _ = signal(SIGPIPE, SIG_IGN)
        self.descriptor = descriptor
    }

    /// True once a write failed: nothing more is written.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Called once, on the first failed write (from the writing thread); replaces any earlier one.
    public func onClosed(_ handler: @escaping @Sendable () -> Void) {
        state.withLock { $0.onClosed = handler }
    }

    /// Writes all of `text`, or marks the stream closed when the descriptor refuses it.
    public func write(_ text: String) {
        guard !isClosed else { return }
        var text = text
        let written = text.withUTF8 { writeAll($0) }
        guard !written else { return }
        let handler = state.withLock { state -> (@Sendable () -> Void)? in
            guard !state.closed else { return nil }
            state.closed = true
            defer { state.onClosed = nil }
            return state.onClosed
        }
        handler?()
    }

    private func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard var next = bytes.baseAddress else { return true }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(descriptor, next, left)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            next += n
            left -= n
        }
        return true
    }
}
