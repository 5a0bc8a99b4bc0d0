import Foundation

/// The one JSON vocabulary of Depot's CLI (`--json`) and API: timestamps as RFC 3339 strings
/// (`2026-12-05T09:30:00Z`), sorted keys, unescaped slashes. `depot X --json` and the matching API route encode the
/// same value with this encoder, so they print the same object.
public enum DepotJSON {
    /// The encoder for API responses (compact) and CLI output (`pretty`).
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.string(date))
        }
        return encoder
    }

    /// A decoder that reads what `encoder` writes: RFC 3339 timestamps, with `Z` or an offset.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parseRFC3339(text) else {
                throw DecodingError.dataCorruptedError(in: container,
                    debugDescription: "'\(text)' is not an RFC 3339 timestamp such as 2026-12-05T09:30:00Z")
            }
            return date
        }
        return decoder
    }
}

extension Timestamp {
    /// Parses an RFC 3339 timestamp: `2026-12-05T09:30:00Z`, `2026-12-05T10:30:00+01:00`, fractions allowed.
    public static func parseRFC3339(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
