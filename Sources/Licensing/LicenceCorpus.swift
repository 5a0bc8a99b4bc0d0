import Foundation

/// A labelled corpus built from the reference texts with the changes real licence files have, and
/// the precision/recall/abstention figures of a detector on it (used by `make bench` and the tests).
public enum LicenceCorpus {
    /// What a sample is, which decides how a detector's answer on it is counted.
    public enum SampleKind: String, Sendable, Codable, CaseIterable {
        /// A full reference text with a copyright line filled in.
        case full
        /// Reflowed lines, a markdown header, CRLF, upper-cased disclaimer or filled-in placeholders.
        case modified
        /// Two or three licences in one file.
        case multiple
        /// The first 25–60 % of a licence: a detector must not claim the full licence.
        case truncated
        /// Text that is no licence (shuffled licence words, release notes, documentation).
        case unrelated
    }

    /// One labelled text.
    public struct Sample: Sendable {
        public let name: String
        public let kind: SampleKind
        public let text: String
        /// The identifiers a perfect detector names with confidence (empty: it should abstain).
        public let expected: Set<String>
    }

    /// Figures for one detector on one corpus.
    public struct Score: Sendable, Codable, CustomStringConvertible {
        public var samples = 0
        public var bytes = 0
        /// Confidently named identifiers that are right / wrong, expected identifiers not named.
        public var truePositives = 0
        public var falsePositives = 0
        public var falseNegatives = 0
        /// Samples where the detector named nothing with confidence (it left them to a person).
        public var abstentions = 0
        /// Unrelated or truncated samples that still got a confident name (must be zero).
        public var confidentOnNonLicence = 0
        public var seconds = 0.0
        /// Names of samples that were wrong, for a person to look at.
        public var failures: [String] = []

        public var precision: Double { Double(truePositives) / Double(max(1, truePositives + falsePositives)) }
        public var recall: Double { Double(truePositives) / Double(max(1, truePositives + falseNegatives)) }
        public var filesPerSecond: Double { seconds > 0 ? Double(samples) / seconds : 0 }

        public var description: String {
            String(format: "%d files: precision %.4f, recall %.4f, abstained %d, confident on non-licence text %d, %.0f files/s",
                   samples, precision, recall, abstentions, confidentOnNonLicence, filesPerSecond)
        }
    }

