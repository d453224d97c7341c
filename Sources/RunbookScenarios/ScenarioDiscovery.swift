import Foundation

/// Finds scenario files: each PATH is a `*.test.yaml` file or a directory searched recursively.
public enum ScenarioDiscovery {
    /// Scenario files under `paths`, sorted; a missing path is returned as is (the loader reports it).
    public static func files(in paths: [String]) -> [String] {
        var found: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                found.append(path)
                continue
            }
            let walker = FileManager.default.enumerator(atPath: path)
            while let entry = walker?.nextObject() as? String {
                if entry.hasSuffix(".test.yaml") || entry.hasSuffix(".test.yml") {
                    found.append((path as NSString).appendingPathComponent(entry))
                }
            }
        }
        return found.sorted()
    }
}
