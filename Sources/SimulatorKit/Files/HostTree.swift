import Foundation

/// One simulated host's file tree: absolute paths on the host map to `<simdir>/hosts/<host>/root/…`.
public struct HostTree: Sendable, Hashable {
    /// The directory standing for the host's `/`.
    public let root: String

    /// Creates a value with every field given.
    public init(simDirectory: String, host: String) {
        root = SimLayout(directory: simDirectory).hostsDirectory + "/" + host + "/root"
    }

    /// Where an absolute host path lives on the real disk.
    public func real(_ path: String) -> String {
        let clean = path.hasPrefix("/") ? path : "/" + path
        return root + clean
    }

    /// The file's text, or nil when it does not exist.
    public func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: real(path)) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// True when the file or directory exists.
    public func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: real(path)) }

    /// Writes a file, creating parent directories.
    /// - Throws: `SimError.io`.
    public func write(_ path: String, _ text: String) throws(SimError) {
        let target = real(path)
        do {
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: target), options: .atomic)
        } catch { throw SimError.io("cannot write \(path) on \(root): \(error)") }
    }

    /// Creates a directory and its parents.
    public func makeDirectory(_ path: String) throws(SimError) {
        do { try FileManager.default.createDirectory(atPath: real(path), withIntermediateDirectories: true) } catch {
            throw SimError.io("cannot create \(path): \(error)")
        }
    }

    /// The simulated controller's tree (`SimLayout.controllerHost`) gets `/tmp` and `/root` the
    /// first time something runs there (a rehearsal's step, a scenario's setup).
    public func makeControllerDirectories() throws(SimError) {
        try makeDirectory("/tmp")
        try makeDirectory("/root")
    }

    /// Names in a directory, sorted; empty when it does not exist.
    public func list(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: real(path))) ?? []).sorted()
    }

    /// The static pod manifest path of a master component (`api`, `controllers`, `etcd`).
    public static func manifest(_ component: String) -> String {
        switch component {
        case "api": "/etc/origin/node/pods/apiserver.yaml"
        case "controllers": "/etc/origin/node/pods/controller.yaml"
        default: "/etc/origin/node/pods/\(component).yaml"
        }
    }

    /// `KEY=value` lines of a sysconfig-style file (quotes stripped, comments skipped).
    public func variables(_ path: String) -> [String: String] {
        var vars: [String: String] = [:]
        for line in (read(path) ?? "").split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard !t.hasPrefix("#"), let eq = t.firstIndex(of: "=") else { continue }
            var value = String(t[t.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let f = value.first, f == "\"" || f == "'", value.last == f {
                value = String(value.dropFirst().dropLast())
            }
            vars[String(t[..<eq]).trimmingCharacters(in: .whitespaces)] = value
        }
        return vars
    }
}
