import UnderstudyArchive
import UnderstudyWire

extension CorpusEntry {
    /// The request header of a corpus record that carries the entry (see README.md).
    public static let headerName = "x-understudy-corpus"

    /// The entry's JSON form, without the wire bodies (those are the envelope's bodies).
    public var json: JSONValue {
        var members: [JSONMember] = [
            JSONMember("format", .int(Self.format)), JSONMember("id", .string(id)),
            JSONMember("conversation", .string(conversation)), JSONMember("provider", .string(provider)),
            JSONMember("api", .string(api)), JSONMember("model", model.map(JSONValue.string) ?? .null),
            JSONMember("stream", .bool(stream)), JSONMember("prefix", prefix.json),
            JSONMember("prefix_hash", .string(prefixHash)), JSONMember("varying", .array(varying.map(\.json))),
            JSONMember("response", response?.json ?? .null),
            JSONMember(
                "alternatives",
                .array(
                    alternatives.map {
                        .object([JSONMember("response", $0.response.json), JSONMember("count", .int($0.count))])
                    })),
        ]
        let usageJSON: JSONValue =
            usage.map {
                .object([
                    JSONMember("input_tokens", $0.inputTokens.map(JSONValue.int) ?? .null),
                    JSONMember("output_tokens", $0.outputTokens.map(JSONValue.int) ?? .null),
                ])
            } ?? .null
        members += [
            JSONMember("usage", usageJSON), JSONMember("first_byte_ms", firstByteMs.map(JSONValue.double) ?? .null),
            JSONMember("latency_ms", latencyMs.map(JSONValue.double) ?? .null),
            JSONMember("status", status.map(JSONValue.int) ?? .null),
            JSONMember("start_us", .number(String(startMicros))), JSONMember("count", .int(count)),
            JSONMember("cost_usd", .double(costUSD)), JSONMember("exact_duplicates", .int(exactDuplicates)),
            JSONMember("near_duplicates", .int(nearDuplicates)), JSONMember("trainable", .bool(trainable)),
            JSONMember("capped", .bool(capped)), JSONMember("variant", .int(variant)),
        ]
        return .object(members)
    }

    /// Reads the JSON form; wire bodies come from the envelope.
    public init(json: JSONValue, requestBody: JSONValue? = nil, responseBody: JSONValue? = nil) throws {
        guard let version = json["format"]?.intValue else { throw DistillError("corpus entry has no \"format\"") }
        guard version == Self.format else {
            throw DistillError("corpus entry format \(version) is not supported (this reader knows 1)")
        }
        guard let id = json["id"]?.stringValue else { throw DistillError("corpus entry has no \"id\"") }
        let prefixJSON = json["prefix"] ?? .null
        let usage = json["usage"].flatMap {
            $0.isNull
                ? nil
                : Exchange.Usage(inputTokens: $0["input_tokens"]?.intValue, outputTokens: $0["output_tokens"]?.intValue)
        }
        self.init(
            id: id, conversation: json["conversation"]?.stringValue ?? "",
            provider: json["provider"]?.stringValue ?? "unknown",
            api: json["api"]?.stringValue ?? "unknown", model: json["model"]?.stringValue,
            stream: json["stream"]?.boolValue ?? false,
            prefix: CanonicalPrefix(
                system: prefixJSON["system"]?.stringValue,
                tools: (prefixJSON["tools"]?.arrayValue ?? []).compactMap(ToolSpec.init(json:))),
            prefixHash: json["prefix_hash"]?.stringValue ?? "",
            varying: (json["varying"]?.arrayValue ?? []).compactMap(CanonicalMessage.init(json:)),
            response: json["response"].flatMap { $0.isNull ? nil : CanonicalResponse(json: $0) },
            alternatives: (json["alternatives"]?.arrayValue ?? []).compactMap { alt in
                guard let response = alt["response"].flatMap(CanonicalResponse.init(json:)) else { return nil }
                return Alternative(response: response, count: alt["count"]?.intValue ?? 1)
            },
            usage: usage, firstByteMs: json["first_byte_ms"]?.doubleValue, latencyMs: json["latency_ms"]?.doubleValue,
            status: json["status"]?.intValue,
            startMicros: json["start_us"].flatMap { $0.intValue.map(Int64.init) } ?? 0,
            count: json["count"]?.intValue ?? 1, costUSD: json["cost_usd"]?.doubleValue ?? 0,
            exactDuplicates: json["exact_duplicates"]?.intValue ?? 0,
            nearDuplicates: json["near_duplicates"]?.intValue ?? 0,
            trainable: json["trainable"]?.boolValue ?? true, capped: json["capped"]?.boolValue ?? false,
            variant: json["variant"]?.intValue ?? 0, requestBody: requestBody, responseBody: responseBody)
    }

    /// The archive record of the entry: an Exchange whose bodies are the anonymized wire
    /// bodies and whose only header carries the entry's JSON. Client addresses and all original
    /// headers are dropped.
    public func envelope(target: String, captureMode: Exchange.Capture.Mode) -> Exchange {
        var request = Exchange.Request(
            method: "POST", target: target, headers: [HTTPHeaderField(Self.headerName, json.serialized())])
        if let requestBody { request.body = HTTPBody(bytes: requestBody.serializedBytes()) }
        var response = Exchange.Response(status: status ?? 200)
        if let responseBody { response.body = HTTPBody(bytes: responseBody.serializedBytes()) }
        let llm = Exchange.LLMInfo(
            provider: provider, api: api, model: model, stream: false, assembled: responseBody, usage: usage)
        return Exchange(
            id: id, capture: Exchange.Capture(mode: captureMode),
            timing: Exchange.Timing(startMicros: startMicros, firstByteMs: firstByteMs, endMs: latencyMs),
            request: request, response: response, llm: llm)
    }

    /// Reads an entry back from its archive record.
    public init(envelope: Exchange) throws {
        guard let header = envelope.request.headers.first(named: Self.headerName) else {
            throw DistillError("record \(envelope.id) is not a corpus record (no \(Self.headerName) header)")
        }
        let json: JSONValue
        do { json = try JSONValue(parsing: header) } catch {
            throw DistillError("record \(envelope.id): corpus header is not JSON: \(error)")
        }
        try self.init(json: json, requestBody: envelope.request.body.json, responseBody: envelope.response?.body.json)
    }
}
