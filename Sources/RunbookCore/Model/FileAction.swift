/// Built-in file actions. They run through the host's transport, snapshot every file they
/// change (so their rollback is automatic) and show a unified diff in a dry-run.
public enum FileAction: Sendable, Hashable {
    /// Change a text file in place with one or more edits, applied in order. An edit that
    /// matches nothing fails the action unless its index is in `optional`.
    case edit(path: Template, edits: [FileEdit], optional: Set<Int> = [])
    /// Copy a file (the destination is snapshotted if it exists).
    case copy(from: Template, to: Template)
    /// Move (rename) a file; rollback moves it back.
    case move(from: Template, to: Template)
    /// Write a gzip tar of paths on the host into `to`; rollback removes the archive.
    case archive(paths: [Template], to: Template)
    /// Write a whole file.
    case write(path: Template, content: Template)
    /// Copy a file from the step's host to the machine running `runbook` (written atomically,
    /// mode 0600, parent directories created 0700), optionally encrypted on arrival with
    /// `openssl enc -aes-256-cbc -pbkdf2` and `passphrase` (then `to` gets `.enc`; an empty
    /// passphrase means no encryption). An existing different file is never
    /// overwritten, and nothing rolls a fetch back: a fetched backup is kept.
    case fetch(from: Template, to: Template, passphrase: Template? = nil)

    /// The largest file `fetch` copies: it holds the file in memory (transports read whole files).
    public static let fetchLimit = 512 << 20
    /// Added to a `fetch` destination when the file is encrypted.
    public static let encryptedSuffix = ".enc"
    /// `fetchLimit` for people.
    public static let fetchLimitDescription = "512 MiB"

    /// The YAML key of the action.
    public var keyword: String {
        switch self {
        case .edit: "edit"
        case .copy: "copy"
        case .move: "move"
        case .archive: "archive"
        case .write: "write"
        case .fetch: "fetch"
        }
    }
}

/// One change to a text file. Values from expressions are literal text here; in `pattern`s
/// they are regex-escaped, so a param can never widen a match.
public enum FileEdit: Sendable, Hashable {
    /// Replace every match of a regular expression (per line) with text.
    case replace(pattern: Template, with: Template)
    /// Remove every line that matches a regular expression.
    case deleteLines(matching: Template)
    /// Add a line if no line equals it; after the first line matching `after`, else at the end.
    case ensureLine(Template, after: Template?)
    /// Set `KEY=value` (shell-style config such as etcd.conf), adding the line if the key is absent.
    case setKey(key: Template, value: Template)
}
