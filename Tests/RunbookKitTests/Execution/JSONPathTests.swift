import Foundation
import Testing
@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine

@Suite("JSON path subset")
struct JSONPathTests {
    static let doc = #"{"items":[{"metadata":{"name":"master-0","labels":{"a-b":"x"}},"ready":true,"n":2,"f":1.5}],"none":null}"#

    @Test("paths resolve to values of the right type", arguments: [
        ("$.items[0].metadata.name", Value.string("master-0")),
        (".items[0].ready", .bool(true)),
        ("items[0].n", .int(2)),
        ("$.items[0].f", .string("1.5")),
        ("$.items[0].metadata.labels['a-b']", .string("x")),
        ("$.none", .null),
    ])
    func resolves(path: String, expected: Value) throws {
        let parsed = try #require(JSONPath(path))
        #expect(try parsed.lookup(inJSON: Self.doc).get() == expected)
    }

    @Test("absent paths are nil; unsupported paths do not parse; non-JSON is an error")
    func edges() throws {
        #expect(try JSONPath("$.items[3].x")?.lookup(inJSON: Self.doc).get() == nil)
        #expect(JSONPath("$.items[*]") == nil)
        #expect(JSONPath("$..name") == nil)
        #expect(throws: JSONPathError.self) { try JSONPath("$.a")?.lookup(inJSON: "not json").get() }
    }
}
