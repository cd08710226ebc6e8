"""Claims measured over seeds: each row of a table is one configuration run for several seeds.

Tables print the median and range of R² with a verdict, rounded so that last-digit float noise
does not change what a notebook shows (and nbval checks). A ledger judges a source question's
claims on such tables under several conditions (step budgets, learning rates), so a verdict that
depends on the condition says so.
"""
from __future__ import annotations

import functools
import math
import numbers
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from ._checks import check_seed
from .diagnostics import KINDS
from .experiments import run_experiment
from .sweeps import PER_CONFIG, sweep

FITS, PARTIAL = 0.9, 0.5
WORSE_BY = 0.1        # "a is worse than b": a's median R² is below b's by more than this
OUT_SHARE = 0.01      # a row leaves the range when over 1% of its predictions do (median over seeds)
MORE_OUT_BY = 0.05    # "a leaves the range more than b": by more than 5 points of share
EXPECTS = ("fits", "fails", "worse", "leaves", "stays", "leaves_more")
RANGE_EXPECTS = ("leaves", "stays", "leaves_more")


def fit_verdict(r2: float) -> str:
    """'fits' (R² >= 0.9), 'partial' (>= 0.5) or 'fails'."""
    if isinstance(r2, bool) or not isinstance(r2, numbers.Real) or math.isnan(r2):
        raise TypeError(f"r2 must be a number (an R², -inf for a diverged run), got {r2!r}")
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
    def fitting(self) -> int:
        """How many seeds fit on their own (R² >= 0.9): a median can hide a failing seed."""
        return sum(r >= FITS for r in self.r2s)

    @property
    def findings(self) -> str:
        """Findings named for a majority of the seeds."""
        counts = Counter(k for kinds in self.kinds for k in kinds)
        common = [k for k in KINDS if counts[k] > len(self.kinds) / 2]
        return ", ".join(common) or "none"

    @functools.cached_property
    def out(self) -> float:
        """Median over seeds of the share of predictions outside the target's range (in the domain, or
        beyond it when the row looks beyond), whichever is larger: see `Experiment.range_shares`."""
        if not self.exps:
            raise ValueError(f"row {self.label!r} kept no experiments (a sweep's row): its range was not measured")
        return float(np.median([max(e.range_shares().values()) for e in self.exps]))


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
        for r in self:
            if r.label == label:
                return r
        raise KeyError(f"no row {label!r}; the rows are {', '.join(map(repr, self.labels))}")

    def __add__(self, other: SeedTable) -> SeedTable:
        """The rows of both tables (same seeds), e.g. a table printed earlier and the rows run after it."""
        if tuple(other.seeds) != self.seeds:
            raise ValueError(f"tables over different seeds cannot be joined: {list(self.seeds)} and {list(other.seeds)}")
        return SeedTable([*self, *other], self.seeds, self.steps if self.steps == other.steps else None)

    @property
    def labels(self) -> list[str]:
        return [r.label for r in self]

    def __str__(self):
        width = max(len(r.label) for r in self)
        budget = f"{self.steps} steps" if self.steps else "steps as set per row"
        lines = [f"R² over seeds {list(self.seeds)}, {budget}; verdict of the median: fits >= {FITS}, partial >= {PARTIAL}",
                 f"{'configuration':<{width}}  median R²  range (min..max)  verdict  seeds fitting  findings"]
        for r in self:
            lo, hi = r.spread
            lines.append(f"{r.label:<{width}}  {_r2_text(r.median):>9}  {_r2_text(lo):>7} .. {_r2_text(hi):<6}  "
                         f"{r.verdict:<7}  {f'{r.fitting} of {len(r.r2s)}':^13}  {r.findings}")
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def _check_rows(rows) -> None:
    if not isinstance(rows, dict):
        raise TypeError(f"rows must be a non-empty dict: label -> dict of settings, got {type(rows).__name__}")
    if not rows:
        raise ValueError("rows must name at least one configuration")
    for label, settings in rows.items():
        if not isinstance(settings, dict):
            raise TypeError(f"row {label!r} must be a dict of settings, got {type(settings).__name__}")


def _check_seeds(seeds) -> tuple:
    if not isinstance(seeds, (list, tuple, range)) or len(seeds) < 1:
        raise TypeError(f"seeds must be a non-empty list of seeds, e.g. (0, 1, 2); got {seeds!r}")
    return tuple(check_seed(s) for s in seeds)


