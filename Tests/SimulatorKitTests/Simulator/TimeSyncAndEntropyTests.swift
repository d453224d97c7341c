import Foundation
import Testing
@testable import SimulatorKit

/// The tools host-baseline (guide 2.1, 2.2) needs: timedatectl following chronyd, the chrony and
/// rng-tools packages with their units, and the entropy the kernel reports.
@Suite("timedatectl, chrony, rng-tools, entropy")
struct TimeSyncAndEntropyTests {
    let host = "node-0.example.com"

    @Test("timedatectl reports NTP enabled/synchronized from the chronyd unit; set-ntp true enables and starts it")
    func timedatectlFollowsChronyd() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let initial = try f.run("timedatectl", [], on: host)
        #expect(initial.status == 0)
        #expect(initial.stdout.contains("     NTP enabled: yes\nNTP synchronized: yes\n"))
        #expect(try f.run("systemctl", ["stop", "chronyd"], on: host).status == 0)
        #expect(try f.run("timedatectl", ["status"], on: host).stdout.contains("     NTP enabled: yes\nNTP synchronized: no\n"))
        // timedated's method_set_ntp: the enabled state asked for already holds, nothing is started.
        #expect(try f.run("timedatectl", ["set-ntp", "true"], on: host).status == 0)
        #expect(try f.state().host(host)?.services["chronyd"] == ServiceState(active: false, enabled: true))
        #expect(try f.run("systemctl", ["disable", "chronyd"], on: host).status == 0)
        #expect(try f.run("timedatectl", [], on: host).stdout.contains("     NTP enabled: no\nNTP synchronized: no\n"))
        let setNTP = try f.run("timedatectl", ["set-ntp", "true"], on: host)
        #expect(setNTP.status == 0)
        #expect(try f.run("timedatectl", [], on: host).stdout.contains("     NTP enabled: yes\nNTP synchronized: yes\n"))
        #expect(try f.state().host(host)?.services["chronyd"] == ServiceState(active: true, enabled: true))
        let bad = try f.run("timedatectl", ["set-ntp", "maybe"], on: host)
        #expect(bad.status == 1)
        #expect(bad.stderr == "Failed to parse NTP setting: maybe\n")
    }

    @Test("without an NTP unit: set-ntp true fails like systemd-timedated, set-ntp false succeeds, NTP enabled reads n/a")
    func setNTPWithoutUnit() throws {
        let f = try SimFixture()
        defer { f.remove() }
        try f.sim.store.update { state in
            if let h = state.hostIndex(host) { state.hosts[h].services["chronyd"] = nil }
        }
        let r = try f.run("timedatectl", ["set-ntp", "true"], on: host)
        #expect(r.status == 1)
        #expect(r.stderr == "Failed to set ntp: NTP not supported.\n")
        #expect(try f.run("timedatectl", [], on: host).stdout.contains("     NTP enabled: n/a\nNTP synchronized: no\n"))
        let off = try f.run("timedatectl", ["set-ntp", "false"], on: host)
        #expect(off.status == 0 && off.stderr == "")
    }

    @Test("chrony is installed; rng-tools is installable and brings the rngd unit")
    func packages() throws {
        let f = try SimFixture()
        defer { f.remove() }
        #expect(try f.run("rpm", ["-q", "chrony"], on: host).stdout == "chrony-3.2-2.el7.x86_64\n")
        let chrony = try f.run("yum", ["install", "-y", "chrony"], on: host)
        #expect(chrony.status == 0)
        #expect(chrony.stdout.contains("Package chrony-3.2-2.el7.x86_64 already installed and latest version"))
        let noUnit = try f.run("systemctl", ["enable", "--now", "rngd"], on: host)
        #expect(noUnit.status == 1)
        #expect(noUnit.stderr == "Failed to enable unit: Unit file rngd.service does not exist.\n")
        let install = try f.run("yum", ["install", "-y", "rng-tools"], on: host)
        #expect(install.status == 0)
        #expect(install.stdout.contains("Installed:\n  rng-tools-6.3.1-3.el7.x86_64\n"))
        #expect(try f.run("systemctl", ["is-active", "rngd"], on: host).status != 0)
        #expect(try f.run("systemctl", ["enable", "--now", "rngd"], on: host).status == 0)
        let active = try f.run("systemctl", ["is-active", "rngd"], on: host)
        #expect(active.status == 0)
        #expect(active.stdout == "active\n")
    }

    @Test("the kernel's available entropy is readable at its /proc path")
    func entropy() throws {
        let f = try SimFixture()
        defer { f.remove() }
        let r = try f.sh("cat /proc/sys/kernel/random/entropy_avail", on: host)
        #expect(r.status == 0)
        #expect(r.stdout == "2683\n")
    }
}
