"""Findings as claims: each sentence names what it asserts, and one validator checks every
assertion's preconditions before the sentence is said.

A tool proposes a `Claim`: its sentence and the assertions the sentence makes (a ranking, a
correlation, a trend, a change, a sum, an anomaly). Each assertion type declares its
preconditions as named guards in `GUARDS`; `settle` runs them all. A claim that fails one is not
said: what it names as `instead` is tried in its place (the same statement made where it holds,
or the negative with the reason), else nothing is said. The answer to the question (`asked`) is
always said: when it fails, its `instead` carries the asked value worded as what holds.

  ranking      computed over every group (never a drawn subset), one leader (or the tie said),
               periods ranked only against whole periods (never a partial last month)
  correlation  significant, |r| above a minimum, never a part against a total containing it,
               never two series that both drift over time (their changes are related instead)
  trend        enough points, a fit (R², p), no period without rows filled in
  change       adjacent periods (or the same phase one cycle apart), both whole
  sum          along an axis where the measure adds up (across groups; over time)
  anomaly      the calendar pattern was tested first and does not explain the flagged value
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

ALPHA = 0.05  # significance level of every test a claim rests on
MIN_ABS_R = 0.1  # below this a correlation is negligible, whatever its p-value
MIN_TREND_POINTS = 4  # a line through fewer periods is not a trend
MIN_TREND_R2 = 0.3  # the line must explain this share of the variation
MAX_TREND_P = 0.05


# ---------------------------------------------------------------- assertions
@dataclass(frozen=True)
class Assertion:
    """Something a sentence asserts; its `kind` names the guards that must hold for it."""

    kind: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **dataclasses.asdict(self)}


@dataclass(frozen=True)
class Ranked(Assertion):
    """ "A has the highest X": over `groups` groups, of which the sentence ranked `ranked`."""

    kind: ClassVar[str] = "ranking"
    leaders: tuple[str, ...]
    ranked: int
    groups: int
    says_tie: bool = False
    measure: str | None = None
    by: str | None = None
    agg: str = "none"
    direction: str = "max"
    grain: str = "none"
    filters: tuple[dict[str, Any], ...] = ()
    partial: tuple[str, ...] = ()  # ranked periods the data cover only in part


@dataclass(frozen=True)
class Correlated(Assertion):
    """ "X relates to Y": r (or eta), its p-value and n; `part_of_total` when one of the two
    columns is a total that contains the other (they move together by construction)."""

    kind: ClassVar[str] = "correlation"
    x: str
    y: str
    r: float
    p: float | None
    n: int
    method: str = "pearson"
    part_of_total: bool = False
    filters: tuple[dict[str, Any], ...] = ()
    both_trend: bool = False  # two series that both drift over time correlate by that alone


@dataclass(frozen=True)
class Trending(Assertion):
    """ "X rises by s per period": a least-squares line through `n` periods, `filled` of which
    had no rows and were filled in (as 0) rather than left as gaps."""

    kind: ClassVar[str] = "trend"
    n: int
    r2: float
    p: float
    filled: int = 0
    measure: str | None = None
    date_column: str | None = None
    grain: str = "none"


@dataclass(frozen=True)
class Changed(Assertion):
    """ "X went from a in P0 to b in P1": the two periods compared, whether they are adjacent
    (or the same phase one cycle apart) and whether both are whole periods of the data."""

    kind: ClassVar[str] = "change"
    period: str
    compared_with: str
    adjacent: bool
    whole: bool


@dataclass(frozen=True)
class Summed(Assertion):
    """A total of `measure`: over rows of several groups (`over_groups`) and/or several moments
    of one series (`over_time`), and whether the measure adds up along each."""

    kind: ClassVar[str] = "sum"
    measure: str
    over_groups: bool
    over_time: bool
    additive_across_groups: bool
    additive_over_time: bool


@dataclass(frozen=True)
class Unusual(Assertion):
    """ "P stands out": the calendar pattern tested before flagging (`pattern`, "" when the
    series has none to test) and the flagged labels that pattern explains."""

    kind: ClassVar[str] = "anomaly"
    pattern_tested: bool
    pattern: str = ""
    explained: tuple[str, ...] = ()


# ---------------------------------------------------------------- the guards
def _complete(a: Ranked) -> str | None:
    if a.ranked < a.groups:
        return f"ranked only {a.ranked} of {a.groups} groups"
    return None


def _no_tie(a: Ranked) -> str | None:
    if len(a.leaders) > 1 and not a.says_tie:
        return f"{len(a.leaders)} groups tie at the top"
    return None


def _whole_periods(a: Ranked) -> str | None:
    if a.partial:
        return f"{', '.join(a.partial[:3])} is only partly covered by the data"
    return None


def _significant(a: Correlated) -> str | None:
    if a.p is None or not a.p < ALPHA:
        return "not significant" + (f" (p = {a.p:.2f})" if a.p is not None else "")
    return None


def _min_r(a: Correlated) -> str | None:
    if not abs(a.r) >= MIN_ABS_R:
        return f"|r| = {abs(a.r):.2f} is below {MIN_ABS_R:g}"
    return None


def _not_part_of_total(a: Correlated) -> str | None:
    if a.part_of_total:
        return f"one of {a.x} and {a.y} is a total containing the other"
    return None


def _not_both_trending(a: Correlated) -> str | None:
    if a.both_trend:
        return f"{a.x} and {a.y} both drift over time: their levels correlate by that alone"
    return None


def _enough_points(a: Trending) -> str | None:
    if a.n < MIN_TREND_POINTS:
        return f"only {a.n} periods"
    return None


def _fit(a: Trending) -> str | None:
    if not (a.r2 >= MIN_TREND_R2 and a.p <= MAX_TREND_P):
        return f"a line explains little (R² = {a.r2:.2f})"
    return None


def _no_filled_gap(a: Trending) -> str | None:
    if a.filled:
        return f"{a.filled} periods without rows were filled in"
    return None


def _adjacent(a: Changed) -> str | None:
    if not a.adjacent:
        return f"{a.period} and {a.compared_with} are not adjacent periods"
    return None


def _like_periods(a: Changed) -> str | None:
    if not a.whole:
        return f"{a.period} or {a.compared_with} is not a whole period"
    return None


def _additive_across_groups(a: Summed) -> str | None:
    if a.over_groups and not a.additive_across_groups:
        return f"{a.measure} does not add up across rows"
    return None


def _additive_over_time(a: Summed) -> str | None:
    if a.over_time and not a.additive_over_time:
        return f"{a.measure} is a level: it does not add up over time"
    return None


def _pattern_tested(a: Unusual) -> str | None:
    if not a.pattern_tested:
        return "the calendar pattern was not tested first"
    return None


def _not_explained(a: Unusual) -> str | None:
    if a.explained:
        return f"the {a.pattern or 'calendar'} pattern explains {', '.join(a.explained[:3])}"
    return None


Guard = Callable[[Any], "str | None"]
# Every precondition, by name: "<assertion kind>.<what must hold>". The mutation test replaces
# each one by a guard that always passes and shows the audit then fails.
GUARDS: dict[str, Guard] = {
    "ranking.complete": _complete,
    "ranking.no_tie": _no_tie,
    "ranking.whole_periods": _whole_periods,
    "correlation.significant": _significant,
    "correlation.min_r": _min_r,
    "correlation.not_part_of_total": _not_part_of_total,
    "correlation.not_both_trending": _not_both_trending,
    "trend.enough_points": _enough_points,
    "trend.fit": _fit,
    "trend.no_filled_gap": _no_filled_gap,
    "change.adjacent": _adjacent,
    "change.like_periods": _like_periods,
    "sum.additive_across_groups": _additive_across_groups,
    "sum.additive_over_time": _additive_over_time,
    "anomaly.pattern_tested": _pattern_tested,
    "anomaly.not_explained": _not_explained,
}


# ---------------------------------------------------------------- claims
@dataclass(frozen=True)
class Claim:
    """A sentence and what it asserts. `denies` lists assertions the sentence says do NOT hold
    ("no significant relation"), so a reader can check the denial too."""

    text: str
    asserts: tuple[Assertion, ...] = ()
    instead: Claim | None = None
    asked: bool = False
    denies: tuple[Assertion, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "asserts": [a.to_dict() for a in self.asserts],
            "denies": [a.to_dict() for a in self.denies],
            "asked": self.asked,
        }


def fact(text: str) -> Claim:
    """A sentence with no precondition: a count, a description of the data, a note."""
    return Claim(text)


def failures(claim: Claim) -> list[str]:
    """Why the claim must not be said: the reason of every guard of every assertion that fails."""
    out = []
    for assertion in claim.asserts:
        prefix = assertion.kind + "."
        for name, guard in GUARDS.items():
            if name.startswith(prefix) and (why := guard(assertion)):
                out.append(why)
    return out


@dataclass
class Settled:
    """What was said of a list of proposed claims, and what was not (with why)."""

    said: list[Claim] = field(default_factory=list)
    not_said: list[dict[str, Any]] = field(default_factory=list)


def settle_one(claim: Claim, settled: Settled | None = None) -> Claim | None:
    """The claim itself when every precondition holds; else what it names instead (checked the
    same way); else nothing. An asked claim is never silent: its replacement is said."""
    current: Claim | None = claim
    while current is not None:
        why = failures(current)
        if not why:
            return current
        if settled is not None:
            settled.not_said.append({"text": current.text, "why": why})
        if current.instead is None and claim.asked:
            text = f"{current.text.rstrip('.')} (not a finding: {'; '.join(why)})."
            return Claim(text, asked=True, denies=current.asserts)
        current = current.instead
    return None


def settle(claims: Iterable[Claim], limit: int | None = None) -> Settled:
    """Every claim through the validator, in order; identical sentences said once; at most
    `limit` said."""
    out = Settled()
    seen: set[str] = set()
    for claim in claims:
        if limit is not None and len(out.said) >= limit:
            break
        said = settle_one(claim, out)
        if said is not None and said.text not in seen:
            seen.add(said.text)
            out.said.append(said)
    return out


def holding(claims: Sequence[Claim], limit: int | None = None) -> list[Claim]:
    """The claims (or their replacements) that may be said, at most `limit` of them."""
    return settle(claims, limit).said


def also_asserting(claim: Claim, extra: Sequence[Assertion], last: Claim | None = None) -> Claim:
    """The claim and every replacement in its chain asserting `extra` too (a trend of a sum
    is a claim about that sum as well), with `last` said when none of them holds."""
    if not extra:
        return claim
    instead = also_asserting(claim.instead, extra, last) if claim.instead is not None else last
    return dataclasses.replace(claim, asserts=(*claim.asserts, *extra), instead=instead)
