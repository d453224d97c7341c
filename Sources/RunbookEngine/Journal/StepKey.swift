/// Reading a `StepInstance.key` (`id`, `id@host`, `id[item]`, `id[item]@host`) back.
package enum StepKey {
    /// The step id at the front of a key: everything before the first `[` or `@`.
    package static func stepID(of key: String) -> String {
        String(key.prefix { $0 != "[" && $0 != "@" })
    }
}
