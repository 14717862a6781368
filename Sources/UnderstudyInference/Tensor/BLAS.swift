import CBLAS
import Foundation

/// The process-wide settings of OpenBLAS and the lock that serializes model computations.
///
/// OpenBLAS (pthread build) keeps one pool of worker threads per process. When several Swift
/// threads call `sgemm` at once, each call tries to use the whole pool, so N callers on a
/// 2-core machine run 2·N busy threads that spin against each other (oversubscription) and
/// are slower than one caller at a time. Every forward pass in this module therefore runs
/// inside `BLAS.compute`, which holds one process-wide lock: callers queue up, and each one
/// gets all the BLAS threads.
public enum BLAS {
    private static let lock = NSLock()
    private static let configured: Int = {
        let environment = ProcessInfo.processInfo.environment
        let requested =
            environment["UNDERSTUDY_BLAS_THREADS"].flatMap(Int.init)
            ?? environment["OPENBLAS_NUM_THREADS"].flatMap(Int.init)
            ?? min(2, ProcessInfo.processInfo.activeProcessorCount)
        let threads = max(1, requested)
        selectKernels(environment)
        openblas_set_num_threads(Int32(threads))
        return threads
    }()

    /// The OpenBLAS kernel set in use ("SkylakeX", "Haswell", …).
    public static var coreName: String {
        _ = configured
        return openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    }

    /// Re-selects OpenBLAS kernels when its CPU detection fell back to the generic SSE3 ones on
    /// a CPU with AVX-512 or AVX2 (OpenBLAS 0.3.21 on Sapphire Rapids), unless the user chose
    /// with `OPENBLAS_CORETYPE`.
    private static func selectKernels(_ environment: [String: String]) {
        guard environment["OPENBLAS_CORETYPE"] == nil, let name = openblas_get_corename() else { return }
        let current = String(cString: name).lowercased()
        guard ["prescott", "core2", "penryn", "nehalem", "unknown"].contains(current) else { return }
        let better =
            understudy_cpu_supports_avx512() != 0 ? "SkylakeX" : understudy_cpu_supports_avx2() != 0 ? "Haswell" : nil
        guard let better else { return }
        setenv("OPENBLAS_CORETYPE", better, 1)
        gotoblas_dynamic_quit()
        gotoblas_dynamic_init()
    }

    /// The number of threads OpenBLAS uses: `UNDERSTUDY_BLAS_THREADS`, else
    /// `OPENBLAS_NUM_THREADS`, else min(2, cores).
    public static var threads: Int { configured }

    /// Sets the number of OpenBLAS threads for the whole process.
    public static func setThreads(_ count: Int) {
        _ = configured
        lock.lock()
        defer { lock.unlock() }
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// Runs `body` holding the process-wide compute lock (see the type's documentation). With
    /// one BLAS thread there is no pool to oversubscribe: each caller computes on its own thread,
    /// so callers run in parallel without the lock (replay and serve run this way, one request
    /// per core).
    public static func compute<T>(_ body: () throws -> T) rethrows -> T {
        if configured == 1 { return try body() }
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// C = A · Bᵀ (+ C when `accumulate`): A is m×k (row stride lda), B is n×k (row stride ldb),
    /// C is m×n (row stride ldc). This is PyTorch's `Linear` layout (weight rows are outputs).
    @inline(__always)
    static func gemmABt(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, accumulate: Bool = false
    ) {
        if m == 1 {
            cblas_sgemv(
                CblasRowMajor, CblasNoTrans, Int32(n), Int32(k), alpha, b, Int32(ldb), a, 1,
                accumulate ? 1 : 0, c, 1)
            return
        }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b,
            Int32(ldb), accumulate ? 1 : 0, c, Int32(ldc))
    }

    /// C = A · B: A is m×k, B is k×n, C is m×n, all row-major with the given row strides.
    @inline(__always)
    static func gemmAB(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b,
            Int32(ldb), 0, c, Int32(ldc))
    }
}
