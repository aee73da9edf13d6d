"""Settings of the model package: duties, windows and hyper-parameters, in one place.

Regulatory numbers (the 20 JP duty) are defaults from ``glossary`` and may be overridden per
deployment by passing a different ``ModelConfig``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from model import glossary as g


@dataclass(frozen=True)
class ModelConfig:
    """Hyper-parameters and domain settings of the recommender and the engagement models."""

    jp_duty: dict[str, float] = field(
        default_factory=lambda: {"PNS": g.DEFAULT_JP_DUTY, "CPNS": g.DEFAULT_JP_DUTY,
                                 "PPPK": g.DEFAULT_JP_DUTY}
    )
    train_quarters: int = 8          # quarters of history the ranker learns from
    popularity_quarters: int = 4     # window of the popularity signals
    negatives_per_query: int = 12    # sampled non-chosen candidates per person and quarter
    cf_l2: float = 50.0              # EASE regularisation for the collaborative signal
    ranker_max_iter: int = 120
    ranker_learning_rate: float = 0.1
    ranker_max_leaf_nodes: int = 15
    engagement_max_iter: int = 120
    engagement_learning_rate: float = 0.08
    # The checkpoint engine (model.engagement.CheckpointModel) learns from each enrolment at
    # five checkpoints: fewer rounds than one row per enrolment needs. 60 against 120 was
    # chosen on a time split inside the OULAD training data (2013B -> 2013J, all horizons).
    checkpoint_max_iter: int = 60
    # P(complete) calibration: "recent" (Platt on the latest training quarter, one quarter
    # ahead) or "crossfit" (isotonic on shuffled folds); see model.engagement._Calibrated.
    # "recent" had the lower ECE on 4 of 4 synthetic test quarters (docs/model.md).
    engagement_calibration: str = "recent"
    mandatory_first: bool = True
    # Learn from HR's decisions on suggestions (model.decision_labels): rejections for fit as
    # negatives and features, a fit-rejected program not suggested again to that person and
    # counted against programs like it in the collaborative score, and "already competent"
    # taken as evidence of level (model.competence_evidence). On by default: over 3 synthetic
    # cities x 2 held-out quarters (benchmarks.decisions_effect) it raised the true NDCG@10 in
    # 5 of 6 (mean +0.003); NDCG@10 on the observed completions, which follow the city's own
    # nominations, fell in most (docs/model.md). Without decisions in the data it changes nothing.
    use_decisions: bool = True
    # Threads for the gradient-boosting and BLAS pools. One by default: with more, a busy
    # machine (a retrain beside the service, two workers) made fits 10-20x slower here.
    threads: int = 1
    seed: int = 7

    def duty_for(self, employment_type: str | None) -> float:
        """The yearly JP duty of an employment type (PNS default when unknown)."""
        return float(self.jp_duty.get(employment_type or "PNS", g.DEFAULT_JP_DUTY))

    def to_dict(self) -> dict:
        return asdict(self)
