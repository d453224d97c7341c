import Foundation
import SimulatorKit

exit(ToolMain.main(arguments: CommandLine.arguments, environment: ProcessInfo.processInfo.environment))
