import Foundation

/// JSON Schemas compiled into a table of nodes that automaton states refer to by index, so that
/// states stay small, hashable values. Understands what tool schemas use: `type` (one or a
/// list), `enum`, `const`, `properties`, `required`, `additionalProperties`, `items`,
/// `anyOf`/`oneOf`; anything else (`$ref`, formats, bounds) is accepted as unconstrained.
/// Build a graph on one thread, then share it: reads are safe, `add`/`compile` are not.
public final class JSONSchemaGraph: @unchecked Sendable {
    /// One schema node.
    public indirect enum Node: Sendable {
        case any
        case string(enumValues: [[UInt8]]?)
        case number(integer: Bool)
        case boolean
        case null
        /// One of these JSON texts exactly (enums and consts that are not all strings).
        case literals([[UInt8]])
        /// Properties by name; `closed` forbids keys outside `properties`.
        case object(properties: [String: Int], required: Set<String>, closed: Bool)
        case array(items: Int)
        case anyOf([Int])
        /// An object written with exactly these keys in this order, compactly (the canonical
        /// response): `{"k1":v1,"k2":v2}`.
        case fixedObject([(key: String, node: Int)])
        /// `{"name":"<tool>","arguments":<the tool's schema>}`, compact, in this key order (a name
        /// written `<Sk>` is a v2 tool-name slot: its head is the bare slot token).
        case toolCall(names: [String], arguments: [Int])
    }

    /// The nodes; index 0 is `.any`.
    public private(set) var nodes: [Node] = [.any]

    let anyArray: Int
    let boolean: Int
    let null: Int

    /// An empty graph (node 0 = any JSON value).
    public init() {
        nodes = [.any, .array(items: 0), .boolean, .null]
        literalTable = [2: Self.makeLiteralOptions(.boolean)!, 3: Self.makeLiteralOptions(.null)!]
        anyArray = 1
        boolean = 2
        null = 3
    }

    /// The byte strings a `.literal` frame of `node` chooses among: enum/const texts, `true`/`false`,
    /// `null`, or a tool call's heads `{"name":"<tool>","arguments":`.
    func literalOptions(_ node: Int) -> [[UInt8]] { literalTable[node] ?? [] }

    /// Literal options by node, computed once when the node is added (they are read on every
    /// byte the automaton takes).
    private var literalTable: [Int: [[UInt8]]] = [:]

    private static func makeLiteralOptions(_ node: Node) -> [[UInt8]]? {
        switch node {
        case .literals(let options): return options
        case .boolean: return [Array("true".utf8), Array("false".utf8)]
        case .null: return [Array("null".utf8)]
        case .toolCall(let names, _):
            return names.map { Array("{\"name\":\"".utf8) + Self.escapedInner($0) + Array("\",\"arguments\":".utf8) }
        default: return nil
        }
    }

    /// Adds a node, returning its index.
    @discardableResult
    public func add(_ node: Node) -> Int {
        nodes.append(node)
        if let options = Self.makeLiteralOptions(node) { literalTable[nodes.count - 1] = options }
        return nodes.count - 1
    }