    /// Builds the corpus deterministically from the library's references (and optional unrelated documents).
    public static func generate(seed: UInt64, library: LicenceLibrary, unrelated: [String] = [],
                                variantsPerReference: Int = 4) -> [Sample] {
        var random = SplitMix64(seed: seed)
        var samples: [Sample] = []
        let references = library.references
        guard !references.isEmpty else { return [] }
        let holders = ["Jane Doe", "Stadsledningskontoret, Malmö stad", "ACME Software AB <info@acme.example>",
                       "The Foo Project Authors", "Åsa Öberg"]
        for reference in references {
            let holder = holders[random.next(below: holders.count)]
            let year = 1995 + random.next(below: 30)
            let filled = fillPlaceholders(reference.text, holder: holder, year: year)
            samples.append(Sample(name: "full:\(reference.source)", kind: .full,
                                  text: "Copyright (c) \(year) \(holder)\n\n" + filled, expected: [reference.id]))
            for variant in 0..<variantsPerReference {
                let text: String
                switch (variant + random.next(below: 5)) % 5 {
                case 0: text = reflow(filled, width: 50 + random.next(below: 50))
                case 1: text = "# License\n\nCopyright © \(year) \(holder)\n\n" + markdownBullets(filled)
                case 2: text = filled.replacingOccurrences(of: "\n", with: "\r\n")
                case 3: text = "Copyright \(year) \(holder). All rights reserved.\n\n" + shoutDisclaimer(filled)
                default: text = "LICENSE\n=======\n\n" + reflow(filled, width: 60 + random.next(below: 40)) + "\n"
                }
                samples.append(Sample(name: "modified\(variant):\(reference.source)", kind: .modified, text: text,
                                      expected: [reference.id]))
            }
            let fraction = 0.25 + Double(random.next(below: 35)) / 100
            let cut = Int(Double(filled.count) * fraction)
            // A notice cut short still carries its grant sentence, which names the licence: only full texts are truncated.
            if !reference.source.hasSuffix("#notice") {
                samples.append(Sample(name: "truncated:\(reference.source)", kind: .truncated,
                                      text: String(filled.prefix(cut)), expected: []))
            }
        }
        // Several full licence texts in one file, each a different identifier (notices are left out:
        // a full text's appendix already carries its notice).
        let fullTexts = references.filter { !$0.source.hasSuffix("#notice") }
        for index in 0..<max(1, fullTexts.count) {
            let count = 2 + random.next(below: 2)
            var chosen: [LicenceReference] = []
            var attempts = 0
            while chosen.count < count, attempts < 50 {
                attempts += 1
                guard !fullTexts.isEmpty else { break }
                let candidate = fullTexts[random.next(below: fullTexts.count)]
                if !chosen.contains(where: { $0.id == candidate.id }) { chosen.append(candidate) }
            }
            let parts = chosen.map { reference -> String in
                let holder = holders[random.next(below: holders.count)]
                return "The following applies to \(holder)'s component:\n\nCopyright (c) 2020 \(holder)\n\n"
                    + fillPlaceholders(reference.text, holder: holder, year: 2020)
            }
            samples.append(Sample(name: "multiple\(index):" + chosen.map(\.id).joined(separator: "+"), kind: .multiple,
                                  text: parts.joined(separator: "\n\n----------------------------------------\n\n"),
                                  expected: Set(chosen.map(\.id))))
        }
        // Non-licence text: shuffled licence vocabulary, generated release notes, given documents.
        for index in 0..<max(1, references.count / 2) {
            let reference = references[random.next(below: references.count)]
            var words = reference.text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            for position in stride(from: words.count - 1, to: 0, by: -1) {
                words.swapAt(position, random.next(below: position + 1))
            }
            samples.append(Sample(name: "unrelated-shuffled\(index):\(reference.id)", kind: .unrelated,
                                  text: reflow(words.joined(separator: " "), width: 72), expected: []))
            samples.append(Sample(name: "unrelated-notes\(index)", kind: .unrelated,
                                  text: releaseNotes(&random), expected: []))
        }
        for (index, document) in unrelated.enumerated() {
            samples.append(Sample(name: "unrelated-document\(index)", kind: .unrelated, text: document, expected: []))
        }
        return samples
    }

    /// Plain documentation files from /usr/share/doc that contain no licence text, as unrelated samples.
    public static func unrelatedDocuments(limit: Int = 40, directory: String = "/usr/share/doc") -> [String] {
        guard let packages = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        let licenceMarkers = ["redistribution and use", "permission is hereby granted", "free software",
                              "licensed under", "terms and conditions", "license", "licence", "copying"]
        var documents: [String] = []
        for package in packages.sorted() {
            guard documents.count < limit,
                  let files = try? FileManager.default.contentsOfDirectory(atPath: "\(directory)/\(package)") else { continue }
            for file in files.sorted() where documents.count < limit {
                let lower = file.lowercased()
                guard !lower.hasSuffix(".gz"), lower != "copyright",
                      ["readme", "news", "authors", "todo", "thanks", "bugs", ".md"].contains(where: lower.contains),
                      let data = FileManager.default.contents(atPath: "\(directory)/\(package)/\(file)"),
                      data.count > 200, data.count < 200_000,
                      let text = String(data: data, encoding: .utf8) else { continue }
                let body = text.lowercased()
                if licenceMarkers.contains(where: body.contains) { continue }
                documents.append(text)
            }
        }
        return documents
    }

