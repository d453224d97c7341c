import Foundation

/// `master-exec COMPONENT CONTAINER COMMAND…`: openshift-ansible release-3.11's script
/// (roles/openshift_control_plane/files/scripts/docker/master-exec), which the installer's
/// `etcdctl2`/`etcdctl3` functions run on a master (`master-exec etcd etcd /bin/sh -c …`).
///
/// The script, in order: without a component or a container name it says so on stderr and exits
/// 1; while /etc/origin/node/pods is missing or empty it runs the command on the host; otherwise
/// it looks up the latest pod of the component (`docker ps -l -a`, which fails while docker is
/// down) and, when there is none, prints `Component NAME is stopped or not running` on stderr
/// and exits **0 without running the command** — also for a component no pod has (`controller`).
/// The simulator takes the stricter side of one unknown: a stopped pod whose exited containers
/// the kubelet has not yet garbage-collected would still be found, and `docker exec` would fail
/// ("Container … is not running", exit 1); the simulator treats a pod that is not running as
/// gone (exit 0, nothing run), which is what a gate must survive.
enum MasterExecTool: SimTool {
    static let names = ["master-exec"]

    /// The container name inside each master component's pod (the static pod manifests).
    static let containers = ["api": "api", "controllers": "controllers", "etcd": "etcd"]

    /// Where the script sends a command.
    enum Route: Equatable {
        /// No static pods yet: `exec` on the host.
        case host
        /// `docker exec` into the running container (the simulator runs it in the host's view).
        case container
        /// The script ends with this status without running the command (its message printed).
        case exit(Int32)
    }

    static func run(_ c: ToolContext) throws -> Int32 {
        let view = try c.view()
        let route = try self.route(c, view, component: c.args.first ?? "", container: c.args.dropFirst().first ?? "")
        let command = Array(c.args.dropFirst(2))
        switch route {
        case .exit(let code): return code
        case .host:
            // bash's `exec` without a command does nothing: the script ends with 0.
            guard let tool = command.first else { return 0 }
            return try FileTool.exec(c, tool, Array(command.dropFirst()), searchPath: true)
        case .container:
            guard let tool = command.first else { throw c.fail("\"docker exec\" requires at least 2 arguments.\nSee 'docker exec --help'.") }
            return try FileTool.exec(c, tool, Array(command.dropFirst()), searchPath: true)
        }
    }

    /// The script's decision for `component`/`container` on this host, its message printed.
    static func route(_ c: ToolContext, _ view: ClusterView, component: String, container: String) throws -> Route {
        guard !component.isEmpty, !container.isEmpty else {
            throw c.fail("A component name like 'api', 'etcd', or 'controllers' must be specified along with the container name within that component.")
        }
        let pods = c.tree.list("/etc/origin/node/pods")
        if !c.tree.exists("/etc/origin/node/pods") || pods.isEmpty { return .host }
        // `uid=$(docker ps …)` under `set -e`: docker's failure ends the script with its status.
        guard view.serviceActive(c.host, "docker") else {
            throw c.fail("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
        }
        guard containers[component] != nil, (view.state.groups["masters"] ?? []).contains(c.host),
              view.staticPodRunning(c.host, component) else {
            c.err("Component \(component) is stopped or not running\n")
            return .exit(0)
        }
        // `docker ps -l -a -q` finds no container of that name: `docker exec ""`, which docker
        // 1.13.1-rhel's `runExec` refuses before asking the daemon, and its `main` prints
        // nothing for that error: exit 1, no message.
        guard containers[component] == container else { throw ToolExit(1) }
        return .container
    }
}
