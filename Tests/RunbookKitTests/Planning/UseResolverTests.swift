import Foundation
import Testing
import RunbookYAML
import RunbookCore
import TestSupport

@Suite struct UseResolverTests {
    /// A directory with empty files standing for runbooks; `load` returns the model for each path.
    func fixture(_ runbooks: [String: (URL) -> Runbook]) throws -> (Scratch, UseResolver.Load) {
        let scratch = try Scratch(prefix: "use")
        let dir = scratch.url
        var models: [String: Runbook] = [:]
        for (name, make) in runbooks {
            let url = dir.appendingPathComponent("\(name).yaml")
            _ = FileManager.default.createFile(atPath: url.path, contents: Data())
            models[url.standardizedFileURL.path] = make(url)
        }
        let snapshot = models
        let load: UseResolver.Load = { (path: String) throws(DiagnosticError) -> Runbook in
            guard let rb = snapshot[path] else { throw DiagnosticError(.error("no fixture \(path)", at: nil)) }
            return rb
        }
        return (scratch, load)
    }

    func useStep(_ id: String, _ ref: String, with: [(String, String)] = [], line: Int, file: String) -> Step {
        let at = SourceLocation(file: file, line: line, column: 5)
        return Step(id: id, action: .use(Use(reference: ref, with: with.map { ($0.0, TestTemplate.parse($0.1, at: at)) }, location: at)),
                    location: at)
    }

    @Test func findsSubRunbooksAndChecksWith() throws {
        let (scratch, load) = try fixture([
            "parent": { url in TestRunbook.make("parent", steps: [
                self.useStep("backup", "backup-etcd", with: [("hots", "m1")], line: 3, file: url.path),
            ], file: url.path) },
            "backup-etcd": { url in TestRunbook.make("backup-etcd", params: [TestRunbook.param("host", required: true)],
                                                     steps: [TestRunbook.run("save", "true", line: 1)], file: url.path) },
        ])
        let parentPath = scratch.url.appendingPathComponent("parent.yaml").path
        let parent = try load(parentPath)
        do {
            _ = try UseResolver(load: load).resolve(parent)
            Issue.record("expected errors")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["runbook 'backup-etcd' has no param 'hots'", "runbook 'backup-etcd' needs param 'host'"])
            #expect(error.diagnostics.first?.hint == "did you mean 'host'?")
        }
        var fixed = parent
        fixed.steps = [useStep("backup", "./backup-etcd.yaml", with: [("host", "m1")], line: 3, file: parentPath)]
        let subs = try UseResolver(load: load).resolve(fixed)
        #expect(subs.keys.sorted() == [scratch.url.appendingPathComponent("backup-etcd.yaml").standardizedFileURL.path])
        #expect(UseResolver.path(of: "backup-etcd", from: "runbooks/parent.yaml") == "runbooks/backup-etcd.yaml")
    }

    @Test func refusesRecursionWithTheChain() throws {
        let (scratch, load) = try fixture([
            "a": { url in TestRunbook.make("a", steps: [self.useStep("to-b", "b", line: 2, file: url.path)], file: url.path) },
            "b": { url in TestRunbook.make("b", steps: [self.useStep("to-a", "a", line: 4, file: url.path)], file: url.path) },
        ])
        let a = try load(scratch.url.appendingPathComponent("a.yaml").path)
        do {
            _ = try UseResolver(load: load).resolve(a)
            Issue.record("expected a recursion error")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["runbook uses itself: a -> b -> a"])
            #expect(error.diagnostics.first?.location?.line == 4)
        }
    }

    @Test func missingRunbookIsPositioned() throws {
        let (scratch, load) = try fixture([
            "a": { url in TestRunbook.make("a", steps: [self.useStep("x", "nope", line: 2, file: url.path)], file: url.path) },
        ])
        let a = try load(scratch.url.appendingPathComponent("a.yaml").path)
        #expect(throws: DiagnosticError.self) { try UseResolver(load: load).resolve(a) }
        do { _ = try UseResolver(load: load).resolve(a) } catch {
            #expect(error.diagnostics.first?.message.hasPrefix("step 'x' uses 'nope', but ") == true)
            #expect(error.diagnostics.first?.message.hasSuffix("nope.yaml does not exist") == true)
        }
    }
}
