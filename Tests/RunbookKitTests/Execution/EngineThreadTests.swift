import Foundation
import Synchronization
import Testing
import TestSupport
@testable import RunbookCore
@testable import RunbookEngine

/// Issue 15: the engine ran on the cooperative pool and every pipe or pidfd event on the I/O
/// thread woke a pool thread to resume its task (13.8k context switches for a 1,000-host
/// fan-out; 10.6k now). The engine's tasks now prefer the I/O thread as their executor, so an
/// event resumes its task on the thread that saw it; spawns, which hold their thread until the
/// child's `exec`, have a thread of their own.
@Suite("The engine runs on the I/O thread")
struct EngineThreadTests {
    @Test("events of steps run in parallel are reported from the runbook-io thread")
    func engineWorkRunsOnTheReactorThread() async throws {
        let h = try EngineHarness()
        let reporter = ThreadRecordingProgress()
        let runbook = Runbook.test([.run("a", "echo a"), .run("b", "echo b", needs: []), .run("c", "true", needs: ["a", "b"])])
        let engine = Engine(runbook: runbook, params: [:], inventory: .empty, transports: TransportFactory(),
                            recorder: h.recorder, approver: FixedApprover(.refused(typed: "")), reporter: reporter,
                            outputs: RunDirectoryOutputStore(directory: h.directory.appendingPathComponent("run")),
                            options: EngineOptions(gracePeriod: .init(milliseconds: 300), clock: h.clock))
        let outcome = await engine.run()
        #expect(outcome.status == .succeeded)
        let seen = reporter.threads
        // Three steps: each reports stepStarted, attemptStarted, attemptProcess, attemptFinished, stepSucceeded.
        #expect(seen.filter { $0.event == "stepSucceeded" }.count == 3)
        #expect(Set(seen.map(\.thread)) == ["runbook-io"], "\(seen)")
    }
}

/// Records the name of the thread each step event is reported on.
private final class ThreadRecordingProgress: ProgressReporter {
    private let seen = Mutex<[(event: String, thread: String)]>([])

    var threads: [(event: String, thread: String)] { seen.withLock { $0 } }

    func report(_ event: RunEvent) async {
        guard event.step != nil else { return }
        let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "?"
        seen.withLock { $0.append((event.kind.rawValue, name.trimmingCharacters(in: .newlines))) }
    }
}
