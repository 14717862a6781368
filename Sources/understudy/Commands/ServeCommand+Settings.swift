import ArgumentParser
import Foundation
import TOMLKit
import UnderstudyRouter

/// `[serve]` of understudy.toml:
///
/// ```toml
/// [serve]
/// run = "r1"                    # or a path
/// target = "in-process"         # or an OpenAI-compatible URL serving the specialists
/// model = "{cluster}"
/// default_policy = "shadow"     # off | shadow | on | "canary 10%"
/// budget_ms = 1500              # a slower specialist answer goes upstream
/// admin_token = "…"             # or $UNDERSTUDY_ADMIN_TOKEN
///
/// [serve.policies]
/// c001 = "on"
/// c004 = "canary 5%"
///
/// [serve.thresholds]            # override replay's proposed threshold
/// c001 = 0.8
/// ```
struct ServeFileSettings {
    var run: String?
    var target: String?
    var model: String?
    var defaultPolicy: RoutePolicy?
    var budgetMs: Double?
    var adminToken: String?
    var policies: [String: RoutePolicy] = [:]
    var thresholds: [String: Double] = [:]

    static func read(_ file: UnderstudyConfiguration) throws -> ServeFileSettings {
        var settings = ServeFileSettings()
        guard let value = file.document?["serve"] else { return settings }
        let path = file.path ?? "understudy.toml"
        guard let table = value.table else { throw CLIError("\(path): [serve] must be a table") }
        let known: Set<String> = ["run", "target", "model", "default_policy", "budget_ms", "admin_token", "policies", "thresholds"]
        for key in table.keys where !known.contains(key) {
            throw CLIError("\(path): unknown key '\(key)' in [serve] (known: \(known.sorted().joined(separator: ", ")))")
        }
        func string(_ key: String) throws -> String? {
            guard let v = table[key] else { return nil }
            guard let s = v.string else { throw CLIError("\(path): [serve] \(key) must be a string") }
            return s
        }
        settings.run = try string("run")
        settings.target = try string("target")
        settings.model = try string("model")
        settings.adminToken = try string("admin_token")
        do {
            if let text = try string("default_policy") { settings.defaultPolicy = try RoutePolicy(parsing: text) }
        } catch let error as RouterError { throw CLIError("\(path): [serve] default_policy: \(error)") }
        if let v = table["budget_ms"] {
            guard let n = v.double ?? v.int.map(Double.init) else { throw CLIError("\(path): [serve] budget_ms must be a number") }
            settings.budgetMs = n
        }
        if let v = table["policies"] {
            guard let policies = v.table else { throw CLIError("\(path): [serve.policies] must be a table") }
            for key in policies.keys {
                guard let text = policies[key]?.string else { throw CLIError("\(path): [serve.policies] \(key) must be a string") }
                do { settings.policies[key] = try RoutePolicy(parsing: text) } catch {
                    throw CLIError("\(path): [serve.policies] \(key): \(error)")
                }
            }
        }
        if let v = table["thresholds"] {
            guard let thresholds = v.table else { throw CLIError("\(path): [serve.thresholds] must be a table") }
            for key in thresholds.keys {
                guard let n = thresholds[key]?.double ?? thresholds[key]?.int.map(Double.init) else {
                    throw CLIError("\(path): [serve.thresholds] \(key) must be a number")
                }
                settings.thresholds[key] = n
            }
        }
        return settings
    }
}
