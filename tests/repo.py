"""The repository's root, for every test that reads a file of the project or runs it there."""

from __future__ import annotations

from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[1]
