#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Named points in intake and publication where crash tests stop the process the hard way. When the environment
/// variable `DEPOT_CRASH_AT` names the point, the process sends itself SIGKILL there: no cleanup, no `defer`, exactly
/// what a power cut or `kill -9` does. Unset (always, outside tests), a point costs one environment lookup.
public enum CrashPoint {
    public static let variable = "DEPOT_CRASH_AT"

    /// Dies here when `DEPOT_CRASH_AT` is `name`.
    public static func reach(_ name: String) {
        guard let wanted = getenv(variable), String(cString: wanted) == name else { return }
        kill(getpid(), SIGKILL)
    }
}
