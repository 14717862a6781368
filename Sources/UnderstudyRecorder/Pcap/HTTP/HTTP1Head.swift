import UnderstudyArchive

/// The start line and header fields of one HTTP/1.x message.
public struct HTTP1Head: Sendable, Equatable {
    /// Request method; nil for responses.
    public var method: String? {
        get { storedMethod.value }
        set { storedMethod = StoredOptionalString(newValue) }
    }
    /// Request target as on the request line; nil for responses.
    public var target: String? {
        get { storedTarget.value }
        set { storedTarget = StoredOptionalString(newValue) }
    }
    /// Response status code; nil for requests.
    public var status: Int?
    public var reason: String? {
        get { storedReason.value }
        set { storedReason = StoredOptionalString(newValue) }
    }
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    /// Header fields in the order received, names as sent.
    public var headers: [HTTPHeaderField]
    // Stored without an optional payload: see `StoredOptionalString`.
    private var storedMethod: StoredOptionalString
    private var storedTarget: StoredOptionalString
    private var storedReason: StoredOptionalString

    public init(
        method: String? = nil, target: String? = nil, status: Int? = nil, reason: String? = nil,
        version: String = "HTTP/1.1", headers: [HTTPHeaderField] = []
    ) {
        storedMethod = StoredOptionalString(method)
        storedTarget = StoredOptionalString(target)
        self.status = status
        storedReason = StoredOptionalString(reason)
        self.version = version
        self.headers = headers
    }

    /// Every value of a header, matched case-insensitively, comma lists split and trimmed.
    func listValues(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name }
            .flatMap { $0.value.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }
}

import Foundation
