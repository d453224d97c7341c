import Foundation
import Testing
import RunbookYAML
import RunbookCore
import RunbookEngine
import TestSupport

/// `plan` and `run` resolve a step with one `StepResolver`: the same hosts, items, `when` and
/// sub-runbook params, and the same refusals.
@Suite("One resolver for plan and run")
struct StepResolverTests {
    static let inventory = Inventory(hosts: [InventoryHost(name: "m0"), InventoryHost(name: "m1")], groups: ["masters": ["m0", "m1"]])

    /// Loads `main` (and `sub` beside it as `sub.yaml`) from a temporary directory, as the CLI does.
    static func checked(_ main: String, sub: String? = nil) throws -> RunbookValidation.Checked {
        let h = try EngineHarness()
        try main.write(toFile: h.path("main.yaml"), atomically: true, encoding: .utf8)
        if let sub { try sub.write(toFile: h.path("sub.yaml"), atomically: true, encoding: .utf8) }
        return try RunbookValidation(load: { (path: String) throws(DiagnosticError) -> Runbook in
            try RunbookLoader().load(contentsOf: path)
        }).check(file: h.path("main.yaml"), inventory: inventory)
    }

    static func plan(_ c: RunbookValidation.Checked, _ assignments: [String] = []) throws(DiagnosticError) -> Plan {
        let params = try ParamResolver(environment: [:]).resolve(c.runbook, assignments: assignments)
        return try Planner().plan(runbook: c.runbook, params: params, inventory: inventory, subRunbooks: c.subRunbooks)
    }

    /// Runs in-process over a recording transport that runs nothing (stdout = the command text).
    static func run(_ c: RunbookValidation.Checked, _ assignments: [String] = []) async throws
        -> (outcome: RunOutcome, events: [RunEvent], commands: [CommandLog.Entry])
    {
        let params = try ParamResolver(environment: [:]).resolve(c.runbook, assignments: assignments)
        let transports = RecordingTransports()
        let recorder = MemoryRecorder()
        let engine = Engine(runbook: c.runbook, subRunbooks: c.subRunbooks, params: params.values,
                            secretParams: params.secretNames, inventory: inventory, transports: transports,
                            recorder: recorder, approver: FixedApprover(.approved(by: "test")), reporter: SilentProgress(),
                            outputs: MemoryOutputStore(), options: EngineOptions(clock: VirtualClock()))
        let outcome = await engine.run()
        return (outcome, await recorder.events, transports.log.entries)
    }

    static func planError(_ c: RunbookValidation.Checked, _ assignments: [String] = []) -> String? {
        do { _ = try plan(c, assignments); return nil } catch { return error.diagnostics.map(\.description).joined(separator: "\n") }
    }

    @Test("an `on` that renders empty is refused by plan, never run on this machine")
    func emptyOnStatically() throws {
        let c = try Self.checked("""
            runbook: on-empty
            params:
              target: { type: string, default: "" }
            steps:
              - id: where
                on: ${{ params.target }}
                run: echo here
            """)
        #expect(Self.planError(c)?.hasSuffix("/main.yaml:6:9: error: 'on: ${{ params.target }}' is empty: a step with 'on' never runs on this machine instead") == true)
        #expect(Self.planError(c, ["target=m1"]) == nil)
    }

    @Test("an `on` that becomes empty or unknown only at run time fails its step with a clear message; nothing runs there")
    func emptyOnAtRunTime() async throws {
        for (value, message) in [("", "/main.yaml:8:9: error: 'on: ${{ steps.pick.outputs.h }}' is empty: a step with 'on' never runs on this machine instead"),
                                 ("nohost", "/main.yaml:8:9: error: 'on: nohost' is not a host or group of the inventory")] {
            let c = try Self.checked("""
                runbook: on-capture
                steps:
                  - id: pick
                    run: echo h=\(value)
                    capture:
                      h: { regex: 'h=(\\S*)' }
                  - id: where
                    on: ${{ steps.pick.outputs.h }}
                    run: echo there
                """)
            // The plan cannot know it: it shows the placeholder host.
            #expect(try Self.plan(c).steps[1].hosts == ["<steps.pick.outputs.h>"])
            let (outcome, events, commands) = try await Self.run(c)
            #expect(outcome.status == .rolledBack)
            #expect(outcome.failedStep == "where")
            #expect(events.first { $0.kind == .stepFailed }?.message?.hasSuffix(message) == true)
            #expect(commands == [.init(host: "localhost", command: "echo h=\(value)")])
        }
    }

