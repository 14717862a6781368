import Foundation

/// The weights of a model directory: `model.safetensors`, or the shards listed in
/// `model.safetensors.index.json`. Lookups name the file that was searched in their errors.
public struct TensorStore: Sendable {
    private let files: [SafetensorsFile]
    private let directory: String

    /// Opens the weights of a Hugging Face model directory.
    public init(directory: URL) throws {
        self.directory = directory.path
        let fm = FileManager.default
        let single = directory.appendingPathComponent("model.safetensors")
        let index = directory.appendingPathComponent("model.safetensors.index.json")
        if fm.fileExists(atPath: single.path) {
            files = [try SafetensorsFile(url: single)]
        } else if fm.fileExists(atPath: index.path) {
            guard let data = fm.contents(atPath: index.path),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let map = object["weight_map"] as? [String: String]
            else { throw InferenceError.malformedFile(index.path, "no 'weight_map' object") }
            files = try Set(map.values).sorted().map { try SafetensorsFile(url: directory.appendingPathComponent($0)) }
        } else {
            throw InferenceError.fileUnreadable(
                single.path, "no model.safetensors (or .index.json) in the model directory")
        }
    }

    /// Whether any file holds the tensor.
    public func contains(_ name: String) -> Bool { files.contains { $0.contains(name) } }

    private func file(for name: String) throws -> SafetensorsFile {
        guard let file = files.first(where: { $0.contains(name) }) else {
            throw InferenceError.missingTensor(
                name, file: files.count == 1 ? files[0].path : "\(directory)/model-*.safetensors")
        }
        return file
    }

    /// A tensor's values, shape-checked when `shape` is given.
    public func tensor(_ name: String, shape: [Int]? = nil) throws -> [Float] {
        try file(for: name).tensor(name, shape: shape)
    }

    /// A 2-D tensor.
    public func matrix(_ name: String, rows: Int, columns: Int) throws -> Matrix {
        try file(for: name).matrix(name, rows: rows, columns: columns)
    }

    /// A linear layer from `prefix.weight` (outputs × inputs) and, if present or required, `prefix.bias`.
    public func linear(_ prefix: String, inputs: Int, outputs: Int, bias: Bool?) throws -> Linear {
        let weight = try matrix("\(prefix).weight", rows: outputs, columns: inputs)
        let hasBias = bias ?? contains("\(prefix).bias")
        let b = hasBias ? try tensor("\(prefix).bias", shape: [outputs]) : nil
        return Linear(weight: weight, bias: b)
    }
}
