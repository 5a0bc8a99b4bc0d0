/// Decides self-install requests against a school's published whitelist.
public enum WhitelistPolicyCheck {
    /// Whether a teacher or school admin of `school` may order `program` for `devices` devices.
    ///
    /// `seatsLeft` is the live count from the edu server's store; nil uses the seats the whitelist was published with.
    /// The school's blocks always apply, also those set after the whitelist was published.
    public static func canSelfInstall(school: School, program: String, whitelist: WhitelistPayload,
                                      seatsLeft: Int?, devices: Int = 1) -> Decision {
        if whitelist.kind == .school, whitelist.school != school.id {
            return .refused(reason: "the whitelist is for school '\(whitelist.school ?? "")', not '\(school.id)'; "
                + "fetch school '\(school.id)''s own whitelist")
        }
        if whitelist.kind == .tier, whitelist.tier != school.tier {
            return .refused(reason: "the whitelist is for tier '\(whitelist.tier)', but school '\(school.id)' is in tier '\(school.tier)'")
        }
        if !whitelist.selfInstall {
            return .refused(reason: "school '\(school.id)' is in tier '\(whitelist.tier)', which does not allow self-install; "
                + "apps are installed centrally (a principal may choose a tier with self-install)")
        }
        if devices < 1 {
            return .refused(reason: "an install needs at least one device, got \(devices)")
        }
        let listed = whitelist.entries(for: program)
        if listed.isEmpty || school.blocked.contains(program) {
            return .refused(reason: "'\(program)' is not on the whitelist of school '\(school.id)' (tier '\(whitelist.tier)')")
        }
        if listed.contains(where: \.needsSeat) {
            guard let left = seatsLeft ?? whitelist.publishedSeats(for: program) else {
                return .refused(reason: "'\(program)' needs a seat, but no seat count is known; ask the licence owner to record the seats")
            }
            if left < devices {
                let noun = devices == 1 ? "device" : "devices"
                return .refused(reason: "no seats left for '\(program)': \(devices) \(noun) requested, \(max(left, 0)) seats left")
            }
        }
        return .allowed
    }
}
