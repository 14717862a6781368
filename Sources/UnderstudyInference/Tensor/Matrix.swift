/// A row-major matrix of 32-bit floats: the one tensor type of the inference code.
///
/// ```swift
/// var x = Matrix(rows: 2, columns: 3)
/// x[1, 2] = 4
/// ```
public struct Matrix: Sendable, Equatable {
    /// Number of rows (tokens, usually).
    public var rows: Int
    /// Number of columns (features).
    public var columns: Int
    /// `rows * columns` values, row after row.
    public var storage: [Float]

    /// A zero-filled matrix.
    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        storage = [Float](repeating: 0, count: rows * columns)
    }

    /// A matrix over existing values (`values.count == rows * columns`).
    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "Matrix(\(rows)×\(columns)) given \(values.count) values")
        self.rows = rows
        self.columns = columns
        storage = values
    }

    /// The element at `row`, `column`.
    @inline(__always)
    public subscript(row: Int, column: Int) -> Float {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// A copy of one row.
    public func row(_ index: Int) -> [Float] {
        Array(storage[index * columns..<(index + 1) * columns])
    }

    /// Changes the number of rows, keeping the buffer's capacity (so buffers can be reused
    /// across batches without reallocation).
    public mutating func resize(rows newRows: Int) {
        rows = newRows
        let needed = newRows * columns
        if storage.count < needed {
            storage.append(contentsOf: repeatElement(0, count: needed - storage.count))
        } else if storage.count > needed {
            storage.removeLast(storage.count - needed)
        }
    }
}
