import CProcess
import Dispatch
import Foundation
import Synchronization

/// One long-lived thread that starts every child (`posix_spawn`).
///
/// Long-lived because a child's "parent" for `PR_SET_PDEATHSIG` is the thread that created it,
/// and the cooperative pool ends idle threads after a few seconds: `bwrap --die-with-parent`
/// (the simulator's sandbox) then killed the sandboxed command 5 s into a step
/// (`GrowDockerStorageRehearsalTests` caught it). Its own thread, not the reactor's, because
/// glibc's `posix_spawn` holds its caller until the child has called `exec`: on the reactor's
/// thread, which also runs the engine, every spawn stopped the engine and every other child's
/// I/O for the length of an `exec` (issue 15).
final class SpawnThread: Sendable {
    static let shared = SpawnThread()

    private let queue = Mutex<[@Sendable () -> Void]>([])
    private let queued = DispatchSemaphore(value: 0)

    private init() {
        // Named from inside: a new thread otherwise keeps its creator's name.
        Thread.detachNewThread { [self] in
            cprocess_name_thread("runbook-spawn")
            loop()
        }
    }

    /// Runs `work` on the spawning thread and returns its result.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.withLock { $0.append { continuation.resume(returning: work()) } }
            queued.signal()
        }
    }

    private func loop() {
        while true {
            queued.wait()
            let jobs = queue.withLock { jobs in
                defer { jobs.removeAll(keepingCapacity: true) }
                return jobs
            }
            for job in jobs { job() }
        }
    }
}
