import Testing
import RunbookCore
import TestSupport

@Suite struct RunbookSummaryTests {
    @Test func listsTitleSourceAndParams() {
        var rb = TestRunbook.make("drain-node", params: [
            TestRunbook.param("node", required: true), TestRunbook.param("token", default: .string("x"), secret: true),
        ], steps: [], file: "runbooks/drain-node.yaml")
        rb.title = "Drain a node"
        rb.source = "5.3.1"
        #expect(RunbookSummary.text(rb) == """
            drain-node — Drain a node
                file: runbooks/drain-node.yaml
                source: 5.3.1
                --param node  (string, required)
                --param token  (string, default ***, secret)
            """)
    }
}