    /// Runs the detector over the corpus and counts as the issue asks: named identifiers right or
    /// wrong, expected ones missed, abstentions, and confident answers on text that is no full licence.
    public static func evaluate(_ detector: LicenceDetector, samples: [Sample]) -> Score {
        var score = Score()
        let clock = ContinuousClock()
        var results: [[LicenceMatch]] = []
        results.reserveCapacity(samples.count)
        let elapsed = clock.measure {
            for sample in samples {
                results.append(detector.detect(text: sample.text, file: sample.name))
            }
        }
        score.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        for (sample, matches) in zip(samples, results) {
            score.samples += 1
            score.bytes += sample.text.utf8.count
            let named = Set(matches.filter(\.isConfident).map(\.id))
            if named.isEmpty { score.abstentions += 1 }
            if sample.kind == .unrelated || sample.kind == .truncated {
                if !named.isEmpty {
                    score.confidentOnNonLicence += 1
                    score.falsePositives += named.count
                    score.failures.append("\(sample.name): named \(named.sorted()) on \(sample.kind.rawValue) text")
                }
                continue
            }
            let right = named.intersection(sample.expected).count
            let wrong = named.subtracting(sample.expected)
            let missed = sample.expected.subtracting(named)
            score.truePositives += right
            score.falsePositives += wrong.count
            score.falseNegatives += missed.count
            if !wrong.isEmpty || !missed.isEmpty {
                score.failures.append("\(sample.name): named \(named.sorted()), expected \(sample.expected.sorted())")
            }
        }
        return score
    }

    // MARK: - Changes real licence files have

    static func fillPlaceholders(_ text: String, holder: String, year: Int) -> String {
        var result = text
        for (pattern, replacement) in [
            (#"\[(year|yyyy)\]|<year>|\{yyyy\}"#, "\(year)"),
            (#"\[(fullname|name of copyright owner|owner|name of author)\]|<(name of author|copyright holders?|owner)>|\{name of copyright owner\}"#, holder),
            (#"\[(email|e-mail)\]"#, "info@example.org"),
            (#"\[(project|software)\]"#, "Depot"),
        ] {
            result = result.replacingOccurrences(of: pattern, with: replacement, options: [.regularExpression, .caseInsensitive])
        }
        return result
    }

    static func reflow(_ text: String, width: Int) -> String {
        let paragraphs = text.components(separatedBy: "\n\n")
        return paragraphs.map { paragraph -> String in
            var lines: [String] = []
            var line = ""
            for word in paragraph.split(whereSeparator: { $0.isWhitespace }) {
                if !line.isEmpty, line.count + word.count + 1 > width {
                    lines.append(line)
                    line = ""
                }
                line += line.isEmpty ? String(word) : " " + word
            }
            if !line.isEmpty { lines.append(line) }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n")
    }

    static func markdownBullets(_ text: String) -> String {
        text.replacingOccurrences(of: #"(?m)^(\s*)\d+\.\s"#, with: "$1* ", options: .regularExpression)
    }

    static func shoutDisclaimer(_ text: String) -> String {
        var paragraphs = text.components(separatedBy: "\n\n")
        if let index = paragraphs.lastIndex(where: { $0.lowercased().contains("warrant") }) {
            paragraphs[index] = paragraphs[index].uppercased()
        }
        return paragraphs.joined(separator: "\n\n")
    }

    static func releaseNotes(_ random: inout SplitMix64) -> String {
        let verbs = ["Fixed", "Added", "Improved", "Removed", "Updated", "Reworked"]
        let things = ["the printing dialog", "support for proxy settings", "a crash when the network drops",
                      "the Swedish translation", "installer logging", "the licence agreement dialog",
                      "automatic update checks", "handling of long file names", "the copyright notice in About"]
        var lines = ["Release notes", "", "Version \(1 + random.next(below: 9)).\(random.next(below: 20))", ""]
        for _ in 0..<(8 + random.next(below: 20)) {
            lines.append("- \(verbs[random.next(below: verbs.count)]) \(things[random.next(below: things.count)]).")
        }
        return lines.joined(separator: "\n")
    }
}

/// A small seeded generator so a corpus is the same on every run.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func next(below bound: Int) -> Int {
        guard bound > 0 else { return 0 }
        return Int(next() % UInt64(bound))
    }
}
