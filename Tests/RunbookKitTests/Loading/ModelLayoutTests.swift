import Testing
import TestSupport
@testable import RunbookCore

/// Issue 15: the loaded model was ten times the file, and a `Step` was 953 bytes inline, 625 of
/// them for an `Action` sized by its largest case (`Condition`) and a `verify` that few steps have.
@Suite("The model's inline size")
struct ModelLayoutTests {
    @Test("an action is a template or a pointer; a step keeps verify out of line")
    func largeFieldsAreOutOfLine() {
        #expect(MemoryLayout<Action>.size <= MemoryLayout<Template>.size + 1)
        #expect(MemoryLayout<Step>.size <= 400, "Step is \(MemoryLayout<Step>.size) bytes")
    }

    @Test("verify set, read, compared and hashed by its contents")
    func verifyKeepsValueSemantics() {
        let condition = Condition(command: .test("test -f /done"), location: testLocation)
        var a = Step(id: "a", action: .run(.test("true")), location: testLocation)
        var b = a
        #expect(a.verify == nil)
        a.verify = condition
        #expect(a.verify == condition)
        #expect(a != b)
        b.verify = Condition(command: .test("test -f /done"), location: testLocation)
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        b.verify = nil
        #expect(b.verify == nil && a.verify == condition)
    }
}
