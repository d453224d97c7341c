import Testing
import RunbookYAML
import RunbookCore
import TestSupport

@Suite struct ExpressionEvaluatorTests {
    let at = TestTemplate.at(7, 12)
    var context: EvaluationContext {
        var inventory = Inventory(hosts: [InventoryHost(name: "m1", address: "10.0.0.1", vars: ["zone": .string("a")]),
                                          InventoryHost(name: "m2")], groups: ["masters": ["m1", "m2"]])
        inventory.file = "hosts"
        return EvaluationContext(
            params: ["node": .string("n1"), "count": .int(3), "force": .bool(true), "tags": .list([.string("a"), .string("b")]),
                     "empty": .string(""), "password": .string("s3cret")],
            secretParams: ["password"],
            steps: ["backup": .init(status: "succeeded", outputs: ["path": .string("/b/x.db")])],
            inventory: inventory, host: inventory.host("m1"))
    }

    func eval(_ e: Expression, _ c: EvaluationContext? = nil) throws(Diagnostic) -> Value {
        try ExpressionEvaluator(context: c ?? context).evaluate(e, at: at)
    }

    func error(_ e: Expression, _ c: EvaluationContext? = nil) -> Diagnostic? {
        do { _ = try eval(e, c); return nil } catch { return error }
    }

    @Test func references() throws {
        #expect(try eval(.reference(["params", "node"])) == .string("n1"))
        #expect(try eval(.reference(["steps", "backup", "outputs", "path"])) == .string("/b/x.db"))
        #expect(try eval(.reference(["steps", "backup", "status"])) == .string("succeeded"))
        #expect(try eval(.reference(["hosts", "masters"])) == .list([.string("m1"), .string("m2")]))
        #expect(try eval(.reference(["host"])) == .string("m1"))
        #expect(try eval(.reference(["host", "address"])) == .string("10.0.0.1"))
        #expect(try eval(.reference(["host", "vars", "zone"])) == .string("a"))
        #expect(try eval(.index(.reference(["hosts", "masters"]), .literal(.int(1)))) == .string("m2"))
    }

    @Test func operatorsAndFunctions() throws {
        #expect(try eval(.binary(.equal, .reference(["params", "node"]), .literal(.string("n1")))) == .bool(true))
        #expect(try eval(.binary(.greater, .reference(["params", "count"]), .literal(.int(2)))) == .bool(true))
        #expect(try eval(.binary(.and, .reference(["params", "force"]), .not(.literal(.bool(true))))) == .bool(false))
        #expect(try eval(.conditional(.reference(["params", "force"]), .literal(.string("y")), .literal(.string("n")))) == .string("y"))
        #expect(try eval(.call("join", [.reference(["params", "tags"]), .literal(.string(","))])) == .string("a,b"))
        #expect(try eval(.call("length", [.reference(["params", "tags"])])) == .int(2))
        #expect(try eval(.call("contains", [.reference(["params", "tags"]), .literal(.string("b"))])) == .bool(true))
        #expect(try eval(.call("contains", [.reference(["params", "node"]), .literal(.string("1"))])) == .bool(true))
        #expect(try eval(.call("default", [.reference(["params", "empty"]), .literal(.string("fb"))])) == .string("fb"))
        #expect(try eval(.call("matches", [.reference(["params", "node"]), .literal(.string("^n[0-9]$"))])) == .bool(true))
    }

    @Test func errorsArePositionedWithHints() {
        let unknown = error(.reference(["params", "nod"]))
        #expect(unknown?.description == "test.yaml:7:12: error: unknown param 'nod'")
        #expect(unknown?.hint == "did you mean 'node'?")
        #expect(error(.call("length", [.literal(.bool(true))]))?.message == "length needs a string, list or map, found bool")
        #expect(error(.index(.reference(["hosts", "masters"]), .literal(.int(5))))?.message == "index 5 is out of range for a list of 2 items")
        #expect(error(.reference(["item"]))?.message == "'item' is only available in a step with for_each")
        #expect(error(.reference(["hosts", "master"]))?.hint == "did you mean 'masters'?")
        #expect(error(.call("lenght", [.literal(.string("x"))]))?.hint == "did you mean 'length'?")
        #expect(error(.binary(.less, .literal(.int(1)), .literal(.string("a"))))?.message
                == "'<' compares two ints or two strings, found int and string")
        #expect(error(.reference(["steps", "drain", "outputs", "pods"]))?.message
                == "step 'drain' has not run, so 'steps.drain.outputs.pods' has no value")
    }

    @Test func unknownCapturesArePlaceholdersInPlans() throws {
        var c = context
        c.allowUnknown = true
        let t = TestTemplate.parse("etcdctl member remove ${{ steps.find.outputs.id }}")
        let r = try TemplateRenderer().render(t, in: c, mode: .shell)
        #expect(r.text == "etcdctl member remove <steps.find.outputs.id>")
        #expect(r.redacted == r.text)
        let when = TestTemplate.parse("${{ steps.find.outputs.id }}")
        #expect(try ExpressionEvaluator(context: c).evaluateCondition(when) == nil)
        // Short-circuit: known false decides without the unknown side.
        let e = Expression.binary(.and, .literal(.bool(false)), .reference(["steps", "find", "outputs", "id"]))
        #expect(try ExpressionEvaluator(context: c).evaluate(e, at: at) == .bool(false))
    }

    @Test func secretsAreRedacted() throws {
        let t = TestTemplate.parse("login -p ${{ params.password }} ${{ params.node }}")
        let r = try TemplateRenderer().render(t, in: context, mode: .shell)
        #expect(r.text == "login -p s3cret n1")
        #expect(r.redacted == "login -p *** n1")
        #expect(r.secrets == ["s3cret"])
    }

    @Test func regexAndTextModes() throws {
        let c = EvaluationContext(params: ["host": .string("m1.example.com")])
        let t = TestTemplate.parse("server\\s+${{ params.host }}\\s")
        #expect(try TemplateRenderer().render(t, in: c, mode: .regex).text == "server\\s+m1\\.example\\.com\\s")
        #expect(try TemplateRenderer().render(t, in: c, mode: .text).text == "server\\s+m1.example.com\\s")
    }
}
