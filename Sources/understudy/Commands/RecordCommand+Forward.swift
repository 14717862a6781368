import ArgumentParser
import Foundation
import UnderstudyRecorder

/// `record`'s forward-proxy options (`--forward…`), shared through `@OptionGroup`.
struct ForwardOptions: ParsableArguments {
    @Flag(
        help:
            "Also be an HTTP(S) forward proxy on the same listener (HTTP_PROXY/HTTPS_PROXY): CONNECT to allowlisted hosts is TLS-intercepted and recorded (needs `understudy ca init`)."
    )
    var forward = false

    @Option(
        help: "CONNECT to hosts off the allowlist: tunnel (relay blind, not recorded) or refuse (403). Default tunnel.")
    var forwardPolicy: ForwardPolicy.OtherHosts?

    @Option(
        name: .customLong("forward-host"),
        help:
            "Another host to intercept besides api.openai.com, api.anthropic.com, generativelanguage.googleapis.com; repeatable."
    )
    var forwardHosts: [String] = []

    @Flag(help: "Allow CONNECT and requests to loopback and private addresses (refused by default).")
    var forwardAllowPrivate = false

    @Option(
        name: .customLong("forward-resolve"),
        help:
            "HOST:PORT=ADDRESS:PORT: connect there instead of resolving HOST (TLS still verifies HOST; bypasses the private-address check); repeatable."
    )
    var forwardResolve: [String] = []

    @Option(
        name: .customLong("forward-upstream-ca"),
        help: "PEM file of CA certificates trusted besides the system store when verifying intercepted upstreams.")
    var forwardUpstreamCA: String?

    @OptionGroup var ca: CADirectoryOptions

    func validate() throws {
        for text in forwardResolve {
            do { _ = try ForwardResolveOverride(parsing: text) } catch {
                throw ValidationError("--forward-resolve: \(error)")
            }
        }
    }

    /// The forward settings from these options over `[record]` in understudy.toml; nil when off.
    func resolve(file: UnderstudyConfiguration) throws -> ForwardConfiguration? {
        let r = file.record
        guard forward || r.forward == true else {
            if forwardPolicy != nil || !forwardHosts.isEmpty || forwardAllowPrivate || !forwardResolve.isEmpty
                || forwardUpstreamCA != nil
            {
                throw ValidationError(
                    "the --forward-… options need --forward (or forward = true in understudy.toml [record])")
            }
            return nil
        }
        let source = file.path ?? "defaults"
        let policy = ForwardPolicy(
            extraAllowedHosts: r.forwardHosts + forwardHosts,
            otherHosts: try forwardPolicy ?? r.forwardPolicy.map { text in
                guard let value = ForwardPolicy.OtherHosts(rawValue: text) else {
                    throw CLIError("\(source): [record] forward_policy must be tunnel or refuse, not '\(text)'")
                }
                return value
            } ?? .tunnel,
            allowPrivate: forwardAllowPrivate || r.forwardAllowPrivate == true)
        var configuration = ForwardConfiguration(
            authority: try ca.load(), policy: policy,
            resolveOverrides: try forwardResolve.map { try ForwardResolveOverride(parsing: $0) })
        if let path = forwardUpstreamCA ?? r.forwardUpstreamCA {
            do { try configuration.trustUpstreamCertificates(inPEMFile: path) } catch { throw CLIError("\(error)") }
        }
        return configuration
    }
}

extension ForwardPolicy.OtherHosts: ExpressibleByArgument {}
