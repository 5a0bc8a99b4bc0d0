import DepotPolicy
import Foundation

/// An upgrade a release manager asked for (`depot schedule add`): one program to one version, ring by ring.
public struct ScheduledUpgrade: Sendable, Hashable, Codable {
    /// The program id.
    public var program: String
    /// The version the rings are upgraded to.
    public var toVersion: String
    /// Rings in rollout order, e.g. `pilot`, `admin`, `edu` (environment ids of `maintenance-windows.yaml`).
    public var rings: [String]
    /// The first day the first wave may run; nil means as soon as the notice allows.
    public var start: CalendarDate?
    /// When the upgrade was announced (scheduled): the notice period runs from then, so a stored plan does not
    /// drift as days pass. Nil means the planner's `now`.
    public var announced: Date?

    /// An upgrade in code.
    public init(program: String, toVersion: String, rings: [String], start: CalendarDate? = nil, announced: Date? = nil) {
        self.program = program
        self.toVersion = toVersion
        self.rings = rings
        self.start = start
        self.announced = announced
    }
}

/// What the planner found wrong with a wave.
public enum WaveFlagKind: String, Sendable, Codable {
    /// Another upgrade runs in the same ring during the same window.
    case conflict
    /// The wave ends after the program's currency deadline, so the ring would be out of policy.
    case violation
    /// No window could be found (unknown ring, no window within the horizon, or the previous ring not placed).
    case unplaced
}

/// A problem with a wave, in words.
public struct WaveFlag: Sendable, Hashable, Codable {
    /// What kind of problem.
    public var kind: WaveFlagKind
    /// The problem and what to do about it.
    public var message: String
}

/// One ring's part of an upgrade, placed in a maintenance window.
public struct Wave: Sendable, Hashable, Codable {
    /// The program id.
    public var program: String
    /// The version installed by the wave.
    public var version: String
    /// The ring (environment) the wave upgrades.
    public var ring: String
    /// The maintenance window's name from the policy; nil when unplaced.
    public var window: String?
    /// When the wave may begin; nil when unplaced.
    public var start: Date?
    /// When it must be done (the end of the window, cut short by any exclusion or blackout).
    public var end: Date?
    /// `start` as local time with its offset, `2026-03-02T18:00:00+01:00`.
    public var localStart: String?
    /// `end` likewise.
    public var localEnd: String?
    /// A stable id derived from program, version and ring, used as the calendar event's UID.
    public var uid: String
    /// Conflicts, currency violations and placement failures; empty for a clean wave.
    public var flags: [WaveFlag]

    /// The stable calendar id for a wave of `program` to `version` in `ring`.
    public static func uid(program: String, version: String, ring: String) -> String {
        "\(slug(program))-\(slug(version))-\(slug(ring))@depot.schedule"
    }

    private static func slug(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars.prefix(100) {
            let ok = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "." || scalar == "_"
            out.unicodeScalars.append(ok ? scalar : "-")
        }
        return out.isEmpty ? "-" : out
    }
}
