"""Train, evaluate and register a recommender from the database: the job behind ``asn-reco train``.

The card's metrics come from a separate fit that ends one quarter earlier and is tested on that
held-out quarter (the way the model is used: trained on the past, scoring the next quarter). The
served model is then fitted on everything before ``as_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd
import sqlalchemy as sa

from model import quarters as qt
from model import registry
from model.config import ModelConfig
from model.evaluation import evaluate
from model.model_card import render_html, render_markdown
from model.ranker import RANKER_FEATURES
from model.recommender import Recommender, default_as_of
from service.model_inputs import load_exposure, load_model_frames
from service.oulad import benchmark_results
from service.settings import get_settings

Progress = Callable[[str, float], None]


@dataclass
class TrainOutcome:
    """What a training run produced."""

    as_of: str
    version: str | None
    promoted: bool
    metrics: dict[str, float]
    card_markdown: str
    evaluation: dict


def flat_metrics(evaluation: dict) -> dict[str, float]:
    """MLflow metric names for the evaluation's headline numbers."""
    out: dict[str, float] = {}
    for name, m in evaluation["ranking"].items():
        for key, value in m.items():
            out[f"{name}.{key.replace('@', '_at_')}"] = value
    eng = evaluation["engagement"]
    for part in ("completion", "duty"):
        for key in ("roc_auc", "pr_auc", "brier", "ece"):
            if key in eng.get(part, {}):
                out[f"engagement.{part}.{key}"] = eng[part][key]
    for horizon, m in eng.get("checkpoints", {}).items():
        for key in ("roc_auc", "brier", "ece"):
            out[f"engagement.checkpoint_{horizon}.{key}"] = m[key]
    for name, m in evaluation.get("ranking_corrected", {}).items():
        if isinstance(m, dict):
            for key, value in m.items():
                if isinstance(value, float) and value == value:  # NaN is not a metric
                    out[f"corrected.{name}.{key.replace('@', '_at_')}"] = value
    if evaluation["summary"].get("ndcg_lift_over_best_baseline") is not None:
        out["ndcg_lift_over_best_baseline"] = evaluation["summary"]["ndcg_lift_over_best_baseline"]
    return out


def train_and_register(engine: sa.Engine, as_of: str | None = None, promote: bool = True,
                       register: bool = True, config: ModelConfig | None = None,
                       progress: Progress | None = None) -> TrainOutcome:
    """Evaluate on the latest complete quarter, fit the serving model and register it."""
    say = progress or (lambda _m, _f: None)
    config = config or ModelConfig()
    frames = load_model_frames(engine)
    as_of = as_of or default_as_of(frames)
    qt.parse_quarter(as_of)
    holdout = qt.shift(as_of, -1)
    say(f"evaluating on {holdout}", 0.0)
    evaluation = evaluate(frames, holdout, exposure=load_exposure(engine),
                          recommender=Recommender(config).fit(
        frames, holdout, progress=lambda m, f: say(f"holdout {m}", 0.45 * f)))
    rec = Recommender(config).fit(frames, as_of, progress=lambda m, f: say(f"serving {m}", 0.45 + 0.45 * f))
    metrics = flat_metrics(evaluation)
    card = render_markdown(evaluation, oulad=benchmark_results())
    version, promoted = None, False
    if register:
        say("registering in MLflow", 0.92)
        settings = get_settings()
        sample = signature_example(rec, frames)
        info = registry.log_version(
            rec, settings.tracking_uri, settings.artifact_root, metrics,
            params={"as_of": as_of, "holdout": holdout, **config.to_dict()},
            tags={"as_of": as_of, "holdout": holdout},
            card_files={"model_card.md": card, "model_card.html": render_html(card)},
            example=sample)
        version = info.version
        if promote:
            registry.promote(registry.client_for(settings.tracking_uri), version)
            promoted = True
    say("done", 1.0)
    return TrainOutcome(as_of, version, promoted, metrics, card, evaluation)


def signature_example(rec: Recommender, frames, n: int = 20) -> pd.DataFrame:
    """A few scored candidate pairs (features only, no person keys) for the model signature."""
    from model.candidates import candidate_pairs

    ctx = rec.context(frames)
    offered = ctx.snap.offerings["quarter"].dropna()
    if not (offered == ctx.snap.as_of).any() and len(offered):
        # Features of a quarter without offerings fail in features._lead_days (reported).
        ctx = rec.context(frames, min(offered.max(), ctx.snap.as_of))
    pairs = candidate_pairs(ctx.snap, list(ctx.snap.people.index[:5])).head(n)
    return rec.score_pairs(ctx, pairs).loc[:, list(RANKER_FEATURES)]
