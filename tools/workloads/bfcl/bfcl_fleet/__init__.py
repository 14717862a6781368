"""Builds the BFCL agent-fleet workload: agents, conversations, ground truth, mock script.

The package is used by `generate.py` (writes the workload) and `drive.py` (replays it).
See ../README.md for the design and the simplifications made to BFCL.
"""
