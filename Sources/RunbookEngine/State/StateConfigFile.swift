import Foundation
import RunbookYAML

/// `runbook.yaml`: where the state is and how to reach it, so that a team writes the store's
/// URL and TLS files once instead of on every command.
///
/// ```
/// state: etcd://10.0.0.11:2379,10.0.0.12:2379,10.0.0.13:2379/runbook
/// cacert: team-ca.crt      # relative paths are relative to this file's directory
/// cert: ann.crt
/// key: ann.key
/// dial-timeout: 5
/// command-timeout: 5
/// lock-ttl: 15
/// ```
///
/// Every key is optional; an unknown key or a value of the wrong shape is an error with its
/// `file:line:column`, like the rest of the loader (a typo must not silently mean "local state").
public struct StateConfigFile: Sendable, Hashable {
    /// The file's name, beside the runbooks and in the user's config directory.
    public static let fileName = "runbook.yaml"
    static let keys = ["state", "cacert", "cert", "key", "dial-timeout", "command-timeout", "lock-ttl"]

    /// A `--state` value: a directory or `etcd://…`.
    public var state: String?
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var dialTimeout: Int?
    public var commandTimeout: Int?
    public var lockTTL: Int?

    public init() {}

    /// Reads `path`. Relative paths in it (a state directory, the TLS files) are made relative
    /// to the file's directory, so the file means the same from any working directory.
    /// - Throws: every problem of the file, each with its position.
    public static func load(_ path: String) throws(DiagnosticError) -> StateConfigFile {
        let root = try YAMLParser().parse(contentsOf: path)
        guard !root.isNull else { return StateConfigFile() }
        guard let pairs = root.pairs else {
            throw DiagnosticError(.error("\(fileName) must be a mapping of settings, not a \(root.kindName)", at: root.location))
        }
        let base = (path as NSString).deletingLastPathComponent
        var config = StateConfigFile()
        var problems: [Diagnostic] = []
        for pair in pairs {
            let key = pair.key.text ?? ""
            guard keys.contains(key) else {
                let guess = DidYouMean.suggestion(for: key, among: keys).map { " (did you mean '\($0)'?)" } ?? ""
                problems.append(.error("unknown key '\(key)' in \(fileName)\(guess)", at: pair.key.location,
                                       hint: "expected one of: \(keys.joined(separator: ", "))"))
                continue
            }
            guard let text = pair.value.text, !text.isEmpty else {
                problems.append(.error("'\(key)' must be a non-empty string", at: pair.value.location))
                continue
            }
            switch key {
            case "state":
                // checked here, where the value's position is known
                do throws(StateLocationError) { _ = try StateLocation.parse(text) } catch {
                    problems.append(.error("'state': \(error.reason)", at: pair.value.location))
                    continue
                }
                config.state = text.contains("://") ? text : relative(text, to: base)
            case "cacert": config.caFile = relative(text, to: base)
            case "cert": config.certFile = relative(text, to: base)
            case "key": config.keyFile = relative(text, to: base)
            default:
                guard let seconds = Int(text), seconds >= 1 else {
                    problems.append(.error("'\(key)' must be a whole number of seconds, at least 1", at: pair.value.location))
                    continue
                }
                switch key {
                case "dial-timeout": config.dialTimeout = seconds
                case "command-timeout": config.commandTimeout = seconds
                default: config.lockTTL = seconds
                }
            }
        }
        guard problems.isEmpty else { throw DiagnosticError(problems) }
        return config
    }

    /// Each setting of `self`, else the one of `fallback`.
    public func over(_ fallback: StateConfigFile) -> StateConfigFile {
        var merged = self
        merged.state = state ?? fallback.state
        merged.caFile = caFile ?? fallback.caFile
        merged.certFile = certFile ?? fallback.certFile
        merged.keyFile = keyFile ?? fallback.keyFile
        merged.dialTimeout = dialTimeout ?? fallback.dialTimeout
        merged.commandTimeout = commandTimeout ?? fallback.commandTimeout
        merged.lockTTL = lockTTL ?? fallback.lockTTL
        return merged
    }

    /// The config files that apply, most important first: beside the runbooks (`directories`),
    /// then the user's (`$XDG_CONFIG_HOME/runbook/runbook.yaml`, else
    /// `~/.config/runbook/runbook.yaml`). Only the files that exist.
    public static func paths(besideRunbooks directories: [String], environment: [String: String]) -> [String] {
        var candidates = directories.map { ($0.isEmpty ? "." : $0) + "/" + fileName }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            candidates.append("\(xdg)/runbook/\(fileName)")
        } else if let home = environment["HOME"], !home.isEmpty {
            candidates.append("\(home)/.config/runbook/\(fileName)")
        }
        var seen = Set<String>()
        return candidates.filter { seen.insert($0).inserted && FileManager.default.fileExists(atPath: $0) }
    }

    /// The settings of the files at `paths`, the first one's winning.
    /// - Throws: every problem of every file.
    public static func load(paths: [String]) throws(DiagnosticError) -> StateConfigFile {
        var merged = StateConfigFile()
        var problems: [Diagnostic] = []
        for path in paths.reversed() {
            do {
                merged = try load(path).over(merged)
            } catch {
                problems += error.diagnostics
            }
        }
        guard problems.isEmpty else { throw DiagnosticError(problems) }
        return merged
    }

    private static func relative(_ path: String, to base: String) -> String {
        path.hasPrefix("/") || base.isEmpty ? path : "\(base)/\(path)"
    }
}
