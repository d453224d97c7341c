import Foundation
import Testing
import TestSupport

/// After `kill -9` of `runbook`, a step's process group runs on while the locks are free: resume
/// and a new run of the same lock scope must wait for it (or stop it with `--kill-orphans`) so
/// two copies of one step never run at once.
@Suite("orphans after kill -9 (binary)")
struct OrphanTests {
    /// One step that records each start, then (the first time) waits for `marker`.
    static func runbook(_ s: Scenario) -> String {
        """
        runbook: orphan
        lock: orphan-scope
        steps:
          - id: long
            run: "if [ -e \(s.path("rerun-ok")) ]; then echo rerun >> \(s.path("runs")); exit 0; fi; echo first >> \(s.path("runs")); echo $$ > \(s.path("pid.tmp")); mv \(s.path("pid.tmp")) \(s.path("pid")); while [ ! -e \(s.path("marker")) ]; do sleep 0.05; done; echo done >> \(s.path("done"))"
        """
    }

    /// Starts the run, waits until its step runs, kills runbook with SIGKILL; returns the run id
    /// and the step's pid (still running).
    static func killedRun(_ s: Scenario) async throws -> (run: String, pid: Int32) {
        let file = try s.write("orphan.yaml", runbook(s))
        let child = try s.start(["run", file])
        #expect(await s.waitFor("pid"))
        child.send(SIGKILL)
        #expect(await child.wait().signal != nil)
        let pid = try #require(s.lines("pid").first.flatMap { Int32($0) })
        #expect(processIsRunning(pid), "the step should outlive the killed runbook")
        return (try #require(s.runs().first), pid)
    }

    /// Waits until `process` has written `text` on stderr.
    static func says(_ process: RunningCLI, _ text: String) async -> Bool {
        await eventually { process.outputSoFar.contains(text) }
    }

    func journal(_ s: Scenario, _ run: String) -> String {
        (try? String(contentsOfFile: "\(s.state)/runs/\(run)/journal.jsonl", encoding: .utf8)) ?? ""
    }

    @Test("the attempt's process is journaled before the command runs: pid, group, start time")
    func processJournaled() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let (run, pid) = try await Self.killedRun(s)
        defer { s.touch("marker") }
        let line = try #require(journal(s, run).split(separator: "\n").first { $0.contains(#""event":"attemptProcess""#) })
        #expect(line.contains(#""process":{"pid":\#(pid),"group":\#(pid),"start":""#))
        #expect(line.contains(#""step":"long""#))
    }

    @Test("resume waits, with a message, while the killed run's step still runs; then runs it once")
    func resumeWaits() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let (run, pid) = try await Self.killedRun(s)
        s.touch("rerun-ok")
        let resume = try s.start(["resume", run, "--rerun", "long"])
        #expect(await Self.says(resume, "waiting for pid \(pid) (step long) from the killed run \(run)"),
                "resume did not say it waits")
        // While the old step lives, the new one has not started.
        #expect(resume.process.isRunning)
        #expect(s.lines("runs") == ["first"])
        s.touch("marker")
        let outcome = await resume.wait()
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(s.lines("runs") == ["first", "rerun"])
        #expect(s.lines("done") == ["done"])
        #expect(journal(s, run).contains("waited for pid \(pid) (step long) from the killed run \(run) to end"))
    }

    @Test("resume --kill-orphans stops the killed run's step (journaled), then runs it once")
    func resumeKills() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let (run, pid) = try await Self.killedRun(s)
        s.touch("rerun-ok")
        let outcome = try await s.runbook(["resume", run, "--rerun", "long", "--kill-orphans"])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(!processIsRunning(pid))
        #expect(s.lines("runs") == ["first", "rerun"])
        #expect(s.lines("done").isEmpty, "the old step went on after --kill-orphans")
        let decision = journal(s, run).split(separator: "\n").first { $0.contains(#""event":"operatorDecision""#) }
        #expect(decision?.contains("kill-orphans: stopped pid \(pid) (step long) from the killed run \(run)") == true)
    }

    @Test("a new run of the same lock scope waits for what the killed holder left running")
    func sameScopeWaits() async throws {
        let s = try Scenario()
        defer { s.remove() }
        let (run, pid) = try await Self.killedRun(s)
        s.touch("rerun-ok")
        let second = try s.start(["run", s.path("orphan.yaml")])
        #expect(await Self.says(second, "waiting for pid \(pid) (step long) from the killed run \(run)"),
                "the second run did not say it waits")
        #expect(s.lines("runs") == ["first"])
        s.touch("marker")
        let outcome = await second.wait()
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(s.lines("runs") == ["first", "rerun"])
    }
}

