/// How one cluster's calls are answered by `understudy serve`.
///
/// ```swift
/// try RoutePolicy(parsing: "canary 10%")   // .canary(0.10)
/// RoutePolicy.on.description               // "on"
/// ```
public enum RoutePolicy: Sendable, Equatable, CustomStringConvertible {
    /// The upstream answers; the specialist is not consulted.
    case off
    /// The upstream answers; the specialist answers too, in the background, and the record says
    /// whether the two agreed.
    case shadow
    /// This share (0…1) of the calls is offered to the specialist as under `on`; the rest go upstream.
    case canary(Double)
    /// The specialist answers when its confidence reaches the cluster's threshold, else the upstream.
    case on

    /// Reads `off`, `shadow`, `on`, `canary 10%`, `canary:10`, `canary=0.1` (a number above 1 is
    /// a percentage).
    public init(parsing text: String) throws {
        let lower = text.trimmingCharacters(in: .whitespaces).lowercased()
        switch lower {
        case "off": self = .off
        case "shadow": self = .shadow
        case "on": self = .on
        default:
            guard lower.hasPrefix("canary") else {
                throw RouterError("unknown policy '\(text)': use off, shadow, on or canary P%")
            }
            var rest = lower.dropFirst("canary".count).trimmingCharacters(in: .whitespaces)
            if rest.hasPrefix(":") || rest.hasPrefix("=") { rest = String(rest.dropFirst()).trimmingCharacters(in: .whitespaces) }
            let percent = rest.hasSuffix("%")
            if percent { rest.removeLast() }
            guard let value = Double(rest.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                throw RouterError("policy '\(text)': canary needs a share, e.g. 'canary 10%'")
            }
            let share = percent || value > 1 ? value / 100 : value
            guard share <= 1 else { throw RouterError("policy '\(text)': a canary share is at most 100%") }
            self = .canary(share)
        }
    }

    public var description: String {
        switch self {
        case .off: "off"
        case .shadow: "shadow"
        case .on: "on"
        case .canary(let share): "canary \(Self.percent(share))%"
        }
    }

    /// The policy's name without the share (metric label, `route.policy`).
    public var name: String {
        switch self {
        case .off: "off"
        case .shadow: "shadow"
        case .on: "on"
        case .canary: "canary"
        }
    }

    static func percent(_ share: Double) -> String {
        let value = (share * 10_000).rounded() / 100
        return value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}

import Foundation
