/// The routing decision for one matched call, as pure functions of the cluster's policy, its
/// threshold and a random draw, so tests pin every branch.
///
/// ```swift
/// PolicyDecider.action(policy: .canary(0.1), hasSpecialist: true, draw: 0.05)   // .specialist
/// PolicyDecider.accepts(confidence: 0.93, threshold: 0.9)                      // true
/// ```
public enum PolicyDecider {
    public enum Action: Sendable, Equatable {
        /// Send upstream without asking the specialist; the reason goes into the route header.
        case upstream(reason: String)
        /// Send upstream and ask the specialist in the background.
        case shadow
        /// Ask the specialist first; it answers when its answer is valid and confident.
        case specialist
    }

    /// - Parameter draw: uniform in [0, 1), compared with a canary's share.
    public static func action(policy: RoutePolicy, hasSpecialist: Bool, draw: Double) -> Action {
        switch policy {
        case .off: return .upstream(reason: "policy_off")
        case _ where !hasSpecialist: return .upstream(reason: "no_specialist")
        case .shadow: return .shadow
        case .on: return .specialist
        case .canary(let share): return draw < share ? .specialist : .upstream(reason: "canary_holdout")
        }
    }

    /// Whether an answer with `confidence` may be served: only at or above the cluster's
    /// threshold from replay; a cluster replay proposed no threshold for never serves.
    public static func accepts(confidence: Double, threshold: Double?) -> Bool {
        guard let threshold else { return false }
        return confidence >= threshold
    }
}
