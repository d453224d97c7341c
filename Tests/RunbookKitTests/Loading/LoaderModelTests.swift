import Testing
import RunbookYAML
import RunbookCore

/// What the loader builds from valid input: the model values, not just the absence of errors.
@Suite struct LoaderModelTests {
    func load(_ yaml: String) throws -> Runbook {
        try RunbookLoader().load(bytes: Array(yaml.utf8), file: "t.yaml")
    }

    func step(_ fields: String, params: String = "") throws -> Step {
        let text = "runbook: t\n\(params)steps:\n  - id: s\n" + fields.split(separator: "\n").map { "    \($0)\n" }.joined()
        let runbook = try load(text)
        return try #require(runbook.steps.first)
    }

    @Test func retriesMappingBecomesRetries() throws {
        let s = try step("run: ls\nretries: {attempts: 3, delay: 10s}")
        #expect(s.retries == Retries(attempts: 3, delay: .seconds(10)))
    }

    @Test func retriesIntIsAttemptsWithoutDelay() throws {
        let s = try step("run: ls\nretries: 4")
        #expect(s.retries == Retries(attempts: 4))
    }

    @Test func durationsAndDefaults() throws {
        let s = try step("run: ls\ntimeout: 1m30s")
        #expect(s.timeout == TimeSpan(milliseconds: 90_000))
        #expect(s.onFailure == .rollback)
        #expect(s.idempotent == false)
        #expect(s.needs == nil)
        #expect(s.changesState)
    }

    @Test func runTemplateSplitsLiteralAndExpression() throws {
        let s = try step("run: oc get node ${{ params.node }} -o wide", params: "params:\n  node: {type: string}\n")
        guard case .run(let t) = s.action else { Issue.record("expected run, got \(s.action)"); return }
        #expect(t.segments.count == 3)
        #expect(t.segments.first == .literal("oc get node "))
        if case .expression(let e, let source, let at) = t.segments[1] {
            #expect(e == .reference(["params", "node"]))
            #expect(source == "params.node")
            #expect(at == SourceLocation(file: "t.yaml", line: 6, column: 22))
        } else {
            Issue.record("expected an expression segment")
        }
    }

    @Test func checkStringIsConditionExpectingExitZero() throws {
        let s = try step("check: test -f /etc/hosts")
        guard case .check(let c) = s.action else { Issue.record("expected check"); return }
        #expect(c.command.raw == "test -f /etc/hosts")
        #expect(c.expect == Expectation())
        #expect(!s.changesState)
    }

    @Test func waitGetsDefaultInterval() throws {
        let s = try step("wait: {run: oc get pods, expect: {stdout_not_matches: Running}, timeout: 5m}")
        guard case .wait(let c) = s.action else { Issue.record("expected wait"); return }
        #expect(c.timeout == .seconds(300))
        #expect(c.interval == .seconds(5))
        #expect(c.expect.stdoutNotMatches == "Running")
    }

    @Test func bareWhenIsAnExpression() throws {
        let s = try step("run: ls\nwhen: params.force", params: "params:\n  force: {type: bool, default: false}\n")
        guard case .expression(let e, _, _) = s.when?.segments.first else { Issue.record("expected an expression"); return }
        #expect(e == .reference(["params", "force"]))
    }

    @Test func needsStringAndListAndCaptures() throws {
        let r = try load("""
            runbook: t
            steps:
              - id: a
                run: ls
                capture: {id: {regex: '^([0-9a-f]+)'}, all: stdout, name: {json: '$.a'}}
              - id: b
                needs: a
                run: ls
              - id: c
                needs: [a, b]
                run: ls
            """)
        #expect(r.steps[1].needs?.map(\.id) == ["a"])
        #expect(r.steps[2].needs?.map(\.id) == ["a", "b"])
        #expect(r.steps[0].capture.map(\.source) == [.regex("^([0-9a-f]+)"), .stdout, .jsonPath("$.a")])
        #expect(r.steps[0].capture.map(\.name) == ["id", "all", "name"])
    }

