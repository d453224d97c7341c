import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunbookEngine

/// Asks the operator on the controlling terminal (`/dev/tty`, not stdin, so piped input can
/// never approve anything). Only the exact expected answer approves.
public struct TTYApprover: Approver {
    /// The terminal device; tests may point it elsewhere.
    public var device: String

    public init(device: String = "/dev/tty") { self.device = device }

    public func confirm(step: String, prompt: String, expected: String) async -> ApprovalAnswer {
        await confirm(step: step, prompt: prompt, expected: expected, shown: expected)
    }

    /// Asks with the expected answer shown as `shown`: a secret answer is typed, never displayed.
    public func confirm(step: String, prompt: String, expected: String, shown: String) async -> ApprovalAnswer {
        let device = self.device
        let cancelled = CancelFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Reading a terminal blocks; keep it off the cooperative pool.
                DispatchQueue.global().async {
                    continuation.resume(returning: Self.ask(device: device, step: step, prompt: prompt,
                                                            expected: expected, shown: shown, cancelled: cancelled))
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }

    /// Set when the run is interrupted while the question is open.
    final class CancelFlag: @unchecked Sendable {
        // NSLock guards `value`.
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    private static func ask(device: String, step: String, prompt: String, expected: String, shown: String,
                            cancelled: CancelFlag) -> ApprovalAnswer {
        let fd = open(device, O_RDWR | O_NOCTTY)
        guard fd >= 0 else {
            return .unavailable(reason: "no terminal to ask on (use --yes for unattended runs)")
        }
        defer { close(fd) }
        // A secret answer (shown masked) is typed without echo, like a password: the terminal
        // would otherwise display what the operator types.
        let hidden = shown != expected
        var saved = termios()
        let echoOff = hidden && tcgetattr(fd, &saved) == 0
        if echoOff {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(fd, TCSANOW, &quiet)
        }
        defer {
            if echoOff {
                _ = tcsetattr(fd, TCSANOW, &saved)
                _ = write(fd, "\n", 1)
            }
        }
        let question = "\n? \(step): \(prompt)\n  Type '\(shown)' to continue (anything else stops the run"
            + (hidden ? "; your typing is not shown): " : "): ")
        _ = question.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            // Poll so an interrupt (SIGINT while the question is open) ends the wait.
            var pending = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pending, 1, 200)
            if cancelled.isSet { return .unavailable(reason: "interrupted while waiting for an answer") }
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            let n = read(fd, &byte, 1)
            if n <= 0 { return .unavailable(reason: "the terminal closed") }
            if byte == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        var typed = String(decoding: line, as: UTF8.self)
        if typed.hasSuffix("\r") { typed.removeLast() }
        return typed == expected ? .approved(by: "\(NSUserName()) at \(device)") : .refused(typed: typed)
    }
}