def over_seeds(rows: dict, seeds=(0, 1, 2), **common) -> SeedTable:
    """Run every configuration (label -> run_experiment kwargs, on top of `common`) for each seed.

    One run after another, each a stack of one (its numbers are `run_experiment`'s, and every table of an
    architecture reuses one compiled loop): measured on 2 cores, a stack of 3-18 networks of 1000 points is no
    faster a network than one alone, and each new stack size compiles a loop of its own (2-3 s).

    >>> print(over_seeds({"x/100": dict(x_scale=100), "raw x": {}}, target="relu_shift", steps=2000))  # doctest: +SKIP
    """
    _check_rows(rows)
    seeds = _check_seeds(seeds)
    table = []
    for label, kwargs in rows.items():
        config = {**common, **kwargs}
        exps = [run_experiment(**config, seed=s) for s in seeds]
        table.append(Row(label, config, [e.r2 for e in exps], [e.diagnosis.kinds for e in exps], exps))
    steps = {e.config.steps for r in table for e in r.exps}
    return SeedTable(table, seeds, steps.pop() if len(steps) == 1 else None)


@dataclass
class Claim:
    """A claim from a source question: the rows it is about, and what they should show.

    expect: 'fits' / 'fails' (every row's median R² has that verdict), 'worse' (the first row's median R²
    is below the second's by more than WORSE_BY), 'leaves' / 'stays' (every row's predictions leave the
    target's range, or stay in it: `Row.out`), 'leaves_more' (the first row leaves it more than the second).
    """

    text: str
    rows: tuple
    expect: str = "fits"

    def __post_init__(self):
        if isinstance(self.rows, str) or not isinstance(self.rows, (list, tuple)) or not self.rows:
            raise TypeError(f"rows must be a list of row labels, e.g. ['raw x'], got {self.rows!r}")
        if self.expect not in EXPECTS:
            raise ValueError(f"expect must be one of {', '.join(EXPECTS)}, got {self.expect!r}")
        if self.expect in ("worse", "leaves_more") and len(self.rows) != 2:
            raise ValueError(f"a '{self.expect}' claim compares two rows, got {len(self.rows)}")

    def holds_in(self, table: SeedTable) -> bool:
        rows = [table.row(label) for label in self.rows]
        if self.expect in ("fits", "fails"):
            return all(r.verdict == self.expect for r in rows)
        if self.expect == "worse":
            return rows[0].median < rows[1].median - WORSE_BY
        if self.expect == "leaves":
            return all(r.out > OUT_SHARE for r in rows)
        if self.expect == "stays":
            return all(r.out <= OUT_SHARE for r in rows)
        return rows[0].out > rows[1].out + MORE_OUT_BY


class Ledger:
    """Claims checked against tables of the same rows under several conditions (label -> SeedTable).

    A claim is judged under every condition whose table holds its rows: it holds, holds only under some
    conditions (named), or does not hold. With one condition, the verdict names it.
    """

    def __init__(self, claims, tables):
        """tables: condition label -> SeedTable; or a list of tables run under one condition (their budget),
        such as the tables a notebook printed before its ledger, so nothing is trained twice."""
        self.claims = list(claims)
        self.shown = None  # every row of the tables; for tables printed before, only the rows a claim names
        if isinstance(tables, (list, tuple)):
            steps = {t.steps for t in tables}
            label = f"{steps.pop()} steps" if len(steps) == 1 and None not in steps else "steps as set per row"
            tables = {label: SeedTable([r for t in tables for r in t], tables[0].seeds, tables[0].steps)}
            self.shown = {label for c in self.claims for label in c.rows}
        self.tables = dict(tables)
        known = {label for t in self.tables.values() for label in t.labels}
        for claim in self.claims:
            missing = [label for label in claim.rows if label not in known]
            if missing:
                raise ValueError(f"claim {claim.text!r} names rows no table holds: {', '.join(map(repr, missing))}")

    def conditions_for(self, claim: Claim) -> list[str]:
        return [c for c, t in self.tables.items() if all(label in t.labels for label in claim.rows)]

    def verdict(self, claim: Claim) -> str:
        measured = self.conditions_for(claim)
        holding = [c for c in measured if claim.holds_in(self.tables[c])]
        if len(holding) == len(measured):
            return "holds" if len(measured) > 1 else f"holds ({measured[0]})"
        if not holding:
            return "does not hold" if len(measured) > 1 else f"does not hold ({measured[0]})"
        return "holds only at " + " and ".join(holding)

    def rows_text(self) -> str:
        labels = [label for label in dict.fromkeys(label for t in self.tables.values() for label in t.labels)
                  if self.shown is None or label in self.shown]
        show_out = any(c.expect in RANGE_EXPECTS for c in self.claims)
        width = max(map(len, labels))
        head = "".join(f"  {f'{c}: median [range], seeds fitting':<38}" for c in self.tables)
        lines = [f"{'configuration':<{width}}{head}"]
        for label in labels:
            cells = []
            for table in self.tables.values():
                if label not in table.labels:
                    cells.append(f"  {'-':^38}")
                    continue
                r = table.row(label)
                lo, hi = r.spread
                out = f" {100 * r.out:3.0f}% out" if show_out and r.exps else ""
                cells.append(f"  {_r2_text(r.median):>6} [{_r2_text(lo):>6} .. {_r2_text(hi):>5}] {r.verdict:<8}"
                             f"{r.fitting}/{len(r.r2s)}{out}")
            lines.append(f"{label:<{width}}" + "".join(cells).rstrip())
        return "\n".join(lines)

    def claims_text(self) -> str:
        width = max(len(c.text) for c in self.claims)
        return "\n".join([f"{'claim':<{width}}  verdict"] + [f"{c.text:<{width}}  {self.verdict(c)}" for c in self.claims])

    def __str__(self):
        seeds = next(iter(self.tables.values())).seeds
        rules = f"R² over seeds {list(seeds)}; fits >= {FITS}, fails < {PARTIAL}; worse: median lower by over {WORSE_BY}"
        if any(c.expect in RANGE_EXPECTS for c in self.claims):
            rules += f"; out: median share of predictions outside the target's range (leaves: over {OUT_SHARE:.0%})"
        return rules + "\n" + self.rows_text() + "\n\n" + self.claims_text()

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


