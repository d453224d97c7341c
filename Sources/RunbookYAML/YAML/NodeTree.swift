/// One parsed document's nodes, stored flat: a record per node in one array, the children of every
/// collection as index runs in a second, and the text of every scalar as byte runs in a third.
///
/// A tree of 173,000 nodes (a 10,000-step runbook) is three allocations instead of one value, one
/// array or two and often a `String` per node, and a `Node` is a reference to this storage and an
/// index (copying one retains one object). Scalars are kept as the bytes libyaml decoded, and
/// become `String`s only when a reader asks for their text. Immutable once built, so it is shared
/// freely between threads.
public final class NodeTree: Sendable {
    struct Record: Sendable {
        enum Kind: UInt8, Sendable { case scalar, sequence, mapping }
        var kind: Kind
        var style: Node.Scalar.Style
        /// False only for nodes made by hand, which have no end.
        var hasEnd: Bool
        /// Index into `tags`, or -1 for none.
        var tag: Int32
        // Positions in the tree's one file (32 bytes a record rather than 44 with two `SourceLocation`s).
        var line: Int32
        var column: Int32
        var endLine: Int32
        var endColumn: Int32
        /// A scalar: its first byte in `text`; a collection: its first child in `children`.
        var first: Int32
        /// A scalar: its length in bytes; a sequence: its items; a mapping: its pairs.
        var count: Int32

        init(kind: Kind, style: Node.Scalar.Style, tag: Int32, at location: SourceLocation, end: SourceLocation?, first: Int32, count: Int32) {
            self.kind = kind
            self.style = style
            self.tag = tag
            (line, column) = Self.position(location)
            hasEnd = end != nil
            endLine = Int32(clamping: end?.line ?? 0)
            endColumn = Int32(clamping: end?.column ?? 0)
            self.first = first
            self.count = count
        }

        /// Moves the node's start (an alias is its anchor found somewhere else).
        mutating func move(to location: SourceLocation) { (line, column) = Self.position(location) }

        private static func position(_ location: SourceLocation) -> (Int32, Int32) {
            (Int32(clamping: location.line), Int32(clamping: location.column))
        }
    }

    /// The file every node is in (an index into `FileTable.shared`).
    let fileID: Int32
    let records: [Record]
    /// Each sequence's items, each mapping's keys and values alternating (key, value, key, value).
    let children: [Int32]
    let text: [UInt8]
    let tags: [String]

    init(fileID: Int32, records: [Record], children: [Int32], text: [UInt8], tags: [String]) {
        self.fileID = fileID
        self.records = records
        self.children = children
        self.text = text
        self.tags = tags
    }

    func location(_ record: Record) -> SourceLocation { Self.location(record, in: fileID) }

    static func location(_ record: Record, in fileID: Int32) -> SourceLocation {
        SourceLocation(fileID: fileID, line: Int(record.line), column: Int(record.column))
    }

    func end(_ record: Record) -> SourceLocation? {
        record.hasEnd ? SourceLocation(fileID: fileID, line: Int(record.endLine), column: Int(record.endColumn)) : nil
    }

    /// The text of the scalar at `record`, decoded now.
    func string(_ record: Record) -> String { Self.string(record, in: text) }

    /// The text of the scalar at `record` in `text` (also used while the tree is being built).
    static func string(_ record: Record, in text: [UInt8]) -> String {
        text.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(record.first)..<Int(record.first + record.count)]), as: UTF8.self)
        }
    }

    /// True when the scalar at `record` is exactly `string`, compared as bytes (no `String` made).
    func scalar(_ record: Record, equals string: String) -> Bool {
        let bytes = Int(record.first)..<Int(record.first + record.count)
        return string.utf8.count == bytes.count && string.utf8.elementsEqual(text[bytes])
    }
}
