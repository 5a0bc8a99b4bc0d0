import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a sandboxed program ended.
public struct ProcessOutcome: Sendable, Equatable {
    /// The exit code, or nil when the program was killed.
    public var exitCode: Int32?
    /// The signal that ended it, when one did.
    public var signal: Int32?
    /// True when the wall-clock limit was reached and the whole process group was killed.
    public var timedOut: Bool
    public var seconds: Double
}

/// Runs one program in a process group of its own, with its output in a file, and kills the whole group at a
/// wall-clock limit: an installer that never ends, or leaves children behind, cannot outlive its test.
enum SandboxProcess {
    static func run(_ arguments: [String], environment: [String: String], directory: URL, output: URL,
                    limit: Double) async throws -> ProcessOutcome {
        guard let program = arguments.first else {
            throw SandboxError(.internal, code: "sandbox.spawn", "no program to run")
        }
        FileManager.default.createFile(atPath: output.path, contents: nil)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A group of its own (pgid = pid): the limit kills the installer and everything it started.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let started = Date()
        let status = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw SandboxError(.internal, code: "sandbox.spawn",
                "cannot start \(program): \(String(cString: strerror(status))); run 'make deps' to install the sandbox tools")
        }
        let deadline = started.addingTimeInterval(limit)
        var waitStatus: Int32 = 0
        var timedOut = false
        while true {
            let result = waitpid(pid, &waitStatus, WNOHANG)
            if result == pid { break }
            if result < 0 && errno != EINTR { break }
            if Date() >= deadline {
                timedOut = true
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &waitStatus, 0)
                break
            }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        // Whatever the group left behind goes too, also when the program itself ended in time.
        kill(-pid, SIGKILL)
        let seconds = Date().timeIntervalSince(started)
        let signalled = (waitStatus & 0x7f) != 0 && (waitStatus & 0x7f) != 0x7f
        if timedOut {
            return ProcessOutcome(exitCode: nil, signal: SIGKILL, timedOut: true, seconds: seconds)
        }
        if signalled {
            return ProcessOutcome(exitCode: nil, signal: waitStatus & 0x7f, timedOut: false, seconds: seconds)
        }
        return ProcessOutcome(exitCode: (waitStatus >> 8) & 0xff, signal: nil, timedOut: false, seconds: seconds)
    }
}
