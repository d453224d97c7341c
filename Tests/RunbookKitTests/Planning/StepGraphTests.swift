import Testing
import RunbookYAML
import RunbookCore
import TestSupport

@Suite struct StepGraphTests {
    @Test func implicitOrderAndNeedsMakeParallelLevels() throws {
        let rb = TestRunbook.make(steps: [
            TestRunbook.run("a", "true", line: 1),
            TestRunbook.run("b", "true", line: 2, needs: ["a"]),
            TestRunbook.run("c", "true", line: 3, needs: ["a"]),
            TestRunbook.run("d", "true", line: 4, needs: ["b", "c"]),
            TestRunbook.run("e", "true", line: 5),
        ])
        let g = try StepGraph(rb)
        #expect(g.order == ["a", "b", "c", "d", "e"])
        #expect(g.levels == [["a"], ["b", "c"], ["d"], ["e"]])
        #expect(g.dependencies(of: "d") == ["b", "c"])
        #expect(g.dependencies(of: "e") == ["d"])
        #expect(g.ancestors(of: "d") == ["a", "b", "c"])
    }

    @Test func orderIsStableButRespectsForwardNeeds() throws {
        let rb = TestRunbook.make(steps: [
            TestRunbook.run("a", "true", line: 1, needs: ["c"]),
            TestRunbook.run("b", "true", line: 2, needs: []),
            TestRunbook.run("c", "true", line: 3, needs: []),
        ])
        let g = try StepGraph(rb)
        #expect(g.order == ["b", "c", "a"])
        #expect(g.levels == [["b", "c"], ["a"]])
    }

    @Test func unknownIdIsPositionedWithHint() {
        let rb = TestRunbook.make(steps: [
            TestRunbook.run("cordon", "true", line: 1),
            TestRunbook.run("drain", "true", line: 2, needs: ["cordn"]),
        ])
        #expect(throws: DiagnosticError.self) { try StepGraph(rb) }
        do { _ = try StepGraph(rb) } catch {
            #expect(error.diagnostics.map(\.description) == ["test.yaml:2:20: error: step 'drain' needs unknown step 'cordn'"])
            #expect(error.diagnostics.first?.hint == "did you mean 'cordon'?")
        }
    }

    @Test func cycleIsReportedOnceWithTheWholeCycle() {
        let rb = TestRunbook.make(steps: [
            TestRunbook.run("a", "true", line: 1, needs: ["c"]),
            TestRunbook.run("b", "true", line: 2, needs: ["a"]),
            TestRunbook.run("c", "true", line: 3, needs: ["b"]),
            TestRunbook.run("d", "true", line: 4, needs: ["d"]),
        ])
        do {
            _ = try StepGraph(rb)
            Issue.record("expected a cycle error")
        } catch {
            #expect(error.diagnostics.map(\.description) == [
                "test.yaml:1:3: error: steps depend on each other in a cycle: a -> b -> c -> a",
                "test.yaml:4:3: error: steps depend on each other in a cycle: d -> d",
            ])
            #expect(error.diagnostics[0].notes.map { "\($0.location?.description ?? ""): \($0.message)" } == [
                "test.yaml:2:20: 'b' needs 'a'", "test.yaml:3:20: 'c' needs 'b'", "test.yaml:1:20: 'a' needs 'c'",
            ])
        }
    }

    @Test func exportsMermaidAndDot() throws {
        let rb = TestRunbook.make(steps: [TestRunbook.run("a-1", "true", line: 1), TestRunbook.run("b", "true", line: 2)])
        let g = try StepGraph(rb)
        #expect(StepGraphExport.mermaid(rb, g) == "flowchart TD\n    s_a_1[\"a-1: run\"]\n    s_b[\"b: run\"]\n    s_a_1 --> s_b\n")
        #expect(StepGraphExport.dot(rb, g).contains("\"a-1\" -> \"b\";"))
    }
}
