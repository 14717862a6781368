import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix

/// An upstream error sorted into what the agent and the metrics need: the status of the proxy's
/// own error response (502, or 504 for timeouts), a provider-neutral error type, and a short
/// summary that never carries header values or bodies.
struct UpstreamFailure {
    var kind: String
    var status: HTTPResponseStatus
    var type: String
    var summary: String

    init(_ error: any Error) {
        let text = String(describing: error)
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout, .deadlineExceeded, .readTimeout, .writeTimeout:
                self.init(kind: "timeout", status: .gatewayTimeout, type: "upstream_timeout", summary: "timed out (\(client))")
            case .remoteConnectionClosed:
                self.init(kind: "reset", status: .badGateway, type: "upstream_reset", summary: "closed the connection")
            case .cancelled:
                self.init(kind: "other", status: .badGateway, type: "upstream_cancelled", summary: "request was cancelled")
            default:
                self.init(kind: "other", status: .badGateway, type: "upstream_error", summary: "failed: \(client)")
            }
            return
        }
        if error is NIOConnectionError || error is ChannelError && text.contains("connect") {
            self.init(kind: "unreachable", status: .badGateway, type: "upstream_unreachable",
                      summary: "could not be reached: \(text)")
            return
        }
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH:
                self.init(kind: "unreachable", status: .badGateway, type: "upstream_unreachable",
                          summary: "could not be reached: \(io)")
            case ECONNRESET, EPIPE:
                self.init(kind: "reset", status: .badGateway, type: "upstream_reset", summary: "reset the connection")
            default:
                self.init(kind: "other", status: .badGateway, type: "upstream_error", summary: "failed: \(io)")
            }
            return
        }
        if text.lowercased().contains("refused") || text.contains("NIOConnectionError") {
            self.init(kind: "unreachable", status: .badGateway, type: "upstream_unreachable",
                      summary: "could not be reached: \(text)")
            return
        }
        self.init(kind: "other", status: .badGateway, type: "upstream_error", summary: "failed: \(text)")
    }

    private init(kind: String, status: HTTPResponseStatus, type: String, summary: String) {
        self.kind = kind
        self.status = status
        self.type = type
        self.summary = summary
    }
}

#if canImport(Glibc)
import Glibc
#endif
