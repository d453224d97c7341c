#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunbookCore
import RunbookEngine

/// A real OpenSSH server on 127.0.0.1 for one test: a free port, a throwaway host key and
/// user key, its own known_hosts. Logins go to the dedicated user `runbook-test` (login shell
/// /bin/sh, so no rc file slows or pollutes commands; root's ~/.bashrc here adds ~150 ms).
///
/// `start()` fails with a clear message when sshd is missing (`scripts/install-deps --test` installs
/// it): tests never skip silently. `stop()` kills the server and every session it started.
public final class TestSSHD: Sendable {
    /// The login used by tests.
    public static let user = "runbook-test"

    /// The port sshd listens on (127.0.0.1).
    public let port: Int
    /// Keys, config, log and control sockets; removed when the server is released.
    public let directory: Scratch
    /// Private key whose public half is authorized.
    public let userKey: String
    /// known_hosts holding this server's real host key.
    public let knownHosts: String
    /// The server's own log (`-e` output).
    public let logFile: String
    /// The listening sshd.
    public let pid: pid_t

    /// Why the server could not start; the tests fail with this text.
    public struct StartError: Error, CustomStringConvertible {
        /// What is missing or what sshd printed.
        public var description: String
    }

    private init(port: Int, directory: Scratch, pid: pid_t) {
        self.port = port
        self.directory = directory
        self.userKey = directory.path("user_key")
        self.knownHosts = directory.path("known_hosts")
        self.logFile = directory.path("sshd.log")
        self.pid = pid
    }

    /// Generates keys and config, starts `/usr/sbin/sshd -D -e` and waits until it accepts connections.
    /// - Throws: `StartError` saying what is missing or what sshd printed.
    public static func start() async throws -> TestSSHD {
        guard access("/usr/sbin/sshd", X_OK) == 0 else {
            throw StartError(description: "/usr/sbin/sshd is not installed: the SSH tests need Debian's openssh-server (run scripts/install-deps --test)")
        }
        try await ensureTestUser()
        let dir = try Scratch(prefix: "runbook-sshd")
        chmod(dir.path, 0o755)  // sessions of the test user traverse it
        for key in ["host_key", "user_key"] {
            try await shell("ssh-keygen -q -t ed25519 -N '' -C runbook-test -f \(dir.path(key))")
        }
        try await shell("cp \(dir.path("user_key.pub")) \(dir.path("authorized_keys")) && mkdir -p /run/sshd && chmod 0755 /run/sshd")
        let port = try freePort()
        try await shell("printf '[127.0.0.1]:\(port) %s\\n' \"$(cut -d' ' -f1,2 \(dir.path("host_key.pub")))\" > \(dir.path("known_hosts"))")
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(dir.path("host_key"))
            PidFile \(dir.path("sshd.pid"))
            AuthorizedKeysFile \(dir.path("authorized_keys"))
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            UseDNS no
            PermitRootLogin prohibit-password
            MaxStartups 100
            MaxSessions 100
            LogLevel INFO
            Subsystem sftp internal-sftp
            """
        try await shell("cat > \(dir.path("sshd_config")) <<'EOF'\n\(config)\nEOF")
        let pid = try spawnDaemon(config: dir.path("sshd_config"), log: dir.path("sshd.log"))
        let server = TestSSHD(port: port, directory: dir, pid: pid)
        try await server.waitUntilListening()
        return server
    }

    /// An inventory host reaching this server as `user`, with `identity` (default: the authorized key).
    public func host(name: String = "node-1", user: String = TestSSHD.user, identity: String? = nil,
                     become: Bool = false, knownHosts: String? = nil) -> InventoryHost {
        InventoryHost(name: name, address: "127.0.0.1", transport: .ssh, user: user, port: port,
                      identityFile: identity ?? userKey, become: become,
                      vars: ["ssh_options": .list(clientOptions(knownHosts: knownHosts ?? self.knownHosts).map(Value.string))])
    }

    /// Options isolating the client from the machine's ssh config and agent.
    public func clientOptions(knownHosts: String) -> [String] {
        ["-F", "/dev/null", "-o", "UserKnownHostsFile=\(knownHosts)", "-o", "StrictHostKeyChecking=yes",
         "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR"]
    }

    /// A transport to this server with control sockets under this server's directory.
    public func transport(_ host: InventoryHost? = nil, multiplexing: Bool = true) -> SSHTransport {
        SSHTransport(host: host ?? self.host(), multiplexing: multiplexing,
                     controlDirectory: directory.path("cm"))
    }

    /// A fresh directory the test user owns, for remote file actions.
    public func userDirectory(_ name: String) async throws -> String {
        let path = directory.path(name)
        try await Self.shell("mkdir -p \(path) && chown \(Self.user) \(path)")
        return path
    }

    /// How many logins sshd accepted so far (one per connection, whatever runs over it).
    public func acceptedLogins() -> Int {
        let log = TextFile.read(logFile) ?? ""
        return log.split(whereSeparator: \.isNewline).filter { $0.contains("Accepted publickey") }.count
    }

    /// Kills sshd and every session process it started: the connection drops mid-command.
    public func stop() {
        for child in ProcessProbe.descendants(of: pid) { kill(child, SIGKILL) }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        removeOrphanedTokenFiles()
    }

    /// Commands killed together with sshd never removed their `/tmp/runbook-<token>.pgid`:
    /// delete the test user's files whose process group is gone.
    private func removeOrphanedTokenFiles() {
        guard let dir = opendir("/tmp"), let account = getpwnam(Self.user) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix("runbook-"), name.hasSuffix(".pgid") else { continue }
            let path = "/tmp/\(name)"
            var info = stat()
            guard lstat(path, &info) == 0, info.st_uid == account.pointee.pw_uid,
                  let group = TextFile.read(path).flatMap({ pid_t($0.filter(\.isNumber)) }),
                  kill(-group, 0) != 0 else { continue }
            unlink(path)
        }
    }

    deinit { directory.remove() }

    private func waitUntilListening() async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(60))
        while clock.now < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                let log = TextFile.read(logFile) ?? ""
                throw StartError(description: "sshd exited at start (status \(status)):\n\(log)")
            }
            if Self.canConnect(port: port) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        stop()
        throw StartError(description: "sshd did not accept connections on 127.0.0.1:\(port) within 10 s")
    }
}
