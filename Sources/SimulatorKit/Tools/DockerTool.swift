import Foundation

/// `docker ps|info|images|version`: needs the docker unit running.
enum DockerTool: SimTool {
    static let names = ["docker"]

    static func run(_ c: ToolContext) throws -> Int32 {
        let view = try c.view()
        guard let verb = c.args.first else { c.out("Usage:\tdocker COMMAND\n"); return 0 }
        if verb == "version" && !view.serviceActive(c.host, "docker") {
            c.out("Client:\n Version:         1.13.1\n")
        }
        guard view.serviceActive(c.host, "docker") else {
            throw c.fail("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
        }
        let storage = view.state.host(c.host)?.storage
        switch verb {
        case "info":
            c.out("Containers: 12\n Running: 12\nImages: 9\nServer Version: 1.13.1\nStorage Driver: \(storage?.driver ?? "overlay2")\n Backing Filesystem: xfs\n")
            c.out("Cgroup Driver: systemd\nKernel Version: 3.10.0-957.el7.x86_64\nOperating System: Red Hat Enterprise Linux Server 7.6 (Maipo)\nName: \(c.host)\nDocker Root Dir: /var/lib/docker\n")
            c.out(RegistriesConf.info(c.tree))
        case "ps":
            c.out("CONTAINER ID        IMAGE                                                   COMMAND                  CREATED             STATUS              PORTS               NAMES\n")
            for p in OcObjects.pods(view).filter({ $0.node == c.host }) {
                c.out("3f1c2a9b8d7e        registry.redhat.io/openshift3/ose-pod:v3.11.43        \"/usr/bin/pod\"           3 days ago          Up 3 days                               k8s_POD_\(p.name)_\(p.namespace)_0\n")
            }
        case "images":
            c.out("REPOSITORY                                   TAG                 IMAGE ID            CREATED             SIZE\nregistry.redhat.io/openshift3/ose-node      v3.11.43            8d6f4a3c1b2e        5 weeks ago         1.17 GB\n")
        case "version":
            c.out("Client:\n Version:         1.13.1\nServer:\n Version:         1.13.1\n")
        default:
            throw c.fail("docker: '\(verb)' is not a docker command.\nSee 'docker --help'", code: 125)
        }
        return 0
    }
}
