import Foundation

/// A one-line progress bar on stderr (bytes, rate, time left), drawn only when stderr is a terminal,
/// the work is large enough to be worth watching, and the user did not ask for quiet.
final class ProgressBar: @unchecked Sendable {
    // Mutable drawing state is guarded by `lock`; the callback may run on the inspecting thread.
    private let lock = NSLock()
    private let label: String
    private let start = Date()
    private var lastWidth = 0

    private init(label: String) { self.label = label }

    /// A progress callback, or nil when no bar should be drawn.
    static func callback(label: String, totalBytes: Int64, threshold: Int64, quiet: Bool) -> (@Sendable (Int64, Int64) -> Void)? {
        guard !quiet, totalBytes >= threshold, isatty(STDERR_FILENO) == 1 else { return nil }
        let bar = ProgressBar(label: label)
        return { done, total in bar.draw(done: done, total: total) }
    }

    func draw(done: Int64, total: Int64) {
        lock.lock()
        defer { lock.unlock() }
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let elapsed = max(Date().timeIntervalSince(start), 0.001)
        let rate = Double(done) / elapsed
        let left = rate > 0 ? Double(total - done) / rate : 0
        let cells = 24
        let filled = Int(fraction * Double(cells))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: cells - filled)
        var line = "\(label) [\(bar)] \(Self.bytes(done)) / \(Self.bytes(total))  \(Self.bytes(Int64(rate)))/s  "
        line += done >= total ? "done" : "\(Int(left.rounded())) s left"
        let padding = max(0, lastWidth - line.count)
        lastWidth = line.count
        var text = "\r" + line + String(repeating: " ", count: padding)
        if done >= total { text += "\n" }
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(n) B" : String(format: "%.1f %@", value, units[unit])
    }
}

extension URL {
    var fileSize: Int64 { ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value ?? 0 }
}
