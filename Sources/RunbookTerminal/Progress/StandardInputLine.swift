import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Waiting for one line on stdin without holding a thread of the concurrency pool: the blocking
/// read runs on a thread of its own. `runbook test` releases a held step (`--hold-at`) this way.
public enum StandardInputLine {
    /// Returns after a newline or end of file (a runner that went away releases every hold).
    public static func wait() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                var byte: UInt8 = 0
                while read(STDIN_FILENO, &byte, 1) == 1, byte != 0x0A {}
                done.resume()
            }
        }
    }
}
