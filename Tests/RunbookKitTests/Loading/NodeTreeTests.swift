import Foundation
import Testing
@testable import RunbookYAML

/// Swift Testing has a `SourceLocation` of its own; this file means the runbook one.
private typealias SourceLocation = RunbookYAML.SourceLocation

/// A parsed document is one `NodeTree` (issue 15: a node value, an array per collection and a
/// `String` per long scalar cost a fifth of `validate`'s time and a third of its tree's memory).
@Suite struct NodeTreeTests {
    private func parse(_ text: String) throws -> Node {
        try YAMLParser().parse(Array(text.utf8), file: "t.yaml")
    }

    /// A node is a reference to its tree and an index; the old node held its text, its children
    /// and its tag by value (64 bytes, several references).
    @Test func aNodeIsATreeAndAnIndex() {
        #expect(MemoryLayout<Node>.size <= 16)
        // Positions are stored as line and column numbers in the tree's one file.
        #expect(MemoryLayout<NodeTree.Record>.stride == 32)
    }

    @Test func everyNodeOfADocumentSharesOneTree() throws {
        let root = try parse("a: [x, {b: long scalar text that is not a small string}]\nc: d\n")
        let inner = try #require(root["a"]?.items?[1])
        #expect(inner.tree === root.tree)
        #expect(inner["b"]?.tree === root.tree)
        // 1 root mapping + 2 keys + sequence + 'x' + inner mapping + 'b' + its value + 'd' = 9 records.
        #expect(root.tree.records.count == 9)
    }

    @Test func contentPositionsAndStylesReadBack() throws {
        let root = try parse("k: 'quoted'\nlist:\n  - 1\n  - !!str 2\nblock: |\n  line one\n  line two\n")
        let pairs = try #require(root.pairs)
        #expect(pairs.map { $0.key.text } == ["k", "list", "block"])
        #expect(root["k"]?.scalar == Node.Scalar("quoted", style: .singleQuoted))
        #expect(root["k"]?.location.description == "t.yaml:1:4")
        #expect(root["k"]?.end?.description == "t.yaml:1:12")
        let items = try #require(root["list"]?.items)
        #expect(items.count == 2)
        #expect(items.map(\.text) == ["1", "2"])
        #expect(items[0].tag == nil)
        #expect(items[1].tag == "tag:yaml.org,2002:str")
        #expect(root["block"]?.scalar == Node.Scalar("line one\nline two\n", style: .literal))
        #expect(root["missing"] == nil)
        #expect(root["list"]?.kindName == "a list")
        #expect(root.kindName == "a mapping")
    }

    /// Byte comparisons agree with the text: a key is found only by its exact spelling.
    @Test func keysAreMatchedExactly() throws {
        let root = try parse("name: a\nnames: b\n\"é\": c\n")
        #expect(root["name"]?.text == "a")
        #expect(root["names"]?.text == "b")
        #expect(root["nam"] == nil)
        #expect(root["é"]?.text == "c")
        #expect(root["name"]?.hasText("a") == true)
        #expect(root["name"]?.hasText("ab") == false)
        #expect(root.hasText("") == false)
    }

    @Test func nullSpellingsAreNullOnlyWhenPlain() throws {
        let root = try parse("a: ~\nb: null\nc:\nd: 'null'\ne: nul\n")
        #expect(["a", "b", "c"].allSatisfy { root[$0]?.isNull == true })
        #expect(root["d"]?.isNull == false)
        #expect(root["e"]?.isNull == false)
    }

    /// An alias is the anchored node again, found where the alias is written; its children are the anchor's.
    @Test func anAliasSharesTheAnchoredChildrenAtItsOwnPosition() throws {
        let root = try parse("base: &b {x: 1, y: [2, 3]}\ncopy: *b\n")
        let base = try #require(root["base"])
        let copy = try #require(root["copy"])
        #expect(copy.location.description == "t.yaml:2:7")
        #expect(copy["y"]?.items?.map(\.text) == ["2", "3"])
        #expect(copy["x"]?.location == base["x"]?.location)
        #expect(copy.kind == base.kind)
        #expect(copy != base)
    }

    /// Equality is by content and position, as it was for node values, not by record.
    @Test func nodesFromTwoParsesOfOneTextAreEqual() throws {
        let one = try parse("a: [1, {b: c}]\n")
        let two = try parse("a: [1, {b: c}]\n")
        #expect(one.tree !== two.tree)
        #expect(one == two)
        #expect(one.hashValue == two.hashValue)
        #expect(try parse("a: [1, {b: d}]\n") != one)
    }

    @Test func aScalarMadeByHandHasNoEnd() {
        let at = SourceLocation(file: "t.yaml", line: 3, column: 4)
        let node = Node(scalar: "", at: at)
        #expect(node.isNull)
        #expect(node.text == "")
        #expect(node.location == at)
        #expect(node.end == nil)
        #expect(Node(scalar: "x", style: .doubleQuoted, at: at).scalarStyle == .doubleQuoted)
    }

    /// Children are moved into the tree when their collection closes; deep nesting and wide
    /// collections come back in order.
    @Test func nestedAndWideCollectionsKeepTheirOrder() throws {
        let wide = (0..<300).map { "k\($0): v\($0)" }.joined(separator: "\n")
        let root = try parse("outer:\n  - [a, [b, [c, d]], e]\n  - {\(wide.replacingOccurrences(of: "\n", with: ", "))}\n")
        let outer = try #require(root["outer"]?.items)
        #expect(outer[0].items?.map { $0.text ?? "[...]" } == ["a", "[...]", "e"])
        #expect(outer[0].items?[1].items?[1].items?.map(\.text) == ["c", "d"])
        let mapping = try #require(outer[1].pairs)
        #expect(mapping.count == 300)
        #expect(mapping.map { $0.key.text } == (0..<300).map { "k\($0)" })
        #expect(outer[1]["k299"]?.text == "v299")
    }
}

/// The tree's 32-bit indices bound the largest document any `--max-document-size` can allow.
@Suite struct DocumentSizeBoundTests {
    @Test func noLimitAllowsADocumentTheTreeCannotIndex() {
        #expect(YAMLLimits(maxBytes: 5_000_000_000).maxBytes == 2_147_483_647)
        var limits = YAMLLimits.default
        limits.maxBytes = Int.max
        #expect(limits.maxBytes == 2_147_483_647)
        #expect(YAMLLimits(maxBytes: 100).maxBytes == 100)
    }
}
