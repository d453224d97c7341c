import Foundation
import Testing
import RunbookCore
import RunbookTerminal

#if os(Linux)
import Glibc

/// A pseudo-terminal: the approver opens the terminal side, the test types on the other.
struct PseudoTerminal {
    let master: Int32
    let device: String

    init() throws {
        // posix_openpt and friends are hidden by Glibc's module map; the Linux ioctls do the same.
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431 /* TIOCSPTLCK */, &unlock) == 0,
            ioctl(master, 0x8004_5430 /* TIOCGPTN */, &number) == 0
        else { throw CocoaError(.fileNoSuchFile) }
        device = "/dev/pts/\(number)"
    }

    func type(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
    }
}

@Suite("TTY approver")
struct TTYApproverTests {
    @Test("only the exact answer approves", arguments: [("yes\n", true), ("y\n", false), ("yes please\n", false)])
    func exactAnswer(typed: String, approved: Bool) async throws {
        let tty = try PseudoTerminal()
        defer { close(tty.master) }
        let approver = TTYApprover(device: tty.device)
        let answer = Task { await approver.confirm(step: "remove", prompt: "Remove member?", expected: "yes") }
        tty.type(typed)
        let result = await answer.value
        if approved {
            guard case .approved = result else { Issue.record("expected approval, got \(result)"); return }
        } else {
            #expect(result == .refused(typed: String(typed.dropLast())))
        }
    }

    @Test("no terminal: the answer is unavailable")
    func noTerminal() async {
        let result = await TTYApprover(device: "/nonexistent/tty").confirm(step: "s", prompt: "p", expected: "yes")
        #expect(result == .unavailable(reason: "no terminal to ask on (use --yes for unattended runs)"))
    }

    @Test("an interrupt while the question is open ends the wait")
    func interrupted() async throws {
        let tty = try PseudoTerminal()
        defer { close(tty.master) }
        let approver = TTYApprover(device: tty.device)
        let answer = Task { await approver.confirm(step: "s", prompt: "p", expected: "yes") }
        answer.cancel()
        #expect(await answer.value == .unavailable(reason: "interrupted while waiting for an answer"))
    }
}
#endif
