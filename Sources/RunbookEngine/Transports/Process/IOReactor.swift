#if canImport(Glibc)
import Glibc
#endif
import CProcess
import Foundation
import Synchronization

/// One long-lived thread that waits, with epoll, for every child's pipes and exit, waking the
/// task waiting for each descriptor, and that runs the engine's tasks between two waits (it is
/// their preferred executor: `IOReactor.preference`).
///
/// Replaces swift-subprocess's process monitoring (issue 15): it handed each spawn, exit and
/// chunk of output across a worker thread, a monitor thread and an I/O thread; a fan-out of
/// 1,000 `sh -c true` took 1.37 s of CPU through it against 1.0 s with this design (and 1.0 s
/// for `xargs -P`). Each wait is one-shot: the descriptor is armed when a task waits on it and
/// disarmed by the kernel when the event fires, so no event is lost or delivered twice.
///
/// Running the engine here too saves a hand-off per event: a pipe or pidfd that fires resumes
/// its task on this same thread instead of waking a thread of the cooperative pool (13.8k
/// context switches for a 1,000-host fan-out before, 10.6k after: docs/performance.md, round
/// 7). Nothing here may block for long: blocking calls (fsync, a terminal's answer, the team
/// store's requests) run on threads of their own, and so do spawns (`SpawnThread`).
final class IOReactor: TaskExecutor, Sendable {
    /// The process-wide reactor, or why there is none.
    static let shared: Result<IOReactor, SpawnedProcess.Failure> = Result { () throws(SpawnedProcess.Failure) in
        try IOReactor()
    }

    private struct State {
        var waiting: [Int32: CheckedContinuation<Bool, Never>] = [:]
        /// Descriptors added to the epoll set (re-armed with MOD, not ADD).
        var registered: Set<Int32> = []
        /// Descriptors given up on (`cancel`): every wait for them returns false at once.
        var cancelled: Set<Int32> = []
        /// Tasks' jobs enqueued on this thread as their executor (`enqueue`).
        var tasks: [UnownedJob] = []
        /// True while the thread is (about to be) blocked in epoll: new work must wake it.
        var sleeping = false

        /// Whether the thread was blocked (the caller then wakes it), clearing the mark so that
        /// one wake-up serves everything queued before the thread looks again.
        mutating func takeSleeping() -> Bool {
            defer { sleeping = false }
            return sleeping
        }
    }

    private let epoll: Int32
    /// Written to wake the thread for new tasks' jobs.
    private let wake: Int32
    private let state = Mutex(State())

    private init() throws(SpawnedProcess.Failure) {
        epoll = cprocess_epoll_create()
        guard epoll >= 0 else { throw SpawnedProcess.Failure.system("epoll_create1", errno) }
        wake = cprocess_eventfd()
        guard wake >= 0, cprocess_epoll_watch(epoll, wake) == 0 else {
            throw SpawnedProcess.Failure.system("eventfd", errno)
        }
        // Named from inside: a new thread otherwise keeps its creator's name.
        Thread.detachNewThread { [self] in
            cprocess_name_thread("runbook-io")
            loop()
        }
    }

    /// Runs a task's job on this thread: a task that prefers this executor reads and reaps its
    /// children and does its own work between two waits, with no hand-off per event.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let asleep = state.withLock { state in
            state.tasks.append(job)
            return state.takeSleeping()
        }
        if asleep { cprocess_eventfd_signal(wake) }
    }

    /// Waits until `fd` is readable (or writable), at end of file, or in error. False when it
    /// cannot be waited for, or was cancelled: the caller gives up on the descriptor.
    func wait(for fd: Int32, writable: Bool = false) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            // The continuation is stored before the descriptor is armed: an event that fires at
            // once must find it.
            let first = state.withLock { state -> Bool? in
                if state.cancelled.contains(fd) { return nil }
                state.waiting[fd] = continuation
                return state.registered.insert(fd).inserted
            }
            guard let first else { return continuation.resume(returning: false) }
            if cprocess_epoll_arm(epoll, fd, writable ? 1 : 0, first ? 1 : 0) != 0 {
                let waiter = state.withLock { $0.waiting.removeValue(forKey: fd) }
                waiter?.resume(returning: false)
            }
        }
    }

    /// Gives up on `fd`: a task waiting for it wakes with false, and so does every later wait,
    /// until `forget`. The descriptor must still be open.
    func cancel(_ fd: Int32) {
        let waiter = state.withLock { state in
            state.cancelled.insert(fd)
            return state.waiting.removeValue(forKey: fd)
        }
        waiter?.resume(returning: false)
    }

    /// Removes `fd` from the set; call it before closing the descriptor (its number is reused).
    func forget(_ fd: Int32) {
        let known = state.withLock { state in
            state.cancelled.remove(fd)
            return state.registered.remove(fd) != nil
        }
        if known { _ = cprocess_epoll_remove(epoll, fd) }
    }

    private func loop() {
        var ready = [Int32](repeating: -1, count: 64)
        let executor = asUnownedTaskExecutor()
        // Two buffers swapped under the lock: taking the queued jobs allocates nothing.
        var batch: [UnownedJob] = []
        while true {
            state.withLock { swap(&batch, &$0.tasks) }
            for job in batch { job.runSynchronously(on: executor) }
            batch.removeAll(keepingCapacity: true)
            // Block only when nothing is queued; a job queued after this sees `sleeping` and wakes us.
            let block = state.withLock { state in
                state.sleeping = state.tasks.isEmpty
                return state.sleeping
            }
            let count = cprocess_epoll_wait(epoll, &ready, Int32(ready.count), block ? -1 : 0)
            if block { state.withLock { $0.sleeping = false } }
            if count < 0 {
                if errno == EINTR { continue }
                return
            }
            for index in 0..<Int(count) {
                let fd = ready[index]
                if fd == wake {
                    cprocess_eventfd_drain(wake)
                    continue
                }
                let waiter = state.withLock { $0.waiting.removeValue(forKey: fd) }
                waiter?.resume(returning: true)
            }
        }
    }
}


extension IOReactor {
    /// The executor the engine's tasks prefer (`Task(executorPreference:)`): the reactor's
    /// thread, or nil (the default executor) when it could not start.
    static let preference: (any TaskExecutor)? = try? shared.get()
}
