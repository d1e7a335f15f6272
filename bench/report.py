"""Figures and the table the benchmark prints: percentiles, the machine, aligned rows."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from dataclasses import dataclass
from datetime import UTC, datetime


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], pct: float) -> float:
    """Linear-interpolated percentile (``pct`` in 0..100); with few samples p99 is near the max."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_lines() -> list[str]:
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    return [
        f"date:    {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs{load}",
        f"python:  {platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        f"os:      {platform.platform()}",
    ]


@dataclass(frozen=True)
class Row:
    """One line of the table; ``limit`` is the target the skill's figure (or ratio) must not exceed."""

    metric: str
    skill: float | None
    baseline: float | None = None
    unit: str = "ms"
    limit: float | None = None
    on_ratio: bool = True  # compare the ratio with the limit, else the skill's own figure

    @property
    def ratio(self) -> float | None:
        if self.skill is None or not self.baseline:
            return None
        return self.skill / self.baseline

    @property
    def target(self) -> str:
        if self.limit is None:
            return ""
        if self.on_ratio:
            return f"<= {self.limit:g}x"
        return f"<= {self.limit:g} {self.unit}".rstrip()

    @property
    def met(self) -> str:
        if self.limit is None:
            return ""
        value = self.ratio if self.on_ratio else self.skill
        if value is None:
            return "?"
        return "yes" if value <= self.limit else "NO"


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit in ("", "calls", "req/s"):
        text = f"{value:,.0f}" if value == int(value) or value >= 100 else f"{value:.2f}"
    else:
        text = f"{value:,.1f}"
    return f"{text} {unit}".rstrip()


def table(rows: list[Row]) -> str:
    header = ("metric", "skill", "baseline", "ratio", "target", "met?")
    cells = [header]
    for row in rows:
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else "-"
        cells.append(
            (
                row.metric,
                _figure(row.skill, row.unit),
                _figure(row.baseline, row.unit),
                ratio,
                row.target,
                row.met,
            )
        )
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    out = []
    for n, line in enumerate(cells):
        first = line[0].ljust(widths[0])
        rest = [cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)]
        out.append("  ".join([first, *rest]).rstrip())
        if n == 0:
            out.append("  ".join("-" * width for width in widths))
    return "\n".join(out)


def markdown_table(rows: list[Row]) -> str:
    """The same figures as a Markdown table, to paste into docs/performance.md."""
    lines = ["| metric | skill | baseline | ratio | target | met? |", "|---|---:|---:|---:|---|---|"]
    for row in rows:
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else "-"
        lines.append(
            f"| {row.metric} | {_figure(row.skill, row.unit)} | {_figure(row.baseline, row.unit)}"
            f" | {ratio} | {row.target} | {row.met} |"
        )
    return "\n".join(lines)
