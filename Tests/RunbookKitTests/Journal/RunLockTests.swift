import Foundation
import Testing
import TestSupport
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine

@Suite("Run locks")
struct RunLockTests {
    @Test("a second lock on one scope is busy and names the holder run and pid")
    func busy() throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        let first = try RunLock.lockScope("cluster", stateDirectory: dir, holder: .current(run: "run-A"))
        let error = try #require(throws: LockBusy.self) {
            try RunLock.lockScope("cluster", stateDirectory: dir, holder: .current(run: "run-B"))
        }
        #expect(error.holder?.run == "run-A")
        #expect(error.holder?.pid == getpid())
        #expect(!error.stale)
        #expect(error.diagnostic.message.hasPrefix("lock scope 'cluster' is locked by run run-A (pid \(getpid()) on "))
        first.release()
        let second = try RunLock.lockScope("cluster", stateDirectory: dir, holder: .current(run: "run-B"))
        #expect(second.previousHolder == nil)
        // --break-lock never takes a lock from a live holder.
        #expect(throws: LockBusy.self) {
            try RunLock.lockScope("cluster", stateDirectory: dir, holder: .current(run: "run-C"), breakLock: true)
        }
    }

    @Test("a holder whose process is gone is stale; --break-lock takes the lock and reports whom it broke")
    func stale() throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        let dead = try deadPID()
        let ghost = LockHolder(pid: dead, host: LockHolder.localHostName(), run: "run-ghost", since: "2026-11-27T20:00:00.000Z")
        let held = try RunLock.lockScope("etcd", stateDirectory: dir, holder: ghost)
        let error = try #require(throws: LockBusy.self) {
            try RunLock.lockScope("etcd", stateDirectory: dir, holder: .current(run: "run-B"))
        }
        #expect(error.stale)
        #expect(error.holder == ghost)
        #expect(error.diagnostic.hint?.contains("--break-lock") == true)
        let broken = try RunLock.lockScope("etcd", stateDirectory: dir, holder: .current(run: "run-B"), breakLock: true)
        #expect(broken.brokenHolder == ghost)
        #expect(broken.brokenLockEvent == RunEvent(.operatorDecision, host: ghost.host,
            message: "break-lock: took lock scope 'etcd' from run run-ghost (pid \(dead) on \(ghost.host), gone)"))
        // Now run-B holds it, whatever the ghost's descriptor still has.
        let again = try #require(throws: LockBusy.self) {
            try RunLock.lockScope("etcd", stateDirectory: dir, holder: .current(run: "run-C"))
        }
        #expect(again.holder?.run == "run-B")
        held.release()
    }

    @Test("one process per run directory; the lock file is 0600 in a 0700 locks directory")
    func runLockAndModes() throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        let run = try RunDirectory.create(stateDirectory: dir, runbook: "drain", file: "drain.yaml", runbookText: [],
                                          operatorName: "op")
        let lock = try RunLock.lockRun(run, holder: .current(run: run.runID))
        let error = try #require(throws: LockBusy.self) { try RunLock.lockRun(run, holder: .current(run: run.runID)) }
        #expect(error.lock == "run \(run.runID)")
        lock.release()
        _ = try RunLock.lockScope("a/b", stateDirectory: dir, holder: .current(run: "r"))
        #expect(try mode("\(dir)/locks") == 0o700)
        #expect(try mode("\(dir)/locks/a%2Fb.lock") == 0o600)
    }

    private func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    /// The pid of a process that has exited and been reaped.
    private func deadPID() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "exit 0"]
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }
}

@Suite("Run locks across processes")
struct RunLockProcessTests {
    @Test("a lock held by another process is busy, and free again once that process is killed -9")
    func killNine() throws {
        let scratch = try Scratch(prefix: "runbook-journal")
        defer { scratch.remove() }
        let dir: String = scratch.path
        try FileManager.default.createDirectory(atPath: "\(dir)/locks", withIntermediateDirectories: true)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        // -o: only flock(1) itself holds the lock, not the command it runs; the command prints
        // its pid (it becomes `sleep`) once the lock is held, so the test can end it too.
        holder.arguments = ["-o", "\(dir)/locks/cluster.lock", "-c", "echo $$; exec sleep 60"]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        var line: [UInt8] = []
        while let byte = out.fileHandleForReading.readData(ofLength: 1).first, byte != 0x0A { line.append(byte) }
        let sleeper = try #require(Int32(String(decoding: line, as: UTF8.self)))
        let busy = try #require(throws: LockBusy.self) {
            try RunLock.lockScope("cluster", stateDirectory: dir, holder: .current(run: "run-B"))
        }
        #expect(busy.holder == nil)
        #expect(busy.diagnostic.message == "lock scope 'cluster' is locked by another process")
        kill(holder.processIdentifier, SIGKILL)
        // Foundation's waitUntilExit also waits for the child's stdout to close: end the sleeper
        // (which never held the lock, see -o) first.
        kill(sleeper, SIGKILL)
        holder.waitUntilExit()
        #expect(holder.terminationReason == .uncaughtSignal)
        let lock = try RunLock.lockScope("cluster", stateDirectory: dir, holder: .current(run: "run-B"))
        lock.release()
    }
}
