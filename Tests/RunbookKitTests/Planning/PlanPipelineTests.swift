import Foundation
import Testing
import RunbookYAML
import RunbookCore
import TestSupport

/// The CLI's road from file to plan, with a fake loader standing in for the YAML loader.
@Suite struct PlanPipelineTests {
    let scratch: Scratch

    init() throws { scratch = try Scratch(prefix: "plan-pipeline") }

    func temp(_ name: String, _ text: String) throws -> String { try scratch.write(name, text) }

    let runbook = TestRunbook.make("drain-node", params: [
        TestRunbook.param("node", required: true), TestRunbook.param("delete_local_data", .bool, default: .bool(false)),
    ], steps: [
        TestRunbook.run("drain", "oc adm drain ${{ params.node }} --ignore-daemonsets", line: 5, on: "masters[0]"),
    ])

    var pipeline: PlanPipeline {
        let rb = runbook
        return PlanPipeline(load: { (_: String) throws(DiagnosticError) -> Runbook in rb }, paramResolver: ParamResolver(environment: [:]))
    }

    @Test func plansWithInventoryAndParamsFile() throws {
        let hosts = try temp("hosts", "[masters]\nmaster1.example.com:2222\n")
        let params = try temp("params.yaml", "node: node1.example.com\n")
        let plan = try pipeline.plan(file: "drain.yaml", paramsFile: params, inventoryPath: hosts)
        #expect(plan.steps.map(\.hosts) == [["master1.example.com"]])
        #expect(plan.steps.first?.invocations.first?.command == "oc adm drain node1.example.com --ignore-daemonsets")
        #expect(plan.params.map { "\($0.name)=\($0.value)" } == ["delete_local_data=false", "node=node1.example.com"])
    }

    @Test func staticProblemsStopBeforeParams() {
        var bad = runbook
        bad.steps[0] = TestRunbook.run("drain", "oc adm drain ${{ params.nodes }}", line: 5)
        let pipeline = PlanPipeline(load: { (_: String) throws(DiagnosticError) -> Runbook in bad }, paramResolver: ParamResolver(environment: [:]))
        do {
            _ = try pipeline.plan(file: "drain.yaml")
            Issue.record("expected errors")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["test.yaml:5:23: error: unknown param 'nodes'"])
        }
    }

    @Test func defaultCoversAMissingCaptureOrHostVariable() throws {
        let e = Expression.call("default", [.reference(["host", "vars", "zone"]), .literal(.string("none"))])
        let v = try ExpressionEvaluator(context: EvaluationContext()).evaluate(e, at: TestTemplate.at(1))
        #expect(v == .string("none"))
    }
}
