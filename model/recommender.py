"""The one fitted object: candidates, ranker, engagement models and the collaborative signal.

``Recommender.fit(frames, as_of)`` learns from the quarters before ``as_of``;
``context(frames, as_of)`` prepares the point-in-time view used to score; ``recommend`` ranks
eligible programs by expected benefit (relevance x P(complete)), mandatory items first when
configured, with reasons; ``engagement`` gives each person's P(reaching the JP duty).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from model import quarters as qt
from model.candidates import candidate_pairs, offered_programs
from model.collaborative import ItemCF
from model.config import ModelConfig
from model.decision_labels import REJECTED_FACTOR
from model.checkpoints import HORIZONS, stack_checkpoints
from model.engagement import CheckpointModel, CompletionModel, DutyModel, ExpectedJPModel
from model.enrolment_rows import offering_starts, with_offerings
from model.features import pair_features, person_features
from model.ranker import Ranker
from model.reasons import SIGNALS, word_reasons
from model.snapshot import PERSON, Snapshot, build_snapshot, conform
from model.training_data import (cf_scores, duty_examples, engagement_examples, fit_cf,
                                 prepare_quarter, ranking_examples, training_quarters, yearly_jp)

Progress = Callable[[str, float], None]
# Bumped whenever a fitted Recommender's attributes change shape, or a feature it reads changes
# meaning (3: completion rates over known outcomes only; registration features; 4: the
# checkpoint engine), so an old pickle is refused at load time (registry.IncompatibleModelError)
# instead of failing while scoring or scoring with features it was not trained on.
MODEL_FORMAT = 4


@dataclass
class Context:
    """A snapshot and its person features, prepared once and reused for many requests."""

    snap: Snapshot
    people: pd.DataFrame


class Recommender:
    """Hybrid training recommender with calibrated engagement (see module docstring)."""

    def __init__(self, config: ModelConfig | None = None):
        self.config = config or ModelConfig()

    # ----------------------------------------------------------------------------- training
    def fit(self, frames: dict[str, pd.DataFrame], as_of: str,
            progress: Progress | None = None) -> "Recommender":
        """Learn from the ``config.train_quarters`` quarters before ``as_of``."""
        with threadpool_limits(self.config.threads):
            return self._fit(frames, as_of, progress)

    def _fit(self, frames, as_of: str, progress: Progress | None) -> "Recommender":
        cfg = self.config
        started = time.perf_counter()
        frames = conform(frames)
        quarters = training_quarters(as_of, cfg.train_quarters)
        jp_by_year = yearly_jp(frames)
        rank_ex, eng_ex, duty_ex = [], [], []
        for i, t in enumerate(quarters):
            qd = prepare_quarter(frames, t, cfg)
            rank_ex.append(ranking_examples(qd, cfg))
            eng_ex.append(engagement_examples(qd, cfg))
            if int(t[:4]) < int(as_of[:4]):  # only years that had ended by as_of
                duty_ex.append(duty_examples(qd, jp_by_year))
            if progress:
                progress(f"features {t}", (i + 1) / (len(quarters) + 3))
        ranking = pd.concat(rank_ex, ignore_index=True)
        engagement = pd.concat(eng_ex, ignore_index=True)
        if not duty_ex:
            raise ValueError(f"no complete year of history before {as_of} to learn the JP duty from")
        duty = pd.concat(duty_ex, ignore_index=True)
        self.ranker_ = Ranker(max_iter=cfg.ranker_max_iter, learning_rate=cfg.ranker_learning_rate,
                              max_leaf_nodes=cfg.ranker_max_leaf_nodes, seed=cfg.seed).fit(ranking)
        if progress:
            progress("ranker", (len(quarters) + 1) / (len(quarters) + 3))
        self.completion_ = CompletionModel(max_iter=cfg.engagement_max_iter,
                                           learning_rate=cfg.engagement_learning_rate,
                                           seed=cfg.seed,
                                           calibration=cfg.engagement_calibration).fit(engagement)
        self.checkpoint_, n_checkpoint = self._fit_checkpoints(frames, as_of, quarters, eng_ex)
        self.duty_ = DutyModel(seed=cfg.seed).fit(duty)
        self.expected_jp_ = ExpectedJPModel(seed=cfg.seed).fit(duty)
        if progress:
            progress("engagement", (len(quarters) + 2) / (len(quarters) + 3))
        snap = build_snapshot(frames, as_of, cfg)
        self.cf_: ItemCF | None = fit_cf(snap.history, cfg)
        self.as_of_ = as_of
        self.format_ = MODEL_FORMAT
        self.train_quarters_ = quarters
        self.n_examples_ = {"ranking": len(ranking), "engagement": len(engagement), "duty": len(duty),
                            "checkpoints": n_checkpoint}
        self.label_rates_ = {"enrolled": float(ranking["enrolled"].mean()),
                             "completed": float(engagement["completed"].mean()),
                             "reached_duty": float(duty["reached"].mean())}
        self.fit_seconds_ = time.perf_counter() - started
        if progress:
            progress("done", 1.0)
        return self

    def _fit_checkpoints(self, frames, as_of: str, quarters: list[str],
                         engagement: list[pd.DataFrame]) -> tuple[CheckpointModel | None, int]:
        """P(completes) as of any checkpoint of a running training (``model.checkpoints``),
        from the training quarters' enrolments stacked at ``HORIZONS`` with the progress checks
        dated before ``as_of``, and its number of examples; (None, 0) when the data has no
        progress checks (or too few)."""
        checks = frames["progress_checks"]
        checks = checks[pd.to_datetime(checks["check_date"]) < pd.Timestamp(qt.quarter_start(as_of))]
        if checks.empty:
            return None, 0
        starts = offering_starts(frames)
        rows = pd.concat([stack_checkpoints(with_offerings(ex, frames, t), checks, starts, HORIZONS)
                          for ex, t in zip(engagement, quarters) if len(ex)], ignore_index=True)
        if rows.empty or rows["completed"].nunique() < 2:
            return None, 0
        cfg = self.config
        model = CheckpointModel(max_iter=cfg.checkpoint_max_iter,
                                learning_rate=cfg.engagement_learning_rate, seed=cfg.seed,
                                calibration=cfg.engagement_calibration).fit(rows)
        return model, len(rows)

    # ------------------------------------------------------------------------------ scoring
    def context(self, frames: dict[str, pd.DataFrame], as_of: str | None = None) -> Context:
        """Prepare the point-in-time view at ``as_of`` (default: the quarter trained for)."""
        snap = build_snapshot(frames, as_of or self.as_of_, self.config)
        return Context(snap, person_features(snap, self.config.popularity_quarters))

    def score_pairs(self, ctx: Context, pairs: pd.DataFrame) -> pd.DataFrame:
        """Features, relevance, P(complete) and expected benefit of given pairs."""
        with threadpool_limits(self.config.threads):
            return self._score_pairs(ctx, pairs)

    def _score_pairs(self, ctx: Context, pairs: pd.DataFrame) -> pd.DataFrame:
        feats = pair_features(ctx.snap, pairs[[PERSON, "program_id"]].reset_index(drop=True),
                              ctx.people, cf_scores(self.cf_, ctx.snap, pairs),
                              self.config.popularity_quarters)
        feats[PERSON] = pairs[PERSON].to_numpy()
        feats["program_id"] = pairs["program_id"].to_numpy()
        feats["relevance"] = self.ranker_.predict(feats)
        feats["p_complete"] = self.completion_.predict_proba(feats)
        feats["score"] = feats["relevance"] * feats["p_complete"]
        if self.config.use_decisions:
            # HR said this program is not for this person: it is not suggested again ahead of
            # anything HR has not ruled out (model.decision_labels.REJECTED_FACTOR).
            rejected = np.nan_to_num(feats["rejected_for_fit"].to_numpy(dtype=float)) > 0
            feats["score"] = np.where(rejected, feats["score"] * REJECTED_FACTOR, feats["score"])
        return feats

    def recommend(self, ctx: Context, persons: list[str] | None = None, k: int = 10,
                  quarter: str | None = None, form: str | None = None,
                  max_cost: float | None = None, reasons: bool = True,
                  threads: int | None = None) -> pd.DataFrame:
        """Top-k eligible programs per person, best first (see ``_recommend``).

        ``threads`` overrides ``config.threads`` for this call (e.g. every core for a batch run
        in a process of its own; the service keeps one per worker).
        """
        with threadpool_limits(threads or self.config.threads):
            return self._recommend(ctx, persons, k, quarter, form, max_cost, reasons)

    def _recommend(self, ctx: Context, persons: list[str] | None, k: int, quarter: str | None,
                   form: str | None, max_cost: float | None, reasons: bool) -> pd.DataFrame:
        """Top-k eligible programs per person, best first.

        Args:
            quarter: only programs offered in this quarter (default: the context's quarter, or
                the whole catalogue when nothing is scheduled then).
            form: ``klasikal`` or ``non_klasikal``; max_cost: rupiah per participant.
        """
        snap = ctx.snap
        quarter = quarter or snap.as_of
        programs = offered_programs(snap, quarter) or list(snap.programs.index)
        progs = snap.programs.loc[programs]
        if form:
            progs = progs[progs["form"] == form]
        if max_cost is not None:
            progs = progs[progs["cost_idr"] <= max_cost]
        pairs = candidate_pairs(snap, persons, list(progs.index))
        if pairs.empty:
            return _empty_result()
        scored = self._score_pairs(ctx, pairs)
        first = scored["mandatory"] if self.config.mandatory_first else 0.0
        scored["_key"] = first * 10.0 + scored["score"]
        scored = scored.sort_values([PERSON, "_key", "program_id"], ascending=[True, False, True])
        scored["rank"] = scored.groupby(PERSON).cumcount() + 1
        top = scored[scored["rank"] <= k].reset_index(drop=True)
        if reasons:
            contrib = self.ranker_.contributions(top, SIGNALS, top["relevance"].to_numpy())
            rid, ren = word_reasons(top, contrib, snap.competencies, snap.comp_codes)
        else:
            rid = ren = [[] for _ in range(len(top))]
        top["reasons_id"] = rid
        top["reasons_en"] = ren
        top["title"] = top["program_id"].map(snap.programs["title"])
        cols = [PERSON, "program_id", "title", "rank", "score", "relevance", "p_complete",
                "mandatory", "form", "jp", "cost_idr", "reasons_id", "reasons_en"]
        return top[cols]

    def engagement(self, ctx: Context, persons: list[str] | None = None,
                   factors: bool = False) -> pd.DataFrame:
        """Per person: P(reaching the JP duty this year), expected JP by year end, JP so far."""
        with threadpool_limits(self.config.threads):
            return self._engagement(ctx, persons, factors)

    def _engagement(self, ctx: Context, persons: list[str] | None, factors: bool) -> pd.DataFrame:
        people = ctx.people if persons is None else ctx.people.loc[
            [p for p in persons if p in ctx.people.index]]
        out = pd.DataFrame(index=people.index)
        out["jp_this_year"] = people["jp_this_year"]
        out["jp_duty"] = ctx.snap.people.loc[people.index, "jp_duty"]
        out["p_reach_duty"] = self.duty_.predict_proba(people)
        out["expected_jp"] = self.expected_jp_.predict(people)
        if factors:
            out["factors"] = self.duty_.factors(people)
        return out.reset_index()

    def describe(self) -> dict:
        """Facts for the model card (no personal data)."""
        return {"as_of": self.as_of_, "train_quarters": self.train_quarters_,
                "n_examples": self.n_examples_, "label_rates": self.label_rates_,
                "fit_seconds": round(self.fit_seconds_, 2), "config": self.config.to_dict(),
                "completion_calibrated_on": getattr(self.completion_, "calibrated_on_",
                                                    "crossfit")}


def _empty_result() -> pd.DataFrame:
    return pd.DataFrame(columns=[PERSON, "program_id", "title", "rank", "score", "relevance",
                                 "p_complete", "mandatory", "form", "jp", "cost_idr",
                                 "reasons_id", "reasons_en"])


def default_as_of(frames: dict[str, pd.DataFrame]) -> str:
    """The quarter after the latest quarter with enrollments (train on all of the history)."""
    quarters = conform(frames)["enrollments"]["quarter"].dropna()
    if quarters.empty:
        raise ValueError("no enrollments: nothing to learn from")
    last = max(quarters.unique(), key=qt.parse_quarter)
    return qt.shift(last, 1)
