"""The few statistics the dashboards show, in plain Python (no SciPy): means, medians and the
paired-t 95 % confidence interval of a before/after change. See docs/outcomes.md, "Method"."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import mean, median, stdev

# Two-sided 97.5 % quantiles of Student's t for df = 1…30 (the usual printed table, 3 decimals);
# above 30 the quantile is interpolated linearly in 1/df towards the listed values and 1.960.
T975 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
    10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
    18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060,
    26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980,
}
_LARGE = [*sorted(T975)[-4:], math.inf]


def t975(df: int) -> float:
    """The 97.5 % quantile of Student's t with ``df`` degrees of freedom."""
    if df < 1:
        raise ValueError("df must be at least 1")
    if df in T975:
        return T975[df]
    values: dict[float, float] = {float(k): v for k, v in T975.items()}
    values[math.inf] = 1.960
    for low, high in itertools.pairwise(_LARGE):
        if low < df < high:
            inv, inv_low = 1 / df, 1 / low
            inv_high = 0.0 if high == math.inf else 1 / high
            share = (inv_low - inv) / (inv_low - inv_high)
            return values[low] + share * (values[high] - values[low])
    return 1.960


@dataclass(frozen=True)
class Change:
    """Before and after for the same people: n pairs, the means, the mean change and its 95 % CI."""

    n: int
    before: float
    after: float
    change: float
    low: float | None
    high: float | None

    @property
    def significant(self) -> bool:
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)


def paired_change(pairs: Sequence[tuple[float, float]]) -> Change | None:
    """The paired t interval: d_i = after_i − before_i, mean d ± t(0.975, n−1) · sd(d) / √n.
    None without pairs; no interval with one pair."""
    if not pairs:
        return None
    diffs = [after - before for before, after in pairs]
    n = len(diffs)
    d = mean(diffs)
    low = high = None
    if n >= 2:
        half = t975(n - 1) * stdev(diffs) / math.sqrt(n)
        low, high = d - half, d + half
    return Change(n=n, before=mean(b for b, _ in pairs), after=mean(a for _, a in pairs), change=d,
                  low=low, high=high)


def safe_mean(values: Sequence[float]) -> float | None:
    return mean(values) if values else None


def safe_median(values: Sequence[float]) -> float | None:
    return median(values) if values else None