    /// Compiles a JSON Schema given as a Foundation JSON object (from `JSONSerialization`).
    public func compile(_ schema: Any?) -> Int {
        guard let schema = schema as? [String: Any] else { return 0 }
        if let values = schema["enum"] as? [Any] ?? (schema["const"].map { [$0] }) {
            if values.allSatisfy({ $0 is String }) {
                return add(.string(enumValues: values.map { Self.escapedInner($0 as! String) }))
            }
            return add(.literals(values.compactMap(Self.jsonText)))
        }
        for key in ["anyOf", "oneOf"] {
            if let options = schema[key] as? [Any] { return add(.anyOf(options.map { compile($0) })) }
        }
        let types: [String]
        if let type = schema["type"] as? String {
            types = [type]
        } else if let list = schema["type"] as? [String] {
            types = list
        } else if schema["properties"] != nil {
            types = ["object"]
        } else {
            return 0
        }
        let compiled = types.map { type -> Int in
            switch type {
            case "string": return add(.string(enumValues: nil))
            case "integer": return add(.number(integer: true))
            case "number": return add(.number(integer: false))
            case "boolean": return add(.boolean)
            case "null": return add(.null)
            case "array": return add(.array(items: compile(schema["items"])))
            case "object":
                let properties = schema["properties"] as? [String: Any] ?? [:]
                var table: [String: Int] = [:]
                for (name, value) in properties { table[name] = compile(value) }
                let additional = schema["additionalProperties"]
                // An explicit `additionalProperties: false` closes even an object without properties.
                let closed =
                    (!properties.isEmpty || additional as? Bool == false) && !(additional as? Bool ?? false)
                    && !(additional is [String: Any])
                return add(
                    .object(properties: table, required: Set(schema["required"] as? [String] ?? []), closed: closed))
            default: return 0
            }
        }
        return compiled.count == 1 ? compiled[0] : add(.anyOf(compiled))
    }

    /// The canonical response of a cluster with tools: `{"content":string|null,"tool_calls":[…]}`,
    /// each call's arguments fitting its tool's `parameters` schema.
    /// - Parameters:
    ///   - tools: `(name, parameters)` with parameters as a Foundation JSON object.
    ///   - nameSlots: (prompt format v2) `(slot, tool)` pairs: a call may also be named by the slot
    ///     token `<S{slot}>` holding the name of `tools[tool]`.
    /// `textOnly`: the answer must be text (prompt feature `unmatched_text`).
    public func canonicalResponse(
        tools: [(name: String, parameters: Any?)], nameSlots: [(slot: Int, tool: Int)] = [], textOnly: Bool = false
    ) -> Int {
        if textOnly {
            // A text answer: content a string, no call (an array whose items nothing fits: `[]`;
            // a literal `[]` would let a slot token start there).
            let noCalls = add(.array(items: add(.anyOf([]))))
            return add(.fixedObject([("content", add(.string(enumValues: nil))), ("tool_calls", noCalls)]))
        }
        let content = add(.anyOf([add(.string(enumValues: nil)), add(.null)]))
        let arguments = tools.map { compile($0.parameters ?? ["type": "object"]) }
        let slotted = nameSlots.filter { $0.tool >= 0 && $0.tool < tools.count }
        let call = add(
            .toolCall(
                names: tools.map(\.name) + slotted.map { "<S\($0.slot)>" },
                arguments: arguments + slotted.map { arguments[$0.tool] }))
        if !slotted.isEmpty {
            literalTable[call] =
                tools.map { Array("{\"name\":\"".utf8) + Self.escapedInner($0.name) + Array("\",\"arguments\":".utf8) }
                + slotted.map { Array("{\"name\":<S\($0.slot)>,\"arguments\":".utf8) }
        }
        let calls = add(.array(items: call))
        return add(.fixedObject([("content", content), ("tool_calls", calls)]))
    }

    /// A string's JSON-escaped text without quotes, as Python's `json.dumps(ensure_ascii=False)`
    /// writes it (what the trainer renders).
    public static func escapedInner(_ string: String) -> [UInt8] {
        var out: [UInt8] = []
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += Array("\\\"".utf8)
            case "\\": out += Array("\\\\".utf8)
            case "\n": out += Array("\\n".utf8)
            case "\r": out += Array("\\r".utf8)
            case "\t": out += Array("\\t".utf8)
            case "\u{08}": out += Array("\\b".utf8)
            case "\u{0C}": out += Array("\\f".utf8)
            default:
                if scalar.value < 0x20 {
                    out += Array(String(format: "\\u%04x", scalar.value).utf8)
                } else {
                    out += Array(String(scalar).utf8)
                }
            }
        }
        return out
    }

    static func jsonText(_ value: Any) -> [UInt8]? {
        if let string = value as? String { return [UInt8(ascii: "\"")] + escapedInner(string) + [UInt8(ascii: "\"")] }
        if value is NSNull { return Array("null".utf8) }
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
            return Array(data)
        }
        return nil
    }
}