SWEEP_SHARED = ("hidden", "activation", "steps", "n_train", "output_activation", "loss")


def _sweep_settings(configs: list[dict]) -> dict | None:
    """The shared `sweep` arguments if these configurations can train as one sweep (one architecture,
    Adam, full batch, a linear or sigmoid head, only per-configuration settings varying), else None. `sweep`
    takes every head, optimizer and batch size now; the ledgers keep their old routing so that the rows the
    notebooks' ledgers print (and their prose) stay as they were."""
    shared = {}
    for key in SWEEP_SHARED:
        values = {repr(c[key]) for c in configs if key in c}
        if len(values) > 1 or (values and sum(key in c for c in configs) < len(configs)):
            return None
        if values:
            shared[key] = configs[0][key]
    if any(set(c) - set(PER_CONFIG) - set(SWEEP_SHARED) for c in configs):
        return None
    if shared.get("output_activation") not in (None, "sigmoid"):
        return None
    return shared


def _sweep_table(rows: dict, seeds: tuple, shared: dict) -> SeedTable:
    per_config = [{k: v for k, v in kwargs.items() if k in PER_CONFIG} for kwargs in rows.values()]
    res = sweep([{**c, "seed": s} for c in per_config for s in seeds], **shared)
    table = []
    for i, (label, kwargs) in enumerate(rows.items()):
        part = res.rows[i * len(seeds):(i + 1) * len(seeds)]
        kinds = [r["diagnosis"].kinds for r in part]
        table.append(Row(label, kwargs, [r["r2"] for r in part], kinds))
    return SeedTable(table, seeds, res.steps)


def claims_ledger(claims, rows: dict, conditions: dict | None = None, budgets=(1000, 4000), seeds=(0, 1, 2),
                  **common) -> Ledger:
    """Run every row (label -> settings) for each seed under each condition and judge each claim.

    conditions: label -> settings applied to every row (a row's own settings win), e.g.
    {"lr 0.001": dict(lr=1e-3), "lr 0.01": dict(lr=1e-2)}; default: the two step `budgets`.
    common: settings shared by all rows. Rows that share one architecture and vary only what a sweep
    varies train at once (`sweep`); others run one by one (`over_seeds`), keeping their experiments.
    """
    claims = list(claims)
    if conditions is None:
        if len(budgets) != 2:
            raise ValueError(f"budgets must be two step counts, got {budgets!r}")
        conditions = {f"{b} steps": {"steps": b} for b in budgets}
    if not conditions:
        raise ValueError("conditions must name at least one condition")
    seeds = _check_seeds(seeds)
    _check_rows(rows)
    needs_runs = any(c.expect in RANGE_EXPECTS for c in claims)
    tables = {}
    for label, condition in conditions.items():
        settings = {row: {**common, **condition, **kwargs} for row, kwargs in rows.items()}
        shared = None if needs_runs else _sweep_settings(list(settings.values()))
        tables[label] = (_sweep_table(settings, seeds, shared) if shared is not None
                         else over_seeds(settings, seeds=seeds))
    return Ledger(claims, tables)