    @Test("`when` is a bool in plan and run: the string 'true' is refused by both")
    func whenStringTrueIsRefused() async throws {
        let planned = try Self.checked("""
            runbook: when-string
            params:
              go: { type: string, default: "true" }
            steps:
              - id: a
                when: ${{ params.go }}
                run: echo a
            """)
        #expect(Self.planError(planned)?.hasSuffix("/main.yaml:6:11: error: a condition must be a bool, found string") == true)
        let captured = try Self.checked("""
            runbook: when-capture
            steps:
              - id: probe
                run: echo v=true
                capture:
                  v: { regex: 'v=(\\S+)' }
              - id: a
                when: ${{ steps.probe.outputs.v }}
                run: echo a
            """)
        #expect(try Self.plan(captured).steps[1].when == PlannedCondition(expression: "${{ steps.probe.outputs.v }}", value: nil))
        let (outcome, events, commands) = try await Self.run(captured)
        #expect(outcome.failedStep == "a")
        #expect(events.first { $0.kind == .stepFailed }?.message?.hasSuffix("/main.yaml:8:11: error: a condition must be a bool, found string") == true)
        #expect(!commands.contains { $0.command == "echo a" })
    }

    @Test("`with` values keep their types: a list item with a space stays one item in plan and run")
    func typedWith() async throws {
        let c = try Self.checked("""
            runbook: typed
            params:
              items: { type: list, default: ["a b", c] }
            steps:
              - id: sub
                use: ./sub.yaml
                with:
                  list: ${{ params.items }}
                  n: 3
                  flag: "true"
            """, sub: """
            runbook: sub
            params:
              list: { type: list, default: [] }
              n: { type: int, default: 1 }
              flag: { type: bool, default: false }
            steps:
              - id: each
                for_each: ${{ params.list }}
                when: ${{ params.flag && params.n > 2 }}
                run: echo ${{ item }}
            """)
        let plan = try Self.plan(c)
        #expect(plan.steps.map(\.id) == ["sub", "sub/each"])
        #expect(plan.steps[1].forEach == ["a b", "c"])
        #expect(plan.steps[1].invocations.map(\.command) == ["echo 'a b'", "echo c"])
        let (outcome, _, commands) = try await Self.run(c)
        #expect(outcome.status == .succeeded)
        // for_each items run in parallel: the order they start in is not fixed
        #expect(commands.map(\.command).sorted() == ["echo 'a b'", "echo c"])
    }

    @Test("a `with` value that does not fit the sub-runbook's param is refused by plan and run alike")
    func withTypeMismatch() async throws {
        let c = try Self.checked("""
            runbook: mismatch
            steps:
              - id: sub
                use: ./sub.yaml
                with:
                  n: three
            """, sub: """
            runbook: sub
            params:
              n: { type: int, default: 1 }
            steps:
              - id: a
                run: echo ${{ params.n }}
            """)
        let message = "/main.yaml:6:10: error: param 'n' must be an int, found 'three'"
        #expect(Self.planError(c)?.hasSuffix(message) == true, "\(Self.planError(c) ?? "")")
        let (outcome, events, commands) = try await Self.run(c)
        #expect(outcome.failedStep == "sub")
        #expect(events.first { $0.kind == .stepFailed }?.message?.hasSuffix(message) == true)
        #expect(commands.isEmpty)
    }

    @Test("for_each over a captured string: its words are the items, in plan (one stand-in) and run")
    func forEachCapture() async throws {
        let c = try Self.checked("""
            runbook: words
            steps:
              - id: list
                run: echo w=x y
                capture:
                  w: { regex: 'w=(\\S+ \\S+)' }
              - id: each
                for_each: ${{ steps.list.outputs.w }}
                run: echo item ${{ item }}
            """)
        #expect(try Self.plan(c).steps[1].forEach == ["<item of steps.list.outputs.w>"])
        let (outcome, _, commands) = try await Self.run(c)
        #expect(outcome.status == .succeeded)
        #expect(commands.map(\.command).sorted() == ["echo item x", "echo item y", "echo w=x y"])
    }

    @Test("for_each list items keep their types in plan and run: an int item compares as an int")
    func typedListItems() async throws {
        let c = try Self.checked("""
            runbook: typed-items
            params:
              n: { type: int, default: 2 }
              m: { type: int, default: 1 }
            steps:
              - id: each
                for_each: ["${{ params.n }}", "${{ params.m }}"]
                when: ${{ item > 1 }}
                run: echo ${{ item }}
            """)
        let plan = try Self.plan(c)
        #expect(plan.steps[0].invocations.map(\.command) == ["echo 2", "echo 1"])
        #expect(plan.steps[0].invocations.map(\.skipped) == [nil, true])
        let (outcome, events, commands) = try await Self.run(c)
        #expect(outcome.status == .succeeded)
        #expect(commands.map(\.command) == ["echo 2"])
        #expect(events.filter { $0.kind == .stepSkipped }.map(\.step) == ["each[1]"])
    }
}
