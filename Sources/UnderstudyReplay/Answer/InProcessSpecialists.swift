import Foundation

/// Loads a run's specialists for in-process replay.
///
/// ADAPTER, NOT YET CONNECTED: UnderstudyInference does not yet expose the specialist answerer
/// (prompt rendering, constrained decoding, value slots; issue 6). Until it does, loading
/// reports that plainly and replay records every request of the cluster as a miss with this
/// reason; `--target URL` works meanwhile. When the API lands, `answerer(for:)` builds an
/// `InProcessAnswerer` whose closure calls it.
public enum InProcessSpecialists {
    public static func answerer(cluster: String, directory: URL) -> any SpecialistAnswerer {
        UnavailableAnswerer(
            target: "in-process",
            reason: "in-process inference is not available in this build (UnderstudyInference has no specialist answerer yet); replay with --target URL")
    }
}
