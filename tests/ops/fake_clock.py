"""A clock for the limiter and the executor that moves only when they sleep."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FakeClock:
    """Monotonic time that moves only when someone sleeps; every sleep is recorded."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
