/// A position in a source file: 1-based line and column, as editors and compilers show them.
///
/// Stored as three 32-bit integers: the file is an index into one process-wide `FileTable`, so a
/// location holds no `String` (copying one retains nothing; a parse makes hundreds of thousands).
public struct SourceLocation: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The file's index in `FileTable.shared` (the same name always has the same index).
    package let fileID: Int32
    private var line32: Int32
    private var column32: Int32

    /// The file as the user named it (relative paths stay relative, so messages match what they typed).
    public var file: String {
        get { FileTable.shared.name(fileID) }
        set { self = SourceLocation(file: newValue, line: line, column: column) }
    }

    /// 1-based line.
    public var line: Int {
        get { Int(line32) }
        set { line32 = Self.clamp(newValue) }
    }

    /// 1-based column, counted in Unicode scalars.
    public var column: Int {
        get { Int(column32) }
        set { column32 = Self.clamp(newValue) }
    }

    public init(file: String, line: Int, column: Int) {
        self.init(fileID: FileTable.shared.id(file), line: line, column: column)
    }

    /// A location in a file already in the table (the parser interns its file name once).
    package init(fileID: Int32, line: Int, column: Int) {
        self.fileID = fileID
        line32 = Self.clamp(line)
        column32 = Self.clamp(column)
    }

    /// Lines and columns past 2^31 cannot occur within the document size limits; clamp rather than trap.
    private static func clamp(_ value: Int) -> Int32 { Int32(clamping: value) }

    /// `file:line:column`, the form every diagnostic starts with.
    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        if lhs.fileID != rhs.fileID, lhs.file != rhs.file { return lhs.file < rhs.file }
        return (lhs.line32, lhs.column32) < (rhs.line32, rhs.column32)
    }

    private enum CodingKeys: String, CodingKey { case file, line, column }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(file: try c.decode(String.self, forKey: .file), line: try c.decode(Int.self, forKey: .line),
                  column: try c.decode(Int.self, forKey: .column))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(line, forKey: .line)
        try c.encode(column, forKey: .column)
    }
}