/// The ssh half of `--kill-orphans`: a remote step's command runs on after `kill -9` of
/// `runbook` (killing the local ssh client does not stop it: no terminal, nothing written), and
/// `--kill-orphans` stops it through the process-group file journaled in `attemptProcess`.
@Suite("orphans on a remote host after kill -9 (binary, loopback sshd)")
struct RemoteOrphanTests {
    @Test("resume --kill-orphans stops the remote command of the killed run's step (via its group file), then runs it once")
    func resumeKillsRemote() async throws {
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        let s = try Scenario()
        defer { s.remove() }
        let remote = try await sshd.userDirectory("remote")
        let options = sshd.clientOptions(knownHosts: sshd.knownHosts).map { "\"\($0)\"" }.joined(separator: ", ")
        let inventory = try s.write("hosts.yaml", """
            all:
              hosts:
                node-1:
                  ansible_host: 127.0.0.1
                  ansible_port: \(sshd.port)
                  ansible_user: \(TestSSHD.user)
                  ansible_ssh_private_key_file: \(sshd.userKey)
                  ssh_options: [\(options)]
            """)
        let file = try s.write("remote.yaml", """
            runbook: remote-orphan
            lock: remote-scope
            steps:
              - id: long
                on: node-1
                run: "if [ -e \(remote)/rerun-ok ]; then echo rerun >> \(remote)/runs; exit 0; fi; echo first >> \(remote)/runs; echo $$ > \(remote)/pid.tmp; mv \(remote)/pid.tmp \(remote)/pid; while [ ! -e \(remote)/marker ]; do sleep 0.05; done; echo done >> \(remote)/done"
            """)
        func lines(_ name: String) -> [String] {
            (TextFile.read("\(remote)/\(name)") ?? "").split(separator: "\n").map(String.init)
        }
        let child = try s.start(["run", file, "--inventory", inventory])
        let started = await eventually(seconds: 60) { FileManager.default.fileExists(atPath: "\(remote)/pid") || !child.process.isRunning }
        #expect(started && child.process.isRunning, "the remote step did not start: \(child.outputSoFar)")
        child.send(SIGKILL)
        #expect(await child.wait().signal != nil)
        defer { _ = FileManager.default.createFile(atPath: "\(remote)/marker", contents: nil) }
        let pid = try #require(lines("pid").first.flatMap { Int32($0) })
        #expect(processIsRunning(pid), "the remote command should outlive the killed runbook")
        let run = try #require(s.runs().first)
        let journal = { (try? String(contentsOfFile: "\(s.state)/runs/\(run)/journal.jsonl", encoding: .utf8)) ?? "" }
        let process = journal().split(separator: "\n").first { $0.contains(#""event":"attemptProcess""#) }
        #expect(process?.contains(#""remoteGroupFile":"/tmp/runbook-"#) == true, "\(process ?? "no attemptProcess line")")

        _ = FileManager.default.createFile(atPath: "\(remote)/rerun-ok", contents: nil)
        let outcome = try await s.runbook(["resume", run, "--rerun", "long", "--kill-orphans"])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(await eventually { !processIsRunning(pid) }, "the remote command \(pid) still runs after --kill-orphans")
        #expect(lines("runs") == ["first", "rerun"])
        _ = FileManager.default.createFile(atPath: "\(remote)/marker", contents: nil)
        #expect(lines("done").isEmpty, "the old remote command went on after --kill-orphans")
        let decision = journal().split(separator: "\n").first { $0.contains(#""event":"operatorDecision""#) }
        #expect(decision?.contains("kill-orphans: stopped pid") == true, "\(decision ?? "no operatorDecision line")")
    }
}
