import Testing
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine
import TestSupport

/// Long runbooks through the step graph: the results must match the small-graph rules, and the
/// graph must not recurse once per step (a 5,000-step chain used to recurse 5,000 deep per step).
@Suite struct LargeGraphTests {
    @Test func longChainOrdersLevelsAndAncestors() throws {
        let n = 5_000
        let rb = TestRunbook.make(steps: (0..<n).map { TestRunbook.run("s\($0)", "true", line: $0 + 1) })
        let g = try StepGraph(rb)
        #expect(g.order == (0..<n).map { "s\($0)" })
        #expect(g.levels.count == n)
        #expect(g.level(of: "s4999") == 4_999)
        let ancestry = Ancestry(g)
        #expect(ancestry.runsBefore("s0", "s4999"))
        #expect(ancestry.runsBefore("s4998", "s4999"))
        #expect(!ancestry.runsBefore("s4999", "s0"))
        #expect(!ancestry.runsBefore("s7", "s7"))
    }

    @Test func ancestryPastTheBitSetBoundSearchesInstead() throws {
        let n = Ancestry.maxBitSetSteps + 1
        let rb = TestRunbook.make(steps: (0..<n).map { TestRunbook.run("s\($0)", "true", line: $0 + 1) })
        let ancestry = Ancestry(try StepGraph(rb))
        #expect(ancestry.runsBefore("s0", "s\(n - 1)"))
        #expect(ancestry.runsBefore("s\(n - 2)", "s\(n - 1)"))
        #expect(!ancestry.runsBefore("s\(n - 1)", "s0"))
    }

    @Test func ancestryAgreesWithAncestors() throws {
        let rb = TestRunbook.make(steps: [
            TestRunbook.run("a", "true", line: 1, needs: ["c"]),
            TestRunbook.run("b", "true", line: 2, needs: []),
            TestRunbook.run("c", "true", line: 3, needs: []),
            TestRunbook.run("d", "true", line: 4, needs: ["a", "b"]),
            TestRunbook.run("e", "true", line: 5),
        ])
        let g = try StepGraph(rb)
        let ancestry = Ancestry(g)
        let ids = ["a", "b", "c", "d", "e"]
        for x in ids {
            for y in ids { #expect(ancestry.runsBefore(x, y) == g.ancestors(of: y).contains(x), "\(x) before \(y)") }
        }
    }

    @Test func cycleAfterALongChainIsStillReportedOnce() {
        var steps = (0..<2_000).map { TestRunbook.run("s\($0)", "true", line: $0 + 1) }
        steps.append(TestRunbook.run("x", "true", line: 2_001, needs: ["y"]))
        steps.append(TestRunbook.run("y", "true", line: 2_002, needs: ["x"]))
        steps.append(TestRunbook.run("z", "true", line: 2_003))
        do {
            _ = try StepGraph(TestRunbook.make(steps: steps))
            Issue.record("expected a cycle")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["steps depend on each other in a cycle: x -> y -> x"])
        }
    }

    @Test func aLongCycleIsAbbreviatedToOneScreen() {
        let n = 200
        let steps = (0..<n).map { TestRunbook.run("s\($0)", "true", line: $0 + 1, needs: ["s\(($0 + 1) % n)"]) }
        do {
            _ = try StepGraph(TestRunbook.make(steps: steps))
            Issue.record("expected a cycle")
        } catch {
            #expect(error.diagnostics.count == 1)
            let d = error.diagnostics[0]
            #expect(d.message.hasPrefix("steps depend on each other in a cycle: s0 -> s199 -> s198 -> "))
            #expect(d.message.contains(" -> … (188 more) -> "))
            #expect(d.message.hasSuffix(" -> s1 -> s0"))
            #expect(d.notes.count == 13)
            #expect(d.notes.last?.message == "… and 188 more dependencies in this cycle")
        }
    }
}
