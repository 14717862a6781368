import Foundation

/// A failure the CLI explains to the user; exits with status 1.
struct CLIError: Error, LocalizedError, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var errorDescription: String? { message }
    var description: String { message }
}
