/// Bounds that keep hostile or accidental input from exhausting memory or the stack.
public struct YAMLLimits: Sendable, Hashable {
    /// Largest document accepted, in bytes.
    public var maxBytes: Int
    /// Deepest nesting of sequences and mappings.
    public var maxDepth: Int
    /// Most nodes that alias expansion may produce in total (an alias bomb multiplies them).
    public var maxAliasExpansion: Int

    public init(maxBytes: Int = 16 << 20, maxDepth: Int = 256, maxAliasExpansion: Int = 100_000) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxAliasExpansion = maxAliasExpansion
    }

    /// The defaults: 16 MiB, depth 256, 100,000 aliased nodes.
    public static let `default` = YAMLLimits()
}
