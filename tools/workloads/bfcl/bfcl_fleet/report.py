"""Summaries of driver results: counts, agreement and latency percentiles, overall and per agent."""

from __future__ import annotations

import math


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize(results: list[dict]) -> dict:
    ok = [r for r in results if r["error"] is None]
    latencies = [r["latency_ms"] for r in ok]
    firsts = [r["first_chunk_ms"] for r in ok if r["first_chunk_ms"] is not None]
    routes: dict[str, int] = {}
    for r in results:
        routes[r["route"] or "-"] = routes.get(r["route"] or "-", 0) + 1
    checked = [r for r in results if r["body_sha256_ok"] is not None]
    return {
        "requests": len(results),
        "errors": len(results) - len(ok),
        "streamed": sum(r["stream"] for r in results),
        "agree": sum(r["agree"] for r in results),
        "agreement": (sum(r["agree"] for r in results) / len(results)) if results else None,
        "latency_ms": {"p50": percentile(latencies, 50), "p90": percentile(latencies, 90),
                       "p99": percentile(latencies, 99), "max": max(latencies) if latencies else None},
        "first_chunk_ms": {"p50": percentile(firsts, 50), "p99": percentile(firsts, 99)},
        "body_sha256_mismatches": sum(not r["body_sha256_ok"] for r in checked),
        "routes": routes,
    }


def by_agent(results: list[dict]) -> dict:
    groups: dict[str, list[dict]] = {}
    for r in results:
        groups.setdefault(r["agent"], []).append(r)
    return {agent: summarize(rows) for agent, rows in groups.items()}


def render(summary: dict, agents: dict, wall_s: float) -> str:
    def ms(value):
        return "-" if value is None else f"{value:.1f}"

    lines = [f"{'agent':<12} {'requests':>8} {'errors':>6} {'agree':>7} {'p50 ms':>8} {'p99 ms':>8}"]
    for agent, s in agents.items():
        lines.append(f"{agent:<12} {s['requests']:>8} {s['errors']:>6} {s['agreement'] * 100:>6.1f}% "
                     f"{ms(s['latency_ms']['p50']):>8} {ms(s['latency_ms']['p99']):>8}")
    rate = summary["requests"] / wall_s if wall_s > 0 else 0.0
    agreement = "-" if summary["agreement"] is None else f"{summary['agreement'] * 100:.1f}%"
    lines.append(f"requests {summary['requests']} (streamed {summary['streamed']}), errors {summary['errors']}, "
                 f"agreement {agreement}, latency p50 {ms(summary['latency_ms']['p50'])} ms "
                 f"p99 {ms(summary['latency_ms']['p99'])} ms, wall {wall_s:.1f} s ({rate:.0f} req/s)")
    routes = ", ".join(f"{k} {v}" for k, v in sorted(summary["routes"].items()))
    lines.append(f"routes: {routes}; body hash mismatches: {summary['body_sha256_mismatches']}")
    return "\n".join(lines)
