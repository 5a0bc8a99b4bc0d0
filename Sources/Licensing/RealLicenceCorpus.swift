import Foundation

/// A labelled corpus of real licence texts found on this machine, labelled by someone other than the detector:
/// the licence files of installed Python distributions with their declared `License-Expression`, and the
/// stand-alone `License:` paragraphs of Debian machine-readable copyright files with the name the maintainer gave
/// them. The detector reads only the text; the label comes from the metadata.
public enum RealLicenceCorpus {
    public struct Sample: Sendable {
        public let name: String
        public let source: String
        public let text: String
        /// The expression a person wrote for this text (canonical SPDX).
        public let expected: SPDXExpression
    }

    /// Python distributions (`*.dist-info` with `License-Expression:` and licence files) in these folders.
    public static func pythonSamples(folders: [String]) -> [Sample] {
        let reader = DeclaredLicenceReader(list: LicenceStatementReader.installedList)
        var samples: [Sample] = []
        for folder in folders {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for entry in entries.sorted() where entry.hasSuffix(".dist-info") {
                let distInfo = folder + "/" + entry
                guard let metadata = try? String(contentsOfFile: distInfo + "/METADATA", encoding: .utf8),
                      let line = metadata.split(separator: "\n").first(where: { $0.hasPrefix("License-Expression:") }) else { continue }
                let declared = reader.read(String(line.dropFirst("License-Expression:".count)))
                guard declared.reading == .strict, let expected = declared.expression else { continue }
                var files: [String] = []
                let licences = distInfo + "/licenses"
                for candidate in (try? FileManager.default.subpathsOfDirectory(atPath: licences)) ?? [] {
                    files.append(licences + "/" + candidate)
                }
                for candidate in (try? FileManager.default.contentsOfDirectory(atPath: distInfo)) ?? []
                    where ["licen", "copying"].contains(where: candidate.lowercased().contains) {
                    files.append(distInfo + "/" + candidate)
                }
                // Only distributions with exactly one licence file: a NOTICE or AUTHORS beside it has no label of its own.
                let texts = files.filter { !$0.lowercased().contains("notice") && !$0.lowercased().contains("authors") }
                    .compactMap { path -> (String, String)? in
                        var isDirectory: ObjCBool = false
                        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                              let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
                        return (path, text)
                    }
                guard texts.count == 1, let (path, text) = texts.first else { continue }
                samples.append(Sample(name: entry, source: path, text: text, expected: expected))
            }
        }
        return samples
    }

    /// Stand-alone `License:` paragraphs (with their text) of DEP-5 files under `/usr/share/doc`, one per distinct text,
    /// whose name reads as one SPDX expression without guessing ("GPL", "BSD", "other" are left out).
    public static func debianSamples(directory: String = "/usr/share/doc", limit: Int = 2000) -> [Sample] {
        let reader = DeclaredLicenceReader(list: LicenceStatementReader.installedList)
        var samples: [Sample] = []
        var seen = Set<String>()
        guard let packages = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        for package in packages.sorted() where samples.count < limit {
            let path = "\(directory)/\(package)/copyright"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasPrefix("Format:") else { continue }
            let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" })
            for paragraph in DebianCopyright.paragraphs(lines) {
                guard !paragraph.contains(where: { $0.name == "files" || $0.name == "format" }),
                      let licence = paragraph.first(where: { $0.name == "license" }), licence.continuation.count >= 2 else { continue }
                let body = licence.continuation.joined(separator: "\n")
                guard body.split(whereSeparator: { $0.isWhitespace }).count >= 20, seen.insert(body).inserted else { continue }
                let declared = reader.read(licence.value)
                guard declared.reading != .unrecognised, declared.reading != .ambiguous, let expected = declared.expression,
                      !expected.identifiers.contains(where: { $0.hasPrefix("LicenseRef-") }) else { continue }
                samples.append(Sample(name: "\(package):\(licence.value)", source: path, text: body, expected: expected))
            }
        }
        return samples
    }

    /// Figures for one detector: exact expressions, and precision/recall over identifiers.
    public struct Score: Sendable, CustomStringConvertible {
        public var samples = 0
        public var exact = 0
        public var truePositives = 0
        public var falsePositives = 0
        public var falseNegatives = 0
        public var seconds = 0.0
        public var failures: [String] = []
        public var exactAccuracy: Double { Double(exact) / Double(max(1, samples)) }
        public var precision: Double { Double(truePositives) / Double(max(1, truePositives + falsePositives)) }
        public var recall: Double { Double(truePositives) / Double(max(1, truePositives + falseNegatives)) }
        public var filesPerSecond: Double { seconds > 0 ? Double(samples) / seconds : 0 }
        public var description: String {
            String(format: "%d files: exact %.3f, precision %.3f, recall %.3f, %.0f files/s", samples, exactAccuracy, precision, recall, filesPerSecond)
        }
    }

    /// Runs the detector on each sample as a file on its own; only confident findings count as named.
    public static func evaluate(_ detector: LicenceDetector, samples: [Sample]) -> Score {
        var score = Score()
        let clock = ContinuousClock()
        var reports: [LicenceReport] = []
        let elapsed = clock.measure {
            for sample in samples { reports.append(detector.detect(files: [("LICENSE", Array(sample.text.utf8))])) }
        }
        score.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        for (sample, report) in zip(samples, reports) {
            score.samples += 1
            let named = LicenceDetector.expression(of: report.matches.filter(\.isConfident))
            let got = Set(named?.identifiers ?? [])
            let want = Set(sample.expected.identifiers)
            score.truePositives += got.intersection(want).count
            score.falsePositives += got.subtracting(want).count
            score.falseNegatives += want.subtracting(got).count
            if named?.description == sample.expected.description, report.matches.allSatisfy(\.isConfident) {
                score.exact += 1
            } else {
                score.failures.append("\(sample.name): \(report.expression?.description ?? "nothing"), expected \(sample.expected)")
            }
        }
        return score
    }
}
