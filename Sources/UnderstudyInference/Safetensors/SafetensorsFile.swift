import Foundation

/// A `.safetensors` file: an 8-byte little-endian header length, a JSON header mapping tensor
/// names to `{"dtype", "shape", "data_offsets"}`, then the raw data. The file is memory-mapped;
/// tensors are converted to `Float` (from F32, F16 or BF16) when read.
///
/// ```swift
/// let file = try SafetensorsFile(url: dir.appendingPathComponent("model.safetensors"))
/// let embeddings = try file.matrix("embeddings.word_embeddings.weight", rows: 30522, columns: 384)
/// ```
public final class SafetensorsFile: @unchecked Sendable {
    /// One entry of the header.
    public struct Entry: Sendable {
        /// `F32`, `F16`, `BF16`, `I64`, …
        public var dtype: String
        /// Dimensions, outermost first.
        public var shape: [Int]
        var begin: Int
        var end: Int
    }

    /// The file's path (used in errors).
    public let path: String
    /// Tensor entries by name.
    public let entries: [String: Entry]
    private let data: Data
    private let dataStart: Int

    /// Maps the file and parses its header.
    public init(url: URL) throws {
        path = url.path
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw InferenceError.fileUnreadable(url.path, error.localizedDescription)
        }
        guard data.count >= 8 else { throw InferenceError.malformedFile(path, "shorter than the 8-byte header length") }
        let headerLength = data.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        guard headerLength > 0, 8 + headerLength <= data.count else {
            throw InferenceError.malformedFile(
                path, "header length \(headerLength) exceeds the file size \(data.count)")
        }
        dataStart = 8 + headerLength
        let header = data.subdata(in: 8..<dataStart)
        guard let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
            throw InferenceError.malformedFile(path, "the header is not a JSON object")
        }
        var entries: [String: Entry] = [:]
        for (name, value) in object where name != "__metadata__" {
            guard let fields = value as? [String: Any], let dtype = fields["dtype"] as? String,
                let shape = fields["shape"] as? [Int], let offsets = fields["data_offsets"] as? [Int],
                offsets.count == 2, offsets[0] <= offsets[1], dataStart + offsets[1] <= data.count
            else {
                throw InferenceError.malformedFile(
                    path, "header entry for tensor '\(name)' is invalid or out of bounds")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
        }
        self.entries = entries
    }

    /// Whether the file holds a tensor of that name.
    public func contains(_ name: String) -> Bool { entries[name] != nil }

    /// The values of a tensor as `Float`, checking its shape when `shape` is given.
    public func tensor(_ name: String, shape expected: [Int]? = nil) throws -> [Float] {
        guard let entry = entries[name] else { throw InferenceError.missingTensor(name, file: path) }
        if let expected, expected != entry.shape {
            throw InferenceError.shapeMismatch(name, file: path, expected: expected, found: entry.shape)
        }
        let count = entry.shape.reduce(1, *)
        let width: Int
        switch entry.dtype {
        case "F32": width = 4
        case "F16", "BF16": width = 2
        default: throw InferenceError.unsupportedDType(entry.dtype, tensor: name, file: path)
        }
        guard entry.end - entry.begin == count * width else {
            throw InferenceError.malformedFile(
                path, "tensor '\(name)' has \(entry.end - entry.begin) bytes for \(count) \(entry.dtype) values")
        }
        let start = dataStart + entry.begin
        return data.withUnsafeBytes { raw in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[start..<(start + count * width)])
            return [Float](unsafeUninitializedCapacity: count) { out, initialized in
                switch entry.dtype {
                case "F32":
                    for i in 0..<count {
                        out[i] = Float(
                            bitPattern: UInt32(
                                littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    }
                case "BF16":
                    for i in 0..<count {
                        let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                        out[i] = Float(bitPattern: UInt32(bits) << 16)
                    }
                default:
                    for i in 0..<count {
                        let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                        out[i] = Float(Float16(bitPattern: bits))
                    }
                }
                initialized = count
            }
        }
    }

    /// A 2-D tensor as a `Matrix` of the expected shape.
    public func matrix(_ name: String, rows: Int, columns: Int) throws -> Matrix {
        Matrix(rows: rows, columns: columns, values: try tensor(name, shape: [rows, columns]))
    }
}
