import Foundation
import Testing
import RunbookYAML

/// Swift Testing has a `SourceLocation` of its own; this file means the runbook one.
private typealias SourceLocation = RunbookYAML.SourceLocation

/// Locations are three integers with one shared table of file names (issue 15: a `String` file
/// name in every location cost a retain and release per copy of every node).
@Suite struct SourceLocationTests {
    @Test func aLocationHoldsNoReference() {
        #expect(_isPOD(SourceLocation.self))
        #expect(MemoryLayout<SourceLocation>.size == 12)
    }

    @Test func theFileNameComesBackAsWritten() {
        let a = SourceLocation(file: "runbooks/../x.yaml", line: 3, column: 7)
        #expect(a.file == "runbooks/../x.yaml")
        #expect(a.description == "runbooks/../x.yaml:3:7")
        #expect(a == SourceLocation(file: "runbooks/../x.yaml", line: 3, column: 7))
        #expect(a != SourceLocation(file: "x.yaml", line: 3, column: 7))
    }

    @Test func changingTheFileLineOrColumnChangesOnlyThat() {
        var l = SourceLocation(file: "one.yaml", line: 1, column: 1)
        l.file = "two.yaml"
        l.line += 4
        l.column = 9
        #expect(l == SourceLocation(file: "two.yaml", line: 5, column: 9))
    }

    /// Sorted by file name, not by when the name entered the table.
    @Test func locationsSortByFileNameThenPosition() {
        let late = SourceLocation(file: "zz-sort-b.yaml", line: 1, column: 1)
        let early = SourceLocation(file: "zz-sort-a.yaml", line: 9, column: 9)
        #expect(early < late)
        #expect(!(late < early))
        #expect(SourceLocation(file: "zz-sort-b.yaml", line: 1, column: 2) > late)
        #expect(SourceLocation(file: "zz-sort-b.yaml", line: 2, column: 1) > SourceLocation(file: "zz-sort-b.yaml", line: 1, column: 50))
    }

    @Test func jsonFormIsFileLineColumn() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(SourceLocation(file: "a.yaml", line: 2, column: 5))
        #expect(String(decoding: data, as: UTF8.self) == #"{"column":5,"file":"a.yaml","line":2}"#)
        #expect(try JSONDecoder().decode(SourceLocation.self, from: data) == SourceLocation(file: "a.yaml", line: 2, column: 5))
    }

    @Test func parsedNodesCarryTheFileName() throws {
        let node = try YAMLParser().parse(Array("a:\n  - b\n".utf8), file: "dir/parsed.yaml")
        #expect(node["a"]?.items?.first?.location.description == "dir/parsed.yaml:2:5")
    }

    /// The duplicate-key check skips number and boolean parsing for keys that start with a letter
    /// no such spelling starts with; keys that could be a float, null or boolean still keep their type.
    @Test func specialSpellingsKeepTheirTypeInTheDuplicateCheck() throws {
        let text = "m: {inf: a, 'inf': b, NaN: c, 'NaN': d, null: e, 'null': f, False: g, 'False': h, Infinity: i, 'Infinity': j}\n"
        #expect(try YAMLParser().parse(Array(text.utf8), file: "h.yaml")["m"]?.pairs?.count == 10)
        do {
            _ = try YAMLParser().parse(Array("m: {key: a, ok: b, 'key': c}\n".utf8), file: "h.yaml")
            Issue.record("expected a duplicate key")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["h.yaml:1:20: error: duplicate key 'key'"])
        }
    }
}