    @Test func paramsKeepTypesDefaultsAndEnums() throws {
        let r = try load("""
            runbook: t
            params:
              node: {type: string, required: true, pattern: '^[a-z]+$'}
              n: {type: int, default: 3, enum: [1, 3]}
              force: {type: bool, default: true}
              list: {type: list, default: [x, y]}
              grace: {type: duration, default: 30s, secret: true}
            steps:
              - id: a
                run: ls
            """)
        #expect(r.param("node")?.required == true)
        #expect(r.param("node")?.pattern == "^[a-z]+$")
        #expect(r.param("n")?.defaultValue == .int(3))
        #expect(r.param("n")?.allowed == [.int(1), .int(3)])
        #expect(r.param("force")?.defaultValue == .bool(true))
        #expect(r.param("list")?.defaultValue == .list([.string("x"), .string("y")]))
        #expect(r.param("grace")?.kind == .duration)
        #expect(r.param("grace")?.secret == true)
    }

    @Test func rollbackForms() throws {
        let s = try step("""
            run: mv /a /b
            rollback:
              - mv /b /a
              - {run: echo done}
              - {move: {from: /b, to: /a}}
            """)
        #expect(s.rollback.count == 3)
        if case .file(.move(let from, let to)) = s.rollback[2] {
            #expect(from.raw == "/b")
            #expect(to.raw == "/a")
        } else {
            Issue.record("expected a move rollback, got \(s.rollback[2])")
        }
    }

    @Test func editChangesInOrder() throws {
        let s = try step("""
            edit:
              path: /etc/x
              changes:
                - delete_lines: '^server m0'
                - ensure_line: {line: 'A=1', after: '^B='}
                - set: {key: K, value: V}
            """)
        guard case .file(.edit(let path, let edits, _)) = s.action else { Issue.record("expected edit"); return }
        #expect(path.raw == "/etc/x")
        #expect(edits.count == 3)
        if case .ensureLine(let line, let after) = edits[1] {
            #expect(line.raw == "A=1")
            #expect(after?.raw == "^B=")
        } else {
            Issue.record("expected ensure_line")
        }
    }

    @Test func maxParallelWithoutForEachIsKept() throws {
        let s = try step("on: masters\nmax_parallel: 2\nrun: ls")
        #expect(s.maxParallel == 2)
        #expect(s.forEach == nil)
    }

    @Test func forEachExpressionAndList() throws {
        let a = try step("for_each: ${{ hosts.masters }}\nmax_parallel: 3\nrun: echo ${{ item }}")
        if case .expression(let t)? = a.forEach?.items { #expect(t.raw == "${{ hosts.masters }}") } else { Issue.record("expected expression") }
        #expect(a.forEach?.maxParallel == 3)
        let b = try step("for_each: [x, y]\nrun: echo ${{ item }}")
        if case .list(let items)? = b.forEach?.items { #expect(items.map(\.raw) == ["x", "y"]) } else { Issue.record("expected list") }
    }

    @Test func useWithParams() throws {
        let s = try step("use: backup-etcd\nwith: {host: m1}")
        guard case .use(let u) = s.action else { Issue.record("expected use"); return }
        #expect(u.reference == "backup-etcd")
        #expect(u.with.map(\.name) == ["host"])
        #expect(u.with.map(\.value.raw) == ["m1"])
    }
}

/// Durations that overflow are refused, never a crash.
@Suite struct DurationOverflowTests {
    @Test func hugeDurationsAreRefused() throws {
        #expect(TimeSpan(parsing: "2562047788015h2562047788015h") == nil)
        #expect(TimeSpan(parsing: "99999999999999999999s") == nil)
        #expect(TimeSpan(parsing: "1m30s") == TimeSpan(milliseconds: 90_000))
        do {
            _ = try RunbookLoader().load(bytes: Array("runbook: t\nsteps:\n  - id: a\n    run: ls\n    timeout: 2562047788015h2562047788015h\n".utf8), file: "t.yaml")
            Issue.record("an overflowing duration was accepted")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["expected a duration such as 90s or 10m, found '2562047788015h2562047788015h'"])
        }
    }
}
