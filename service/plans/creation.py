"""Create a plan draft end to end: candidates, solve and baselines, reasons, ids, storage."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

import pandas as pd
import sqlalchemy as sa

from model.planning import PlanConfig, PlanInputError
from service.plans import drafts
from service.plans.building import PlanOutcome, build_candidates, make_plan, plan_reasons
from service.plans.sheets import employee_ids, person_keys_of, plan_lines_frame

Progress = Callable[[str, float], None]


class NoChampionError(LookupError):
    """The MLflow registry has no champion version to plan with."""


@dataclass
class CreatedPlan:
    """A stored draft and what it was made from."""

    plan_id: str
    quarter: str
    outcome: PlanOutcome
    lines: pd.DataFrame
    candidates: pd.DataFrame
    offerings: pd.DataFrame
    config: PlanConfig
    candidate_seconds: float
    reason_seconds: float


def to_person_keys(engine: sa.Engine, key: bytes, ids: list[str], what: str) -> dict[str, str]:
    """employee_id -> person_key; raise PlanInputError naming how many ids are unknown."""
    found = person_keys_of(engine, key, ids)
    unknown = [e for e in ids if e not in found]
    if unknown:
        # The ids themselves stay out of the message: it may reach a log.
        raise PlanInputError(f"{len(unknown)} {what} employee id(s) are not in the employees "
                             "table")
    return found


def champion_context(engine: sa.Engine, quarter: str | None = None) -> tuple[Any, Any, str]:
    """The MLflow champion, its Context for ``quarter`` (default: its as_of) and its version."""
    from model import registry
    from service.model_inputs import load_model_frames
    from service.settings import get_settings

    from mlflow.exceptions import MlflowException

    settings = get_settings()
    client = registry.client_for(settings.tracking_uri, settings.artifact_root)
    try:
        recommender, info = registry.load_version(client, registry.CHAMPION)
    except MlflowException as exc:
        raise NoChampionError(f"no champion model in {settings.tracking_uri}: train one first "
                              f"(asn-reco train) [{exc.error_code}]") from None
    ctx = recommender.context(load_model_frames(engine), quarter or recommender.as_of_)
    return recommender, ctx, str(info.version)


def create_plan(engine: sa.Engine, key: bytes, recommender: Any, ctx: Any, config: PlanConfig,
                *, actor: str, model_version: str | None, quarter: str | None = None,
                lock_ids: list[tuple[str, str]] = (), exclude_ids: list[str] = (),
                top_k: int = 10, progress: Progress | None = None,
                plan_id: str | None = None) -> CreatedPlan:
    """Build, solve (with baselines), word and store a plan for ``quarter``.

    Args:
        config: budget and limits; its ``locked`` and ``excluded_people`` are replaced by
            ``lock_ids`` (employee_id, offering_id) and ``exclude_ids`` (employee ids).
        quarter: default the context's quarter.
        top_k: programs per person taken from the recommender before expanding to offerings.
        plan_id: a plan stored as ``building`` (``builds.start_row``) to fill; None stores a
            new draft.
    """
    import time

    say = progress or (lambda _m, _f: None)
    quarter = quarter or ctx.snap.as_of
    keys = to_person_keys(engine, key, sorted({e for e, _ in lock_ids} | set(exclude_ids)),
                          "locked or excluded")
    locked = frozenset((keys[e], o) for e, o in lock_ids)
    config = replace(config, locked=locked,
                     excluded_people=frozenset(keys[e] for e in exclude_ids))
    started = time.perf_counter()
    candidates, offerings = build_candidates(
        recommender, ctx, quarter, top_k, locked,
        progress=lambda m, f: say(f"candidates: {m}", 0.4 * f))
    candidate_seconds = time.perf_counter() - started
    say(f"solving {len(candidates):,} lines", 0.4)
    outcome = make_plan(candidates, offerings, config)
    say("wording reasons", 0.85)
    started = time.perf_counter()
    reasons = plan_reasons(recommender, ctx, outcome.plan.assignments)
    reason_seconds = time.perf_counter() - started
    lines = plan_lines_frame(outcome.plan.assignments, offerings, reasons,
                             employee_ids(engine, key))
    plan_id = drafts.save_draft(engine, quarter=quarter, config=config, candidates=candidates,
                                offerings=offerings, outcome=outcome, lines=lines, actor=actor,
                                model_version=model_version, plan_id=plan_id)
    say("done", 1.0)
    return CreatedPlan(plan_id, quarter, outcome, lines, candidates, offerings, config,
                       candidate_seconds, reason_seconds)
