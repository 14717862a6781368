import UnderstudyArchive
import UnderstudyRecorder

/// `serve`'s admin endpoints on the admin listener, all behind `Authorization: Bearer TOKEN`:
///
/// - `GET /admin/policies`: the default policy and, per cluster, policy, threshold and specialist.
/// - `PUT /admin/policies/ID` with `{"policy": "canary 10%"}` (or the bare policy text): sets a
///   cluster's policy; `ID` `default` sets the default. 404 for an unknown cluster, 400 for a
///   policy that does not parse.
/// - `GET /admin/stats`: the router's counters.
///
/// Without a configured token every admin request is refused (403), so the routing of a fleet
/// cannot be changed by anyone who can reach the port.
public struct PolicyAdmin: AdminRoutes {
    public let policies: PolicyTable
    public let clusters: [String]
    public let thresholds: ThresholdTable
    public let specialists: Set<String>
    public let stats: RouterStats
    public let token: AdminToken?

    public init(
        policies: PolicyTable, clusters: [String], thresholds: ThresholdTable, specialists: Set<String>,
        stats: RouterStats, token: AdminToken?
    ) {
        self.policies = policies
        self.clusters = clusters
        self.thresholds = thresholds
        self.specialists = specialists
        self.stats = stats
        self.token = token
    }

    public func respond(method: String, path: String, headers: [HTTPHeaderField], body: [UInt8]) -> AdminReply? {
        guard path == "/admin" || path.hasPrefix("/admin/") else { return nil }
        guard let token else {
            return error(403, "the admin API is disabled: set UNDERSTUDY_ADMIN_TOKEN or [serve] admin_token")
        }
        guard token.authorizes(headers.first(named: "authorization")) else {
            return error(401, "missing or wrong bearer token")
        }
        let parts = path.split(separator: "/").map(String.init)  // ["admin", "policies", ID?]
        switch (method, parts.count > 1 ? parts[1] : "", parts.count) {
        case ("GET", "policies", 2): return reply(200, listing)
        case ("GET", "policies", 3):
            guard parts[2] == "default" || clusters.contains(parts[2]) else { return error(404, "no cluster \(parts[2])") }
            return reply(200, entry(parts[2]))
        case ("PUT", "policies", 3): return put(cluster: parts[2], body: body)
        case ("GET", "stats", 2): return reply(200, stats.json)
        default: return error(404, "unknown admin endpoint \(method) \(path): try GET /admin/policies, PUT /admin/policies/ID, GET /admin/stats")
        }
    }

    private func put(cluster: String, body: [UInt8]) -> AdminReply {
        guard cluster == "default" || clusters.contains(cluster) else { return error(404, "no cluster \(cluster) in this run") }
        var text = String(decoding: body, as: UTF8.self)
        if let json = try? JSONValue(parsing: body) {
            guard let policy = json["policy"]?.stringValue ?? json.stringValue else {
                return error(400, "send {\"policy\": \"off|shadow|on|canary P%\"}")
            }
            text = policy
        }
        let policy: RoutePolicy
        do { policy = try RoutePolicy(parsing: text) } catch { return self.error(400, "\(error)") }
        if cluster == "default" { policies.defaultPolicy = policy } else { policies.set(policy, for: cluster) }
        return reply(200, entry(cluster))
    }

    var listing: JSONValue {
        ["default": .string(policies.defaultPolicy.description), "clusters": .array(clusters.map(entry))]
    }

    func entry(_ cluster: String) -> JSONValue {
        if cluster == "default" { return ["cluster": "default", "policy": .string(policies.defaultPolicy.description)] }
        return [
            "cluster": .string(cluster), "policy": .string(policies.policy(for: cluster).description),
            "threshold": thresholds.threshold(for: cluster).map { .double($0) } ?? .null,
            "specialist": .bool(specialists.contains(cluster)),
        ]
    }

    private func reply(_ status: Int, _ json: JSONValue) -> AdminReply {
        AdminReply(status: status, body: json.serializedBytes() + [0x0A])
    }

    private func error(_ status: Int, _ message: String) -> AdminReply {
        reply(status, ["error": ["message": .string(message), "code": .int(status)]])
    }
}
