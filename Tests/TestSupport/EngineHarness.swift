import Foundation
import RunbookCore
import RunbookEngine

/// Builds engines for tests: real local processes, an in-memory journal, a virtual clock and
/// a temporary run directory.
public struct EngineHarness: Sendable {
    /// The temporary directory, removed when the last copy of the harness goes away.
    public let scratch: Scratch
    public let directory: URL
    public let recorder: MemoryRecorder
    public let clock = VirtualClock()

    public init(recorder: MemoryRecorder = MemoryRecorder()) throws {
        scratch = try Scratch(prefix: "engine")
        directory = scratch.url
        self.recorder = recorder
    }

    /// A path inside the temporary directory.
    public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    public func engine(_ runbook: Runbook, subRunbooks: [String: Runbook] = [:], params: [String: Value] = [:],
                       inventory: Inventory = .empty, approver: any Approver = FixedApprover(.refused(typed: "")),
                       parallel: Int = 4, assumeYes: Bool = false) -> Engine {
        Engine(runbook: runbook, subRunbooks: subRunbooks, params: params, inventory: inventory,
               transports: TransportFactory(), recorder: recorder, approver: approver, reporter: SilentProgress(),
               outputs: RunDirectoryOutputStore(directory: directory.appendingPathComponent("run")),
               options: EngineOptions(parallel: parallel, assumeYes: assumeYes, gracePeriod: .init(milliseconds: 300),
                                      clock: clock))
    }

    /// A file's text, or nil.
    public func read(_ name: String) -> String? { try? String(contentsOfFile: path(name), encoding: .utf8) }

    /// Polls `condition` every 10 ms until it holds (true) or `seconds` pass (false).
    public func waitUntil(seconds: Double = 60, _ condition: () -> Bool) async -> Bool {
        await eventually(seconds: seconds, condition)
    }

    /// Waits (polling) until `name` exists; false after `seconds`.
    public func waitForFile(_ name: String, seconds: Double = 60) async -> Bool {
        await eventually(seconds: seconds) { FileManager.default.fileExists(atPath: path(name)) }
    }
}

/// Whether a process is still running (a zombie waiting to be reaped counts as gone).
public func processIsRunning(_ pid: Int32) -> Bool {
    if kill(pid, 0) != 0 { return errno != ESRCH }
    #if os(Linux)
    if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    {
        let state = stat[stat.index(close, offsetBy: 2)]
        return state != "Z" && state != "X"
    }
    #endif
    return true
}

/// True once the expressions work has replaced the placeholder renderer (tests that need `${{ }}` check it).
public let templateRendererIsImplemented: Bool = {
    let t = Template.expr(.literal(.string("x")))
    return (try? TemplateRenderer().render(t, in: EvaluationContext(), mode: .text).text) == "x"
}()
