"""What the command prints while it seeds: rows written so far, by kind and in all."""

import threading
import time
from dataclasses import dataclass, field

from demo.scale.sizes import Plan


@dataclass
class Progress:
    """Rows written so far, by kind and in all; a live line when writing to a terminal."""

    stdout: object
    live: bool
    started: float = field(default_factory=time.perf_counter)
    counts: dict[str, int] = field(default_factory=dict)
    doing: dict[int, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def rate(self) -> float:
        return self.rows / max(time.perf_counter() - self.started, 1e-9)

    def stage(self, plan: Plan, label: str) -> None:
        with self.lock:
            self.doing[plan.number] = label
            self._show()

    def add(self, kind: str, rows: int) -> None:
        with self.lock:
            self.counts[kind] = self.counts.get(kind, 0) + rows
            self._show()

    def done(self, plan: Plan, counts: dict[str, int], seconds: float) -> None:
        with self.lock:
            self.doing.pop(plan.number, None)
            rows = sum(counts.values())
            self.clear()
            self.stdout.write(
                f"  {plan.slug:<9} {counts.get('clients', 0):>4,} clients "
                f"{counts.get('roles', 0):>6,} roles {counts.get('candidates', 0):>7,} candidates "
                f"{counts.get('submissions', 0):>8,} submissions "
                f"{counts.get('clocks', 0):>7,} clocks {counts.get('activities', 0):>8,} "
                f"activities: {rows:>9,} rows in {seconds:5.1f} s "
                f"({rows / max(seconds, 1e-9):,.0f}/s)"
            )
            self._show()

    def clear(self) -> None:
        if self.live:
            self.stdout.write("\r\033[K", ending="")

    def _show(self) -> None:
        if not self.live:
            return
        elapsed = time.perf_counter() - self.started
        doing = ", ".join(
            f"scale-{number}: {label}" for number, label in sorted(self.doing.items())
        )
        self.clear()
        self.stdout.write(
            f"  {elapsed:5.0f} s  {self.rows:>10,} rows  {self.rate():>7,.0f} rows/s  {doing}"[
                :160
            ],
            ending="",
        )
        self.stdout.flush()
