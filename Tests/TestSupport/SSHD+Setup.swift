#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunbookCore
import RunbookEngine

/// Creates the test user once per test process; concurrent tests share the one attempt.
private let testUserReady = Task<Void, any Error> {
    try await TestSSHD.shell("""
        id -u \(TestSSHD.user) >/dev/null 2>&1 || useradd -m -s /bin/sh -p '*' \(TestSSHD.user) || id -u \(TestSSHD.user)
        # A '!' (locked) password makes sshd refuse the login when PAM is off; '*' only forbids passwords.
        usermod -p '*' \(TestSSHD.user)
        """)
}

extension TestSSHD {
    static func ensureTestUser() async throws {
        do { try await testUserReady.value } catch {
            throw StartError(description: "cannot create the SSH test user '\(user)' (tests run as root in CI): \(error)")
        }
    }

    /// Runs a setup command locally; throws with its stderr when it fails.
    @discardableResult
    static func shell(_ command: String) async throws -> String {
        let sink = RecordingOutputSink()
        let result = try await LocalTransport().run(CommandRequest(command: command), sink: sink)
        guard result.status == .exited(0) else {
            throw StartError(description: "`\(command)` failed (\(result.status)): \(await sink.stderrText)")
        }
        return await sink.stdoutText
    }

    /// A port nothing listens on right now (bound to port 0 and released).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartError(description: "socket(): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw StartError(description: "bind(): \(String(cString: strerror(errno)))") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return address
    }

    /// Starts sshd in the foreground (`-D`) logging to `log` (`-e`); it is reaped by `stop()`.
    static func spawnDaemon(config: String, log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let words: [String] = ["/usr/sbin/sshd", "-f", config, "-D", "-e"]
        var argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/usr/sbin/sshd", &actions, nil, &argv, environ)
        guard rc == 0 else { throw StartError(description: "cannot start sshd: \(String(cString: strerror(rc)))") }
        return pid
    }
}

/// Small synchronous file reads for test assertions.
public enum TextFile {
    /// The file as UTF-8 text; nil when it cannot be read.
    public static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
