/// Bounds that keep hostile or accidental input from exhausting memory or the stack.
public struct YAMLLimits: Sendable, Hashable {
    /// Largest document accepted, in bytes (never more than `largestDocument`).
    public var maxBytes: Int {
        didSet { maxBytes = min(maxBytes, Self.largestDocument) }
    }
    /// Deepest nesting of sequences and mappings.
    public var maxDepth: Int
    /// Most nodes that alias expansion may produce in total (an alias bomb multiplies them).
    public var maxAliasExpansion: Int

    public init(maxBytes: Int = 16 << 20, maxDepth: Int = 256, maxAliasExpansion: Int = 100_000) {
        self.maxBytes = min(maxBytes, Self.largestDocument)
        self.maxDepth = maxDepth
        self.maxAliasExpansion = maxAliasExpansion
    }

    /// A `NodeTree` addresses its nodes and text with 32-bit indices, and a document has fewer
    /// nodes and scalar bytes than bytes: 2 GiB - 1 is the most any limit may allow.
    public static let largestDocument = Int(Int32.max)

    /// The defaults: 16 MiB, depth 256, 100,000 aliased nodes.
    public static let `default` = YAMLLimits()
}
