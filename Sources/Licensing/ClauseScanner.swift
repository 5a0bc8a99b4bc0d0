import Foundation

/// Flags clauses in proprietary terms (English and Swedish wording) with the line they start on.
public struct ClauseScanner: Sendable {
    final class Patterns: @unchecked Sendable {
        // NSRegularExpression is immutable once built and documented as safe to share between threads.
        let rules: [(LicenceClause.Kind, NSRegularExpression)]
        let governingLaw: [NSRegularExpression]
        init(rules: [(LicenceClause.Kind, NSRegularExpression)], governingLaw: [NSRegularExpression]) {
            self.rules = rules
            self.governingLaw = governingLaw
        }
    }

    let patterns: Patterns

    /// Texts longer than this are scanned only up to it.
    static let maximumScannedCharacters = 2_000_000

    public init() {
        func compile(_ source: String) -> NSRegularExpression? {
            // A space in a pattern stands for any run of whitespace, so wrapped lines still match.
            let pattern = source.replacingOccurrences(of: " ", with: #"\s+"#)
            return try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        }
        var rules: [(LicenceClause.Kind, NSRegularExpression)] = []
        for (kind, sources) in Self.ruleSources {
            for source in sources {
                if let regex = compile(source) { rules.append((kind, regex)) }
            }
        }
        patterns = Patterns(rules: rules, governingLaw: Self.governingLawSources.compactMap(compile))
    }

    static let ruleSources: [(LicenceClause.Kind, [String])] = [
        (.nonCommercial, [
            #"\bnon[\s-]?commercial (use|purposes?|only|basis)"#,
            #"\bnot (be )?(used |licensed )?for (any )?commercial (use|purposes?)"#,
            #"\b(shall|may|must) not (be )?used? (\S+ ){0,6}?for (any )?commercial"#,
            #"\bcommercial use (is )?(strictly )?(prohibited|not permitted|not allowed|forbidden)"#,
            #"\bfor (your )?(own )?(personal|private|home) use only"#,
            #"\bicke[\s-]?kommersiell"#,
            #"\b(ej|inte) (för |i )?kommersiell"#,
            #"\bendast för (privat|personligt) bruk"#,
            #"\bkommersiell (användning|anv\S*) (är )?(inte tillåten|ej tillåten|förbjuden)"#,
        ]),
        (.educationOnly, [
            #"\b(educational|academic|classroom|teaching|school|instructional) (use|purposes) only"#,
            #"\b(only|solely|exclusively) (be used )?for (non[\s-]?commercial )?(educational|academic|teaching|instructional|classroom) (use|purposes)"#,
            #"\b(only|solely|exclusively) (by|to) (accredited |qualified )?(students|teachers|educators|educational institutions|schools|academic institutions)"#,
            #"\beducation(al)? (institutions?|customers?|licen[cs]es?|editions?) only"#,
            #"\bendast (för|i|inom) (undervisning|utbildning|skol)"#,
            #"\b(undervisnings|utbildnings)(syfte|ändamål)"#,
            #"\bendast för (elever|lärare|skolor|studenter)"#,
        ]),
        (.evaluation, [
            #"\bevaluation (period|purposes?|licen[cs]e|version|copy|only|use)"#,
            #"\b(free )?trial (period|version|licen[cs]e|use|subscription)"#,
            #"\b(\d+|seven|fourteen|fifteen|thirty|sixty|ninety)( \(\d+\))?[\s-]+days? (evaluation|trial)"#,
            #"\bexpire[sd]? (\S+ ){0,3}after (\d+|seven|fourteen|fifteen|thirty|sixty|ninety)( \(\d+\))? days"#,
            #"\butvärdering(speriod|slicens|sversion|ssyfte)?\b"#,
            #"\b(prov|test)period"#,
        ]),
        (.perSeat, [
            #"\bper (seat|named user|user|device|computer|machine|workstation|installation|concurrent user|cpu|processor|core)\b"#,
            #"\bnumber of (seats|licensed (users|devices|computers|seats)|licen[cs]es (purchased|acquired)|users|devices|computers) (\S+ ){0,4}?(purchased|licensed|paid|acquired)"#,
            #"\b(install|use|run) (\S+ ){0,5}?on (one|a single|1|up to (\d+|two|three|five|ten))( \(\d+\))? (computer|device|machine|workstation|user)s?\b"#,
            #"\beach (user|device|computer|installation|workstation) (requires|must have|needs)"#,
            #"\b(separate|additional) licen[cs]e (for|is required for) each"#,
            #"\bper (användare|enhet|dator|arbetsstation|installation)\b"#,
            #"\bantal (licenser|användare|enheter|datorer|platser)"#,
            #"\b(installeras|användas) på (en|1)( \(1\))? (dator|enhet)"#,
        ]),
        (.telemetry, [
            #"\btelemetr(y|ies)"#,
            #"\bcollect(s|ed|ion of)? (certain )?(\S+ ){0,3}?(data|information)\b"#,
            #"\b(usage|diagnostic|analytics|performance) (data|statistics|information)"#,
            #"\bcrash reports?"#,
            #"\b(transmit|send|upload)s? (\S+ ){0,4}?(data|information) (to|about)"#,
            #"\btelemetri"#,
            #"\bsamla[rs]? in (\S+ ){0,3}?(data|uppgifter|information)"#,
            #"\binsamling av"#,
            #"\b(användnings|diagnostik)data"#,
        ]),
        (.automaticUpdates, [
            #"\bautomatic(ally)? (\S+ ){0,3}?(updat|upgrad)\w*"#,
            #"\b(updates?|upgrades?) (\S+ ){0,4}?automatically"#,
            #"\bautomatically (download|install)"#,
            #"\bautomatisk(a|t)? (uppdater|uppgrader)\w*"#,
            #"\b(uppdateras|uppgraderas|installeras) automatiskt"#,
        ]),
        (.automaticRenewal, [
            #"\bautomatic(ally)? renew"#,
            #"\bauto[\s-]?renew"#,
            #"\brenew(s|ed)? automatically"#,
            #"\b(subscription|term|agreement|licen[cs]e) (\S+ ){0,5}?(shall|will) (be )?(automatically )?renew(ed)?"#,
            #"\b(förnyas|förlängs) automatiskt"#,
            #"\bautomatisk(t)? (förnyelse|förlängning)"#,
        ]),
        (.auditRights, [
            #"\baudit(s|ed|ing)?\b"#,
            #"\bright to (inspect|verify|examine)"#,
            #"\b(inspect|examine|verify) (\S+ ){0,3}?(records|books|premises|systems|compliance)"#,
            #"\brätt att (granska|kontrollera|inspektera|revidera)"#,
            #"\b(genomföra|utföra|begära) (en )?revision"#,
        ]),
        (.noDerivatives, [
            #"\bno[\s-]?deriv(ative|s)"#,
            #"\b(may|shall|must) not (be )?(modify|modified|alter|altered|adapt|adapted|translate|create derivative)"#,
            #"\bwithout (any )?(modification|alteration)s? (only|whatsoever)"#,
            #"\b(inga|förbud mot) (ändringar|bearbetningar)"#,
        ]),
        (.fieldOfUse, [
            #"\bshall be used for good,? not evil"#,
            #"\b(may|shall|must) not (be )?used? (\S+ ){0,4}?(for|in) (any )?(military|weapons?|nuclear|surveillance|law enforcement|harm|unlawful|illegal)"#,
            #"\b(only|solely|exclusively) (be used )?(for|in) (connection with|conjunction with|the purpose)"#,
            #"\bnot (be )?(used )?(by|for) (any )?(government|military|police)"#,
        ]),
        (.noPublicService, [
            #"\b(publicly accessible|hosted|managed|online|network|cloud) (service|offering)"#,
            #"\b(software|platform|database|function) as a service\b"#,
            #"\boffer (\S+ ){0,6}?(as a|to third parties as a) service"#,
            #"\bsaas\b"#,
        ]),
        (.mustPay, [
            #"\b(must|shall|will|agree to) pay\b"#,
            #"\b(licen[cs]e|subscription|usage|royalty|registration) fees?\b"#,
            #"\broyalt(y|ies) (is |are )?(due|payable|owed)"#,
            #"\b(must|shall) (purchase|buy|register)"#,
            #"\b(ska|skall|måste) betala"#,
        ]),
        (.termination, [
            #"\b(licen[cs]e|agreement|rights?) (\S+ ){0,4}?(terminate|terminates|will terminate|shall terminate|is terminated|may be terminated)"#,
            #"\b(may|can|will|shall) (immediately )?(terminate|revoke) (this|the|your) (licen[cs]e|agreement|rights?)"#,
            #"\b(upphör|sägs upp) (att gälla )?(omedelbart|automatiskt)"#,
        ]),
    ]

    // Capture group 1 is the jurisdiction; a clause is flagged when it is not Sweden or the EU.
    static let governingLawSources: [String] = [
        #"\b(?:governed by|construed (?:in accordance with|under)|interpreted (?:in accordance with|under)|subject to) (?:and construed in accordance with )?(?:the )?(?:substantive )?laws? of (?:the )?((?:\S+ ){0,4}\S+)"#,
        #"\b(?:exclusive |non-exclusive )?jurisdiction of (?:the )?(?:state or federal |federal or state )?courts? (?:of|in|located in|sitting in) (?:the )?((?:\S+ ){0,3}\S+)"#,
        #"\b(\S+) law (?:shall|will|applies|governs)"#,
        #"\b(?:lagen|lagarna|lag) i ((?:\S+ ){0,2}\S+)"#,
        #"\b(\S+) (?:lag|rätt) (?:ska|skall) (?:tillämpas|gälla)"#,
    ]

    static let homeJurisdictions: [String] = [
        "sweden", "swedish", "sverige", "svensk", "european union", "eu ", "eu.", "eu,", "austria", "belgium", "belgian",
        "bulgaria", "croatia", "cyprus", "czech", "denmark", "danish", "estonia", "finland", "finnish", "france", "french",
        "germany", "german", "greece", "greek", "hungary", "ireland", "irish", "italy", "italian", "latvia", "lithuania",
        "luxembourg", "malta", "netherlands", "dutch", "poland", "polish", "portugal", "portuguese", "romania", "slovakia",
        "slovenia", "spain", "spanish", "tyskland", "danmark", "frankrike", "nederländerna", "irland", "europeiska unionen",
        "svenska", "finsk", "dansk", "tysk", "fransk",
    ]

    /// The clauses in a text; lines in `skippingLines` (named open-source licences) are not scanned.
    public func scan(text: String, file: String, skippingLines: Set<Int> = []) -> [LicenceClause] {
        let bounded = text.count > Self.maximumScannedCharacters ? String(text.prefix(Self.maximumScannedCharacters)) : text
        let source = bounded as NSString
        let length = source.length
        guard length > 0 else { return [] }
        var lineStarts: [Int] = [0]
        for offset in 0..<length where source.character(at: offset) == 0x0A { lineStarts.append(offset + 1) }
        func line(of offset: Int) -> Int { Self.lineNumber(of: offset, lineStarts: lineStarts) }
        var found: [LicenceClause] = []
        var seen = Set<String>()
        func record(_ kind: LicenceClause.Kind, at range: NSRange) {
            let lineNumber = line(of: range.location)
            guard !skippingLines.contains(lineNumber), seen.insert("\(kind.rawValue)#\(lineNumber)").inserted else { return }
            found.append(LicenceClause(kind: kind, file: file, line: lineNumber, text: sentence(around: range, in: source)))
        }
        let whole = NSRange(location: 0, length: length)
        for (kind, regex) in patterns.rules {
            for match in regex.matches(in: bounded, range: whole).prefix(200) { record(kind, at: match.range) }
        }
        for regex in patterns.governingLaw {
            for match in regex.matches(in: bounded, range: whole).prefix(200) where match.numberOfRanges > 1 {
                let jurisdictionRange = match.range(at: 1)
                guard jurisdictionRange.location != NSNotFound else { continue }
                let jurisdiction = source.substring(with: jurisdictionRange).lowercased() + " "
                if Self.homeJurisdictions.contains(where: { jurisdiction.contains($0) }) { continue }
                // "the laws of your country" and similar leave the law to the licensee's home: not foreign.
                if jurisdiction.hasPrefix("your ") || jurisdiction.hasPrefix("the country in which") { continue }
                record(.foreignGoverningLaw, at: match.range)
            }
        }
        return found.sorted { ($0.line, $0.kind.rawValue) < ($1.line, $1.kind.rawValue) }
    }

    /// The 1-based line holding a UTF-16 offset, given the offset at which each line starts.
    static func lineNumber(of offset: Int, lineStarts: [Int]) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low + 1
    }

    /// The sentence containing the match: bounded by . ! ? or a blank line, at most 300 characters.
    func sentence(around range: NSRange, in source: NSString) -> String {
        let length = source.length
        func isBoundary(_ offset: Int) -> Bool {
            let unit = source.character(at: offset)
            if unit == 0x21 || unit == 0x3F { return true }
            if unit == 0x2E {
                // A full stop ends a sentence only before whitespace (not "3.1" or "e.g").
                return offset + 1 >= length || [0x20, 0x0A, 0x09, 0x0D].contains(source.character(at: offset + 1))
            }
            if unit == 0x0A, offset + 1 < length, source.character(at: offset + 1) == 0x0A { return true }
            return false
        }
        var start = range.location
        while start > 0, range.location - start < 200, !isBoundary(start - 1) { start -= 1 }
        var end = range.location + range.length
        while end < length, end - range.location < 300, !isBoundary(end) { end += 1 }
        if end < length, source.character(at: end) != 0x0A { end += 1 }
        let raw = source.substring(with: NSRange(location: start, length: max(0, end - start)))
        let collapsed = raw.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return collapsed.count > 300 ? String(collapsed.prefix(299)) + "…" : collapsed
    }
}
