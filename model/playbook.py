"""Why a group is at risk and what to do: a configurable playbook of driver -> intervention.

The playbook (``playbook.json`` shipped beside this module, or a file of the same shape) lists
rules. A rule fires for a group when the group's own attributes match one of its ``when``
alternatives (e.g. ``digital_access`` in poor/limited), or when one of its ``features`` carries
at least ``min_driver_share`` of the group's positive driver importance and the group's
attributes do not contradict the rule. Texts are in Indonesian (``id``) and English (``en``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from model.group_rules import ATTRIBUTE_LABELS

LANGUAGES = ("id", "en")
INTERVENTION_COLUMNS = ["intervention", "action_id", "action_en", "because_id", "because_en",
                        "score"]


@dataclass(frozen=True)
class PlaybookRule:
    """One driver -> intervention rule."""

    id: str
    features: tuple[str, ...]
    when: tuple[dict[str, frozenset[str]], ...]
    action: dict[str, str]
    reason: dict[str, str]


@dataclass(frozen=True)
class Playbook:
    """The rules and the driver share at which a driver alone triggers a rule."""

    rules: tuple[PlaybookRule, ...]
    min_driver_share: float = 0.15


def load_playbook(path: str | Path | None = None) -> Playbook:
    """Read and check a playbook; the packaged ``playbook.json`` when ``path`` is None."""
    if path is None:
        text = resources.files("model").joinpath("playbook.json").read_text(encoding="utf-8")
        where = "model/playbook.json"
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as err:
            raise ValueError(f"cannot read playbook {where}: {err}") from err
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"playbook {where} is not valid JSON: {err}") from err
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list) or not raw["rules"]:
        raise ValueError(f"playbook {where} must be an object with a non-empty 'rules' list")
    rules, seen = [], set()
    for n, r in enumerate(raw["rules"]):
        at = f"playbook {where}, rule {n + 1} ({r.get('id', '?') if isinstance(r, dict) else '?'})"
        if not isinstance(r, dict):
            raise ValueError(f"{at}: must be an object")
        missing = [k for k in ("id", "action", "reason") if k not in r]
        if missing:
            raise ValueError(f"{at}: missing {missing}")
        if r["id"] in seen:
            raise ValueError(f"{at}: duplicate id")
        seen.add(r["id"])
        for k in ("action", "reason"):
            if not isinstance(r[k], dict) or any(not r[k].get(lang) for lang in LANGUAGES):
                raise ValueError(f"{at}: {k!r} needs non-empty 'id' and 'en' texts")
        when = r.get("when", [])
        if not isinstance(when, list) or not all(
                isinstance(a, dict) and all(isinstance(v, list) for v in a.values()) for a in when):
            raise ValueError(f"{at}: 'when' must be a list of {{attribute: [values]}} objects")
        if not r.get("features") and not when:
            raise ValueError(f"{at}: needs 'features' or 'when' to ever fire")
        rules.append(PlaybookRule(
            id=str(r["id"]), features=tuple(r.get("features", [])),
            when=tuple({a: frozenset(_norm(v) for v in vs) for a, vs in alt.items()}
                       for alt in when),
            action=dict(r["action"]), reason=dict(r["reason"])))
    share = raw.get("min_driver_share", 0.15)
    if not isinstance(share, (int, float)) or not 0 < share <= 1:
        raise ValueError(f"playbook {where}: min_driver_share must be in (0, 1], got {share!r}")
    return Playbook(rules=tuple(rules), min_driver_share=float(share))


def driver_shares(drivers: pd.DataFrame | pd.Series | Mapping | None) -> pd.Series:
    """Feature -> share of the positive importance (negative importances count as 0), sorted."""
    if drivers is None:
        return pd.Series(dtype=float)
    if isinstance(drivers, pd.DataFrame):
        if not {"feature", "importance"} <= set(drivers.columns):
            raise ValueError("drivers frame needs 'feature' and 'importance' columns")
        drivers = pd.Series(drivers["importance"].to_numpy(), index=drivers["feature"])
    s = pd.to_numeric(pd.Series(drivers, dtype=object), errors="coerce")
    if s.isna().any():
        raise ValueError(f"driver importances must be numbers; bad: {list(s.index[s.isna()])}")
    s = s.astype(float).clip(lower=0).groupby(level=0).sum()
    total = s.sum()
    return (s / total if total > 0 else s * 0).sort_values(ascending=False)


def explain_group(group: Mapping | pd.Series,
                  drivers: pd.DataFrame | pd.Series | Mapping | None = None,
                  playbook: Playbook | str | Path | None = None) -> pd.DataFrame:
    """Suggested interventions for one group, best first.

    Args:
        group: a row of ``discover_groups`` (its ``conditions`` are used) or a mapping of
            attribute -> value or list of values describing the group.
        drivers: per-feature importances for the group: a frame ``feature, importance``,
            a series or a mapping.
        playbook: a loaded playbook, a path to one, or None for the packaged one.

    Returns:
        Columns ``INTERVENTION_COLUMNS``; empty when no rule fires.
    """
    book = playbook if isinstance(playbook, Playbook) else load_playbook(playbook)
    attrs = _group_attributes(group)
    shares = driver_shares(drivers)
    rows = []
    for rule in book.rules:
        matched = [alt for alt in rule.when
                   if all(a in attrs and attrs[a] <= vals for a, vals in alt.items())]
        contradicted = bool(rule.when) and all(
            any(a in attrs and not attrs[a] & vals for a, vals in alt.items()) for alt in rule.when)
        hits = {f: s for f, s in shares.items()
                if any(_is_feature(f, r) for r in rule.features) and not _ruled_out(f, rule, attrs)}
        share = float(sum(hits.values()))
        if not matched and (contradicted or share < book.min_driver_share):
            continue
        because = {lang: rule.reason[lang] for lang in LANGUAGES}
        if hits:
            ranked = sorted(hits.items(), key=lambda x: -x[1])[:2]
            for lang, word in (("en", "drivers"), ("id", "pendorong")):
                named = ", ".join(f"{_label(f, lang)} {s:.0%}" for f, s in ranked)
                because[lang] += f" ({word}: {named})"
        rows.append({"intervention": rule.id, "action_id": rule.action["id"],
                     "action_en": rule.action["en"], "because_id": because["id"],
                     "because_en": because["en"], "score": float(bool(matched)) + share})
    out = pd.DataFrame(rows, columns=INTERVENTION_COLUMNS)
    return out.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)


def annotate_groups(groups: pd.DataFrame,
                    drivers: Mapping[str, pd.DataFrame | pd.Series | Mapping] | None = None,
                    playbook: Playbook | str | Path | None = None,
                    top_drivers: int = 3) -> pd.DataFrame:
    """Add ``drivers_id/en`` and ``interventions_id/en`` text columns to a groups frame.

    Args:
        groups: output of ``discover_groups``.
        drivers: group_id -> that group's feature importances (groups without any get
            interventions from their attributes only).
        playbook: as in ``explain_group``.
        top_drivers: how many drivers to name.
    """
    book = playbook if isinstance(playbook, Playbook) else load_playbook(playbook)
    drivers = drivers or {}
    out = groups.copy()
    cols: dict[str, list[str]] = {f"{k}_{lang}": [] for k in ("drivers", "interventions")
                                  for lang in LANGUAGES}
    for _, row in groups.iterrows():
        shares = driver_shares(drivers.get(row["group_id"]))
        shares = shares[shares > 0].head(top_drivers)
        todo = explain_group(row, drivers.get(row["group_id"]), book)
        for lang in LANGUAGES:
            cols[f"drivers_{lang}"].append(
                "; ".join(f"{_label(f, lang)} {s:.0%}" for f, s in shares.items()))
            cols[f"interventions_{lang}"].append("\n".join(
                f"{i + 1}. {a}" for i, a in enumerate(todo[f"action_{lang}"])))
    for k, v in cols.items():
        out[k] = v
    return out


def _group_attributes(group: Mapping | pd.Series) -> dict[str, frozenset[str]]:
    items = group.get("conditions", None) if hasattr(group, "get") else None
    if items is None:
        items = {k: v for k, v in dict(group).items()}
    if not isinstance(items, Mapping):
        raise ValueError("group must map attribute -> value(s) or carry a 'conditions' mapping")
    out = {}
    for attr, v in items.items():
        vals = v if isinstance(v, (list, tuple, set, frozenset)) else [v]
        out[str(attr)] = frozenset(_norm(x) for x in vals)
    return out


def _ruled_out(feature: str, rule: PlaybookRule, attrs: dict[str, frozenset[str]]) -> bool:
    """True when the group's own value of the driver's attribute is one the rule is not for."""
    for attr in {a for alt in rule.when for a in alt}:
        if _is_feature(feature, attr) and attr in attrs:
            wanted = frozenset().union(*(alt[attr] for alt in rule.when if attr in alt))
            return not attrs[attr] & wanted
    return False


def _norm(value) -> str:
    return str(value).strip().lower()


def _is_feature(feature: str, name: str) -> bool:
    return feature == name or feature.startswith((f"{name}_", f"{name}="))


# Factor groups of the duty model (model.engagement.FACTOR_GROUPS) -> (English, Indonesian).
FACTOR_LABELS: dict[str, tuple[str, str]] = {
    "habit": ("training habit", "kebiasaan ikut pelatihan"),
    "season": ("time of year", "waktu dalam tahun"),
    "unit_head": ("unit head trains", "kepala unit ikut pelatihan"),
    "unit_participation": ("unit's participation", "partisipasi unit"),
    "jp_so_far": ("JP so far this year", "JP tahun ini"),
    "age": ("age", "usia"),
    "digital_access": ("digital access", "akses digital"),
    "form": ("training form", "bentuk pelatihan"),
    "relevance": ("relevance", "relevansi"),
    "program_size": ("program size", "besar program"),
    "registration": ("registration and study load", "pendaftaran dan beban belajar"),
    "program": ("the program's record", "rekam jejak program"),
    "unit": ("unit", "unit kerja"),
    "hand_ins": ("tasks handed in", "tugas yang dikumpulkan"),
    "hand_ins_vs_cohort": ("hand-ins against the cohort", "pengumpulan dibanding kohort"),
    "scores": ("task scores", "nilai tugas"),
}


def factor_label(feature: str, language: str) -> str:
    """A factor group or feature in words (``language`` ``"id"`` or ``"en"``)."""
    return _label(feature, language)


def _label(feature: str, language: str) -> str:
    if feature in FACTOR_LABELS:
        return FACTOR_LABELS[feature][language == "id"]
    for attr, labels in ATTRIBUTE_LABELS.items():
        if _is_feature(feature, attr):
            return labels[language == "id"] + feature[len(attr):].replace("_", " ", 1)
    return feature.replace("_", " ")
