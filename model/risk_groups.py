"""Groups at risk of low training participation, found as short rules over the predictions.

A shallow regression tree is fitted to the per-employee predictions (e.g. P(reaching the yearly
JP duty)); its leaves become readable rules. Leaves whose mean prediction is clearly below the
organisation's (by ``margin`` and with the whole confidence interval below it) are kept, and
kept leaves that differ in a single attribute are merged so a large low group is not reported
in fragments. Members are never stored in the groups frame: ``group_members`` re-evaluates the
rules on the people frame, for evaluation only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeRegressor

from model.group_rules import Conditions, attribute_values, observed_values, rule_text
from model.group_stats import group_stats


PERSON_KEY = "person_key"
DEFAULT_ATTRIBUTES = (
    "unit", "unit_kind", "job_kind", "grade_band", "age_band", "sex", "employment_type",
    "recent_form", "months_since_last_training", "head_participates", "digital_access",
)
GROUP_COLUMNS = [
    "group_id", "rule_en", "rule_id", "conditions", "leaves", "people", "predicted",
    "predicted_low", "predicted_high", "org_predicted", "gap", "impact",
]


def discover_groups(
    people: pd.DataFrame,
    prediction_col: str = "p_reach",
    actual_col: str | None = None,
    attributes: Sequence[str] | None = None,
    min_size: int = 10,
    max_depth: int = 3,
    margin: float = 0.05,
    confidence: float = 0.95,
    ci_method: str = "normal",
    n_boot: int = 1000,
    merge: bool = True,
    rounds: int = 3,
    simplify: bool = True,
    random_state: int = 0,
) -> pd.DataFrame:
    """Find groups whose mean prediction is clearly below the organisation's.

    Args:
        people: one row per employee: ``person_key``, the prediction and the attributes.
        prediction_col: the prediction to explain (a rate such as ``p_reach``, or expected JP).
        actual_col: optional observed 0/1 outcome; adds its rate with a Wilson interval.
        attributes: attribute columns to build rules from; default: those of
            ``DEFAULT_ATTRIBUTES`` present in ``people``. Ordered categoricals split by range.
        min_size: fewest people in a group (the tree's ``min_samples_leaf``).
        max_depth: most conditions in a rule before merging.
        margin: how far (in prediction units) below the organisation's mean a group must be.
        confidence: level of the intervals.
        ci_method: ``"normal"`` or ``"bootstrap"`` interval of the mean prediction.
        n_boot: bootstrap resamples.
        merge: merge kept groups that differ in one attribute only.
        rounds: sequential-covering rounds (1: one tree, as a plain tree on the predictions).
        simplify: drop each condition whose removal leaves the group clearly low (shorter,
            broader rules: a tree's incidental splits are not part of the group's description).
        random_state: seed of the tree and the bootstrap.

    Returns:
        One row per group ranked by ``impact`` (people x gap), columns ``GROUP_COLUMNS`` plus
        ``actual``, ``actual_low``, ``actual_high``, ``org_actual`` when ``actual_col`` is given.
        ``attrs`` holds ``org_predicted`` and ``people_total``.
    """
    attributes = _check_people(people, prediction_col, actual_col, attributes)
    if min_size < 1 or max_depth < 1:
        raise ValueError(f"min_size and max_depth must be >= 1, got {min_size}, {max_depth}")
    if ci_method not in ("normal", "bootstrap"):
        raise ValueError(f"ci_method must be 'normal' or 'bootstrap', got {ci_method!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    values = {a: attribute_values(people, a) for a in attributes}
    y = people[prediction_col].to_numpy(dtype=float)
    actual = None if actual_col is None else people[actual_col].astype(float).to_numpy()
    design, columns = _design(values)
    rng = np.random.default_rng(random_state)
    org = float(y.mean())

    def stats(mask: np.ndarray) -> dict:
        return group_stats(y[mask], None if actual is None else actual[mask], org, confidence,
                           ci_method, n_boot, rng)

    def is_low(s: dict) -> bool:
        return (s["people"] >= min_size and s["predicted"] <= org - margin
                and s["predicted_high"] < org)

    kept: list[dict] = []
    covered = np.zeros(len(y), dtype=bool)
    for _ in range(rounds):
        # Sequential covering: each round fits a tree to the people no kept rule covers yet,
        # so a low group hidden under a larger one's splits gets its own rule.
        rest = ~covered
        if rest.sum() < 2 * min_size:
            break
        tree = DecisionTreeRegressor(max_depth=max_depth, min_samples_leaf=min_size,
                                     random_state=random_state).fit(design[rest], y[rest])
        found = []
        for conds in _leaf_conditions(tree, columns, values).values():
            if not is_low(stats(_mask(conds, values))):
                continue
            if simplify:
                conds = _simplify(conds, values, stats, margin)
            mask = _mask(conds, values)
            s = stats(mask)
            if is_low(s) and (mask & rest).sum() >= min_size:
                found.append({"conditions": conds, "mask": mask, "leaves": 1, **s})
        if not found:
            break
        kept += found
        covered |= np.logical_or.reduce([g["mask"] for g in found])
    kept = _dedupe(kept)
    if merge:
        kept = _merge(kept, values, stats, is_low)
    org_actual = {} if actual is None else {"org_actual": float(actual.mean())}
    rows = []
    for g in kept:
        conds = {a: tuple(sorted(v, key=str)) for a, v in g["conditions"].items()}
        rows.append({"conditions": conds,
                     "rule_en": rule_text(g["conditions"], values, "en"),
                     "rule_id": rule_text(g["conditions"], values, "id"),
                     **{k: v for k, v in g.items() if k not in ("conditions", "mask")},
                     **org_actual})
    extra = ["actual", "actual_low", "actual_high", "org_actual"] if actual is not None else []
    out = pd.DataFrame(rows, columns=[c for c in GROUP_COLUMNS if c != "group_id"] + extra)
    out = out.sort_values("impact", ascending=False, kind="stable").reset_index(drop=True)
    out.insert(0, "group_id", [f"G{i + 1}" for i in range(len(out))])
    out.attrs.update(org_predicted=org, people_total=len(people))
    return out


def group_members(people: pd.DataFrame, groups: pd.DataFrame,
                  key_col: str = PERSON_KEY) -> dict[str, frozenset]:
    """Person keys of each group (group_id -> keys); for evaluation, never for reports."""
    if key_col not in people.columns:
        raise ValueError(f"people has no {key_col!r} column")
    out = {}
    for gid, conds in zip(groups["group_id"], groups["conditions"]):
        mask = np.ones(len(people), dtype=bool)
        for attr, allowed in conds.items():
            if attr not in people.columns:
                raise ValueError(f"group {gid} uses attribute {attr!r}, absent from people")
            mask &= attribute_values(people, attr).isin(list(allowed)).to_numpy()
        out[gid] = frozenset(people.loc[mask, key_col])
    return out


def at_risk_members(people: pd.DataFrame, groups: pd.DataFrame,
                    key_col: str = PERSON_KEY) -> frozenset:
    """Union of all groups' members: the whole at-risk population."""
    return frozenset().union(*group_members(people, groups, key_col).values())


def score_against_truth(found_members: Iterable, planted_members: Iterable) -> tuple[float, float]:
    """(precision, recall) of found people against planted ones; precision 0 if none found."""
    found, planted = set(found_members), set(planted_members)
    if not planted:
        raise ValueError("planted_members is empty: nothing to score against")
    hits = len(found & planted)
    return (hits / len(found) if found else 0.0), hits / len(planted)


def _check_people(people, prediction_col, actual_col, attributes) -> list[str]:
    if not isinstance(people, pd.DataFrame) or people.empty:
        raise ValueError("people must be a non-empty DataFrame, one row per employee")
    if PERSON_KEY in people.columns and people[PERSON_KEY].duplicated().any():
        raise ValueError("people has duplicate person_key values: expected one row per employee")
    if prediction_col not in people.columns:
        raise ValueError(f"people has no prediction column {prediction_col!r}")
    pred = pd.to_numeric(people[prediction_col], errors="coerce")
    if pred.isna().any() or not np.isfinite(pred).all():
        raise ValueError(f"{prediction_col!r} must be numeric and finite for every employee")
    if actual_col is not None:
        if actual_col not in people.columns:
            raise ValueError(f"people has no actual column {actual_col!r}")
        if not people[actual_col].isin([0, 1, True, False]).all():
            raise ValueError(f"{actual_col!r} must be 0/1 (reached the JP duty or not)")
    if attributes is None:
        attributes = [a for a in DEFAULT_ATTRIBUTES if a in people.columns]
        if not attributes:
            raise ValueError(f"people has none of the default attributes {DEFAULT_ATTRIBUTES}")
    absent = [a for a in attributes if a not in people.columns]
    if absent:
        raise ValueError(f"people lacks attribute columns {absent}")
    return list(attributes)


def _design(values: Mapping[str, pd.Series]) -> tuple[np.ndarray, list[tuple]]:
    """One-hot columns (attr, "eq", value), or one ordinal column (attr, "le", categories)."""
    cols, columns = [], []
    for attr, col in values.items():
        if isinstance(col.dtype, pd.CategoricalDtype) and col.cat.ordered:
            cats = observed_values(col)
            cols.append(col.map({c: i for i, c in enumerate(cats)}).astype(float).to_numpy())
            columns.append((attr, "le", cats))
        else:
            for v in observed_values(col):
                cols.append((col == v).to_numpy(dtype=float))
                columns.append((attr, "eq", v))
    return np.column_stack(cols), columns


def _leaf_conditions(tree, columns, values) -> dict[int, Conditions]:
    t = tree.tree_
    out: dict[int, Conditions] = {}
    stack: list[tuple[int, Conditions]] = [(0, {})]
    while stack:
        node, conds = stack.pop()
        if t.children_left[node] == -1:
            out[node] = conds
            continue
        attr, kind, v = columns[t.feature[node]]
        allowed = conds.get(attr, frozenset(observed_values(values[attr])))
        if kind == "eq":
            left, right = allowed - {v}, allowed & {v}
        else:
            low = frozenset(v[: int(np.floor(t.threshold[node])) + 1])
            left, right = allowed & low, allowed - low
        stack.append((t.children_left[node], {**conds, attr: left}))
        stack.append((t.children_right[node], {**conds, attr: right}))
    return out


def _mask(conditions: Conditions, values: Mapping[str, pd.Series]) -> np.ndarray:
    """Who satisfies every condition."""
    n = len(next(iter(values.values())))
    mask = np.ones(n, dtype=bool)
    for attr, allowed in conditions.items():
        mask &= values[attr].isin(list(allowed)).to_numpy()
    return mask


def _simplify(conds: Conditions, values, stats, margin: float) -> Conditions:
    """Drop a condition while the people it would add are, on average, clearly low too.

    A tree's incidental splits (e.g. a grade split inside a low unit) are then left out of the
    rule, but a condition that separates low from ordinary people is never dropped.
    """
    conds = dict(conds)
    mask = _mask(conds, values)
    while len(conds) > 1:
        best = None
        for attr in conds:
            wider = {k: v for k, v in conds.items() if k != attr}
            wide = _mask(wider, values)
            added = wide & ~mask
            if added.any() and stats(added)["predicted"] > stats(mask)["org_predicted"] - margin:
                continue
            if best is None or wide.sum() > best[2].sum():
                best = (attr, wider, wide)
        if best is None:
            break
        _, conds, mask = best
    return conds


def _dedupe(kept: list[dict]) -> list[dict]:
    """One group per rule (simplified leaves of different rounds may coincide)."""
    seen, out = set(), []
    for g in kept:
        key = frozenset(g["conditions"].items())
        if key not in seen:
            seen.add(key)
            out.append(g)
    return out


def _merge(kept: list[dict], values, stats, is_low) -> list[dict]:
    """Greedily merge pairs differing in one attribute while the union stays low."""
    while True:
        best = None
        for i in range(len(kept)):
            for j in range(i + 1, len(kept)):
                a, b = kept[i]["conditions"], kept[j]["conditions"]
                diff = [k for k in set(a) | set(b) if a.get(k) != b.get(k)]
                if len(diff) != 1:
                    continue
                attr = diff[0]
                union = a.get(attr, frozenset()) | b.get(attr, frozenset())
                conds = {k: v for k, v in a.items() if k != attr}
                if union != frozenset(observed_values(values[attr])):
                    conds[attr] = union
                mask = kept[i]["mask"] | kept[j]["mask"]
                s = stats(mask)
                if is_low(s) and (best is None or s["impact"] > best[2]["impact"]):
                    best = (i, j, {"conditions": conds, "mask": mask,
                                   "leaves": kept[i]["leaves"] + kept[j]["leaves"], **s})
        if best is None:
            return kept
        i, j, merged = best
        kept = [g for k, g in enumerate(kept) if k not in (i, j)] + [merged]
