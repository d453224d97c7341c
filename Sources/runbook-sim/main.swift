import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SimulatorKit

// A parent may have blocked or ignored signals (test runners do); a tool must die on SIGTERM like
// the real one, or a hanging drain could never be stopped by the engine's timeout.
var none = sigset_t()
sigemptyset(&none)
sigprocmask(SIG_SETMASK, &none, nil)
for sig in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { signal(sig, SIG_DFL) }

exit(ToolMain.main(arguments: CommandLine.arguments, environment: ProcessInfo.processInfo.environment))
