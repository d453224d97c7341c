import SimulatorKit
print("sim")
