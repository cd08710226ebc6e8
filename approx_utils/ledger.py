"""Claims measured over seeds: each row of a table is one configuration run for several seeds.

Tables print the median and range of R² with a verdict, rounded so that last-digit float noise
does not change what a notebook shows (and nbval checks).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from ._checks import check_seed
from .diagnostics import KINDS
from .experiments import run_experiment
from .sweeps import sweep

FITS, PARTIAL = 0.9, 0.5


def fit_verdict(r2: float) -> str:
    """'fits' (R² >= 0.9), 'partial' (>= 0.5) or 'fails'."""
    return "fits" if r2 >= FITS else "partial" if r2 >= PARTIAL else "fails"


@dataclass
class Row:
    """One configuration over seeds: R² per seed and the findings `diagnose` named most often."""

    label: str
    config: dict
    r2s: list
    kinds: list
    exps: list = field(default_factory=list, repr=False)

    @property
    def median(self) -> float:
        return float(np.median(self.r2s))

    @property
    def spread(self) -> tuple[float, float]:
        return float(np.min(self.r2s)), float(np.max(self.r2s))

    @property
    def verdict(self) -> str:
        return fit_verdict(self.median)

    @property
    def findings(self) -> str:
        """Findings named for a majority of the seeds."""
        counts = Counter(k for kinds in self.kinds for k in kinds)
        common = [k for k in KINDS if counts[k] > len(self.kinds) / 2]
        return ", ".join(common) or "none"


def _r2_text(v: float) -> str:
    if not np.isfinite(v):
        return "diverged"
    return f"{v:.2f}" if v > -99 else "< -99"


class SeedTable(list):
    """Rows of `Row`, printed as a compact table with a verdict column."""

    def __init__(self, rows, seeds, steps):
        super().__init__(rows)
        self.seeds, self.steps = tuple(seeds), steps

    def row(self, label: str) -> Row:
        return next(r for r in self if r.label == label)

    def __str__(self):
        width = max(len(r.label) for r in self)
        budget = f"{self.steps} steps" if self.steps else "steps as set per row"
        lines = [f"R² over seeds {list(self.seeds)}, {budget}; verdict: fits >= {FITS}, partial >= {PARTIAL}",
                 f"{'configuration':<{width}}  median R²  range (min..max)  verdict  findings"]
        for r in self:
            lo, hi = r.spread
            lines.append(f"{r.label:<{width}}  {_r2_text(r.median):>9}  {_r2_text(lo):>7} .. {_r2_text(hi):<6}  "
                         f"{r.verdict:<7}  {r.findings}")
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def over_seeds(rows: dict, seeds=(0, 1, 2), **common) -> SeedTable:
    """Run every configuration (label -> run_experiment kwargs, on top of `common`) for each seed.

    >>> print(over_seeds({"x/100": dict(x_scale=100), "raw x": {}}, target="relu_shift", steps=2000))  # doctest: +SKIP
    """
    if not rows:
        raise ValueError("rows must name at least one configuration")
    seeds = tuple(check_seed(s) for s in seeds)
    if len(seeds) < 1:
        raise ValueError("seeds must hold at least one seed")
    table = []
    for label, kwargs in rows.items():
        config = {**common, **kwargs}
        exps = [run_experiment(**config, seed=s) for s in seeds]
        table.append(Row(label, config, [e.r2 for e in exps], [e.diagnosis.kinds for e in exps], exps))
    steps = {r.config.get("steps", 2000) for r in table}
    return SeedTable(table, seeds, steps.pop() if len(steps) == 1 else None)


@dataclass
class Claim:
    """A claim from a source question: the rows it is about, and whether they should fit or fail."""

    text: str
    rows: tuple
    expect: str = "fits"  # "fits": every row must fit; "fails": every row must fail


class Ledger:
    """Claims checked against the same rows at two step budgets, from one sweep per budget."""

    def __init__(self, claims, tables: dict):
        self.claims, self.tables = list(claims), tables  # tables: steps -> SeedTable

    def holds_at(self, claim: Claim, steps: int) -> bool:
        return all(self.tables[steps].row(label).verdict == claim.expect for label in claim.rows)

    def verdict(self, claim: Claim) -> str:
        small, large = sorted(self.tables)
        at = (self.holds_at(claim, small), self.holds_at(claim, large))
        return {(True, True): "holds", (False, True): f"holds only at {large} steps",
                (True, False): f"holds only at {small} steps", (False, False): "does not hold"}[at]

    def rows_text(self) -> str:
        labels = [r.label for r in next(iter(self.tables.values()))]
        width = max(map(len, labels))
        budgets = sorted(self.tables)
        head = "".join(f"  {f'{b} steps: median [range]':<32}" for b in budgets)
        lines = [f"{'configuration':<{width}}{head}"]
        for label in labels:
            cells = []
            for b in budgets:
                r = self.tables[b].row(label)
                lo, hi = r.spread
                cells.append(f"  {_r2_text(r.median):>6} [{_r2_text(lo):>6} .. {_r2_text(hi):>5}] {r.verdict:<8}")
            lines.append(f"{label:<{width}}" + "".join(cells))
        return "\n".join(lines)

    def claims_text(self) -> str:
        width = max(len(c.text) for c in self.claims)
        return "\n".join([f"{'claim':<{width}}  verdict"] + [f"{c.text:<{width}}  {self.verdict(c)}" for c in self.claims])

    def __str__(self):
        seeds = next(iter(self.tables.values())).seeds
        return (f"R² over seeds {list(seeds)}; fits >= {FITS}, fails < {PARTIAL}\n" + self.rows_text()
                + "\n\n" + self.claims_text())

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def claims_ledger(claims, rows: dict, budgets=(1000, 4000), seeds=(0, 1, 2), **sweep_kwargs) -> Ledger:
    """Run every row (label -> sweep settings) for each seed at each budget, one sweep per budget,
    and judge each claim: holds, holds only at one budget, or does not hold."""
    if len(budgets) != 2:
        raise ValueError(f"budgets must be two step counts, got {budgets!r}")
    seeds = tuple(check_seed(s) for s in seeds)
    configs = [{**kwargs, "seed": s} for kwargs in rows.values() for s in seeds]
    tables = {}
    for steps in budgets:
        res = sweep(configs, steps=steps, **sweep_kwargs)
        table = []
        for i, (label, kwargs) in enumerate(rows.items()):
            part = res.rows[i * len(seeds):(i + 1) * len(seeds)]
            kinds = [[k for k in r["findings"].split(", ") if k in KINDS] for r in part]
            table.append(Row(label, kwargs, [r["r2"] for r in part], kinds))
        tables[steps] = SeedTable(table, seeds, steps)
    return Ledger(claims, tables)
