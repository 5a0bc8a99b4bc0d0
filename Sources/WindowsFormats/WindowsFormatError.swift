import DepotModel

/// Why a Windows installer could not be read: the message names the file and the defect.
public struct WindowsFormatError: DepotError {
    public let kind: ErrorKind
    public let code: String
    public let message: String

    /// An error with an explicit kind, code and message; the readers use the named constructors below.
    public init(_ kind: ErrorKind, code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    /// The file is damaged or hostile (`windows.corrupt`).
    static func corrupt(_ path: String, _ defect: String) -> WindowsFormatError {
        WindowsFormatError(.invalidInput, code: "windows.corrupt",
            "\(path): \(defect); the file is damaged or not a valid Windows installer, so download or build it again")
    }

    /// A structure inside the file is larger than this reader will hold in memory (`windows.too-large`).
    static func tooLarge(_ path: String, _ what: String) -> WindowsFormatError {
        WindowsFormatError(.tooLarge, code: "windows.too-large",
            "\(path): \(what); such an installer is not supported")
    }

    /// The file could not be opened or read (`windows.io`).
    static func io(_ path: String, _ what: String) -> WindowsFormatError {
        WindowsFormatError(.invalidInput, code: "windows.io", "\(path): \(what)")
    }

    /// Neither an OLE compound file nor a PE executable (`windows.unsupported`).
    static func unsupported(_ path: String, _ what: String) -> WindowsFormatError {
        WindowsFormatError(.invalidInput, code: "windows.unsupported", "\(path): \(what)")
    }
}

/// A defect found while parsing, before the file name is known to the parser; the reader adds the path.
struct FormatDefect: Error {
    enum Kind { case corrupt, tooLarge }
    let kind: Kind
    let message: String

    init(_ message: String, kind: Kind = .corrupt) {
        self.kind = kind
        self.message = message
    }

    func error(for path: String) -> WindowsFormatError {
        switch kind {
        case .corrupt: .corrupt(path, message)
        case .tooLarge: .tooLarge(path, message)
        }
    }
}
