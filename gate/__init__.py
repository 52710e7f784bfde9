"""Offline preview and policy gate for enterprise-identity stacks."""

from pathlib import Path

GATE_PARENT = Path(__file__).resolve().parent.parent
"""The folder the `gate` package is in: the processes the gate starts (the program host, the
policy pack) put it on `sys.path` to import their entry module."""
