"""The result of one item of a bulk job, and the tally a report is made of."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Outcome:
    """What happened to one item: ``outcome`` is a past-tense verb or ``failed``."""

    outcome: str
    reason: str = ""
    code: str = ""

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"


@dataclass(frozen=True)
class Failure:
    """One failed item, with enough to find it in the input and to fix it."""

    item: str
    username: str
    reason: str
    code: str = ""


@dataclass
class Tally:
    """Counts per outcome plus every failure, for the final report."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    resumed: int = 0  # items finished by an earlier run of the same journal

    def add(self, item: str, username: str, result: Outcome) -> None:
        self.counts[result.outcome] += 1
        if result.failed:
            self.failures.append(Failure(item, username, result.reason, result.code))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def failed(self) -> int:
        return self.counts.get("failed", 0)
