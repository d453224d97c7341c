import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RunbookCore
import RunbookEngine
import TestSupport

/// Not a test: `bench/ssh.sh` runs it with RUNBOOK_BENCH_SSH=N to time N `true` steps through
/// SSHTransport against the test sshd, with and without multiplexing. Disabled otherwise.
@Suite struct SSHLatencyBenchmark {
    static let count = getenv("RUNBOOK_BENCH_SSH").flatMap { Int(String(cString: $0)) }

    @Test(.enabled(if: count != nil, "set RUNBOOK_BENCH_SSH=N (bench/ssh.sh) to run"))
    func perStepLatency() async throws {
        let n = Self.count ?? 0
        let sshd = try await TestSSHD.start()
        defer { sshd.stop() }
        var lines: [String] = []
        let transports: [(String, any Transport)] = [
            ("local", LocalTransport()),
            ("multiplexed", sshd.transport(multiplexing: true)),
            ("direct", sshd.transport(multiplexing: false)),
        ]
        for (label, transport) in transports {
            var samples: [Double] = []
            for _ in 0..<n {
                let start = ContinuousClock.now
                let result = try await transport.run(CommandRequest(command: "true"), sink: RecordingOutputSink())
                try #require(result.status == .exited(0))
                samples.append(Double((ContinuousClock.now - start) / .microseconds(1)) / 1000)
            }
            let first = samples.first ?? 0
            let rest = samples.dropFirst().sorted()
            let mean = rest.reduce(0, +) / Double(max(rest.count, 1))
            let median = rest.isEmpty ? 0 : rest[rest.count / 2]
            let p95 = rest.isEmpty ? 0 : rest[min(rest.count - 1, Int(Double(rest.count) * 0.95))]
            lines.append("transport \(label) n=\(n) first=\(format(first)) "
                         + "mean=\(format(mean)) median=\(format(median)) p95=\(format(p95)) logins=\(sshd.acceptedLogins())")
        }
        let report = lines.joined(separator: "\n") + "\n"
        print(report, terminator: "")
        if let out = getenv("RUNBOOK_BENCH_OUT").map({ String(cString: $0) }) {
            _ = try await LocalTransport().writeFile(out, contents: Array(report.utf8), mode: nil)
        }
    }

    private func format(_ ms: Double) -> String {
        let tenths = Int((ms * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)ms"
    }
}
