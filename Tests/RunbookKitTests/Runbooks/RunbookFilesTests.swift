import Foundation
import Testing
import RunbookCore

/// The shipped runbooks (`runbooks/`, `examples/custom/`) load without a diagnostic and hang
/// together: every step of a guide runbook names its section, sub-runbooks exist and get only
/// params they declare, and `steps.<id>` references point at earlier steps that capture them.
@Suite("Shipped runbook files")
struct RunbookFilesTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static let guideRunbooks = [
        "backup-etcd", "backup-master-host", "decommission-master", "decommission-node", "drain-node",
        "grow-docker-storage", "replace-etcd-host", "uncordon-node",
        "cluster-health", "host-baseline",
        "etcd-add-member", "scale-etcd", "remove-etcd-member",
        "restore-etcd",
        "backup-pvc", "restore-pvc",
        "smoke-test-app",
        "backup-node-host", "backup-cluster",
        "backup-project", "restore-project",
        "registry-pull-secret", "metrics-reencrypt-route",
    ]

    static func load(_ relative: String) throws -> Runbook {
        try RunbookLoader().load(contentsOf: root + "/" + relative)
    }

    @Test("every guide runbook loads and is named after its file", arguments: guideRunbooks)
    func loads(name: String) throws {
        let runbook = try Self.load("runbooks/\(name).yaml")
        #expect(runbook.name == name)
        #expect(runbook.source?.hasPrefix("Day 2 Operations Guide") == true)
    }

    @Test("the custom example loads")
    func customExampleLoads() throws {
        let runbook = try Self.load("examples/custom/hello-maintenance.yaml")
        #expect(runbook.name == "hello-maintenance")
        #expect(runbook.steps.map(\.action.keyword) == ["check", "confirm", "run", "wait", "write"])
    }

    @Test("every step of a guide runbook names its guide section", arguments: guideRunbooks)
    func everyStepHasASource(name: String) throws {
        let runbook = try Self.load("runbooks/\(name).yaml")
        let missing = runbook.steps.filter { ($0.source ?? "").range(of: #"^[0-9]+(\.[0-9]+)+"#, options: .regularExpression) == nil }
        #expect(missing.map(\.id) == [])
    }

    @Test("sub-runbooks exist and receive only params they declare, and all required ones", arguments: guideRunbooks)
    func subRunbooksResolve(name: String) throws {
        let runbook = try Self.load("runbooks/\(name).yaml")
        for step in runbook.steps {
            guard case .use(let use) = step.action else { continue }
            let sub = try Self.load("runbooks/\(use.reference).yaml")
            let given = Set(use.with.map(\.name))
            let declared = Set(sub.params.map(\.name))
            #expect(given.subtracting(declared) == [], "step \(step.id) passes params \(use.reference) does not declare")
            let required = Set(sub.params.filter(\.required).map(\.name))
            #expect(required.subtracting(given) == [], "step \(step.id) misses required params of \(use.reference)")
        }
    }

    @Test("steps.<id>.outputs.<name> refers to an earlier step that captures <name>", arguments: guideRunbooks)
    func outputReferencesResolve(name: String) throws {
        let path = Self.root + "/runbooks/\(name).yaml"
        let runbook = try RunbookLoader().load(contentsOf: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let captures = Dictionary(uniqueKeysWithValues: runbook.steps.map { ($0.id, Set($0.capture.map(\.name))) })
        let order = Dictionary(uniqueKeysWithValues: runbook.steps.enumerated().map { ($1.id, $0) })
        let pattern = try NSRegularExpression(pattern: #"steps\.([a-z0-9][a-z0-9_-]*)\.outputs\.([a-z_][a-z0-9_]*)"#)
        let ns = text as NSString
        var problems: [String] = []
        for match in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let id = ns.substring(with: match.range(at: 1)), output = ns.substring(with: match.range(at: 2))
            guard let names = captures[id] else { problems.append("unknown step \(id)"); continue }
            if !names.contains(output) { problems.append("\(id) does not capture \(output)") }
            // The reference must sit after the referenced step's own line in the file.
            let line = ns.substring(to: match.range.location).filter { $0 == "\n" }.count + 1
            if let index = order[id], let after = runbook.steps.dropFirst(index).first,
               line < after.location.line {
                problems.append("\(id).outputs.\(output) used on line \(line), before the step")
            }
        }
        #expect(problems == [])
    }
}
