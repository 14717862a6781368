"""Reads one cluster's trainer dataset (docs/formats.md, "Trainer dataset")."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

SPLITS = ("train", "val", "test")


class DatasetError(Exception):
    """A cluster directory that cannot be read; the message names the file and line."""


@dataclass
class Example:
    id: str
    messages: list[dict]
    target: dict
    weight: int = 1
    tools: list[dict] | None = None  # the request's own tools, when they differ from the cluster's
    clause: int | None = None  # prompt feature clause_calls: the question's clause this copy answers


@dataclass
class Cluster:
    id: str
    path: Path
    info: dict
    splits: dict[str, list[Example]] = field(default_factory=dict)

    @property
    def tools(self) -> list[dict]:
        return self.info.get("tools") or []

    @property
    def request_tools(self) -> bool:
        """Whether the cluster's requests bring their own tools (some training line has `tools`):
        then every prompt lists its request's tools (prompt format v2)."""
        return any(e.tools for e in self.splits.get("train", []))

    def tools_of(self, example: Example) -> list[dict] | None:
        """The tool list the prompt of `example` renders: None when the cluster's tools are constant."""
        if not self.request_tools:
            return None
        return example.tools or self.tools

    @property
    def prefix_hash(self) -> str | None:
        return self.info.get("prefix_hash")


def _read_split(path: Path) -> list[Example]:
    if not path.exists():
        return []
    examples = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as error:
                raise DatasetError(f"{path}:{number}: not JSON ({error})") from None
            if row.get("format", 1) != 1:
                raise DatasetError(f"{path}:{number}: unsupported format {row.get('format')!r} (expected 1)")
            messages, target = row.get("messages"), row.get("target")
            if not isinstance(messages, list) or not isinstance(target, dict):
                raise DatasetError(f"{path}:{number}: needs a 'messages' list and a 'target' object")
            tools = row.get("tools")
            if tools is not None and not isinstance(tools, list):
                raise DatasetError(f"{path}:{number}: 'tools' is not a list")
            examples.append(Example(str(row.get("id", f"{path.stem}-{number}")), messages, target,
                                    int(row.get("weight", 1) or 1), tools))
    return examples


def load_cluster(run_dir: Path, cluster_id: str) -> Cluster:
    path = run_dir / "clusters" / cluster_id
    info_path = path / "cluster.json"
    if not info_path.exists():
        raise DatasetError(f"{info_path} is missing: run `understudy distill` for this run first")
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise DatasetError(f"{info_path}: not JSON ({error})") from None
    if info.get("format", 1) != 1:
        raise DatasetError(f"{info_path}: unsupported format {info.get('format')!r} (expected 1)")
    cluster = Cluster(str(info.get("id", cluster_id)), path, info)
    for split in SPLITS:
        cluster.splits[split] = _read_split(path / f"{split}.jsonl")
    return cluster


def cluster_ids(run_dir: Path) -> list[str]:
    root = run_dir / "clusters"
    if not root.is_dir():
        raise DatasetError(f"{root} is missing: run `understudy distill` for this run first")
    return sorted(p.name for p in root.iterdir() if (p / "cluster.json").exists())
