@testable import RunbookYAML
@testable import RunbookCore
@testable import RunbookEngine
import Testing
import TestSupport

/// A host that accepts the TCP connection and then never speaks (a listener on loopback that
/// never accepts): ssh's own timeouts and the step timeout must end the attempt.
@Suite struct SSHTimeoutTests {
    static func silentHost(_ listener: SilentListener, vars: [String: Value] = [:]) -> InventoryHost {
        InventoryHost(name: "silent", address: "127.0.0.1", user: "nobody", port: listener.port,
                      vars: vars.merging(["ssh_options": .list([
                          "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                      ].map(Value.string))]) { a, _ in a })
    }

    /// A host that never speaks, its listener (kept alive by the caller) and a private control directory.
    struct Silent {
        let listener: SilentListener
        let dir: Scratch
        let transport: SSHTransport
        var address: String { "nobody@127.0.0.1:\(listener.port)" }

        init(connectTimeout: Int) throws {
            listener = try SilentListener()
            dir = try Scratch()
            transport = SSHTransport(host: SSHTimeoutTests.silentHost(listener, vars: ["ssh_connect_timeout": .int(connectTimeout)]),
                                     controlDirectory: dir.path("cm"))
        }
    }

    @Test func connectTimeoutAndServerAliveAreSetAndOverridable() throws {
        let defaults = try SSHTransport(host: InventoryHost(name: "h"), multiplexing: false).arguments(remote: "true")
        #expect(defaults.joined(separator: " ").contains(
            "-o ConnectTimeout=10 -o ServerAliveInterval=15 -o ServerAliveCountMax=3 -- h true"))
        let tuned = InventoryHost(name: "h", vars: ["ssh_connect_timeout": .int(3), "ssh_server_alive_interval": .string("none"),
                                                    "ssh_server_alive_count_max": .string("5")])
        let args = try SSHTransport(host: tuned, multiplexing: false).arguments(remote: "true").joined(separator: " ")
        #expect(args.contains("-o ConnectTimeout=3 -o ServerAliveCountMax=5 -- h true"))
        #expect(!args.contains("ServerAliveInterval"))
        let bad = InventoryHost(name: "h", vars: ["ssh_connect_timeout": .string("soon")])
        let error = #expect(throws: TransportError.self) { try SSHTransport(host: bad).arguments(remote: "true") }
        #expect(error?.message == "ssh_connect_timeout must be a positive whole number or 'none', not 'soon'")
    }

    @Test(.timeLimit(.minutes(1)))
    func connectTimeoutEndsAConnectionThatNeverSpeaks() async throws {
        let silent = try Silent(connectTimeout: 1)
        defer { silent.dir.remove() }
        let error = await #expect(throws: TransportError.self) {
            try await silent.transport.run(CommandRequest(command: "true"), sink: RecordingOutputSink())
        }
        #expect(error?.kind == .unreachable)
        #expect(error?.message.hasPrefix("cannot reach \(silent.address): Connection timed out") == true)
    }

    @Test(.timeLimit(.minutes(1)))
    func stepTimeoutBoundsTheConnectionSetup() async throws {
        // ssh's own connect timeout is longer than the step's: the step timeout must end it.
        let silent = try Silent(connectTimeout: 600)
        defer { silent.dir.remove() }
        let sink = RecordingOutputSink()
        let request = CommandRequest(command: "true", timeout: TimeSpan(milliseconds: 500), gracePeriod: .seconds(1))
        let result = try await silent.transport.run(request, sink: sink)
        #expect(result.status == .timedOut)
        #expect(await sink.stderrText.contains(
            "runbook: timed out after 500ms while still connecting to \(silent.address); the command had not reported starting"))
    }

    @Test(.timeLimit(.minutes(1)))
    func interruptWhileConnectingStopsWithinTheGracePeriod() async throws {
        let silent = try Silent(connectTimeout: 600)
        defer { silent.dir.remove() }
        let sink = StartNotingSink()
        let request = CommandRequest(command: "true", gracePeriod: .seconds(1))
        let attempt = Task { try await silent.transport.run(request, sink: sink) }
        await sink.waitForStart()
        attempt.cancel()
        let result = try await attempt.value
        #expect(result.status == .interrupted)
        #expect(await sink.stderrText.contains(
            "runbook: interrupted while still connecting to \(silent.address); the command had not reported starting"))
    }
}

/// Keeps stderr and lets a test wait until the command's process exists.
private actor StartNotingSink: OutputSink {
    private var started = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private(set) var stderr: [UInt8] = []

    var stderrText: String { String(decoding: stderr, as: UTF8.self) }

    func write(_ bytes: [UInt8], to stream: OutputStream) async {
        if stream == .stderr { stderr += bytes }
    }

    func processStarted(_ identity: ProcessIdentity?) async -> Bool {
        started = true
        waiters.forEach { $0.resume() }
        waiters = []
        return true
    }

    func waitForStart() async {
        if started { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}
