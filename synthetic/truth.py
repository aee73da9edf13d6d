"""The hidden generative model: benefit, propensity and completion, as pure array functions.

The simulation (``synthetic.enrollment``) and the oracle (``synthetic.oracle``) both call these,
so the oracle recomputes exactly what drove the data. The product never imports this module.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

DIGITAL_CODE = {"good": 0, "limited": 1, "poor": 2}
# Peak-workload quarters per sector (assumptions: school exams and new school year, budget
# closing, population data updates, ...); staff train less in them.
PEAK_QUARTERS: dict[str, tuple[int, ...]] = {
    "education": (2,), "health": (3,), "finance": (1, 4), "general_administration": (4,),
    "population_administration": (1,), "public_works": (3, 4), "social": (4,),
    "economy": (4,), "environment": (2,), "security": (2,), "communication": (4,),
    "regional_office": (1,),
}
HEAD_EFFECT = {"never": -0.9, "low": -0.3, "normal": 0.0, "high": 0.4}


@dataclass(frozen=True)
class TruthParams:
    """Coefficients of the generative model (written to the truth folder's params.json)."""

    n_factors: int = 3
    # benefit = sigmoid(b0 + b_cov*coverage + b_sector*sector_fit + b_form*form_fit + b_taste*taste)
    b0: float = -1.2
    b_cov: float = 1.8
    b_sector: float = 0.6
    b_form: float = 0.6
    b_taste: float = 0.5
    untargeted_weight: float = 0.15  # value of learning a competency the job does not require
    level_fit: tuple[float, ...] = (0.1, 1.0, 0.8, 0.3, 0.0)  # target - level = 0, 1, 2, 3, 4+
    # propensity logit
    a0: float = 0.3
    a_age: float = -0.03  # per year above 40
    a_digital: float = -0.15  # per step good -> limited -> poor (moderate: see G2)
    a_workload: float = -0.6
    a_habit: float = 1.2
    a_duty_met: float = -1.0
    a_duty_rush: float = 0.4  # fourth quarter, duty not met yet
    a_pppk_cap: float = -1.5  # PPPK above their JP cap
    a_planted: float = -1.5
    a_cpns: float = 0.5
    a_pppk: float = -0.2
    person_sd: float = 0.6
    head_effect: dict = field(default_factory=lambda: dict(HEAD_EFFECT))
    # form fit
    f_online_digital: float = -0.25
    f_online_age: float = -0.04  # per year above 45
    f_klasikal_older: float = 0.2
    # P(show) = sigmoid(s0 + s_prop*prop_logit + s_form*form + s_taste*taste + s_mandatory)
    s0: float = 1.8
    s_prop: float = 0.9
    s_form: float = 0.8
    s_taste: float = 0.2
    s_mandatory: float = 3.0
    # P(finish | show) = sigmoid(c0 + c_benefit*(benefit - 0.5) + c_form*form + c_taste*taste)
    c0: float = 1.2
    c_benefit: float = 3.0
    c_form: float = 1.0
    c_taste: float = 0.3
    # choice
    self_rate: float = 2.6  # expected self enrolments per quarter at propensity 1
    nominate_rate: float = 0.6
    u_benefit: float = 0.9  # self choice weight on the benefit logit
    u_taste: float = 0.6
    u_popularity: float = 0.8
    u_convenience: float = 0.4
    u_planted_online: float = 1.0
    n_benefit: float = 0.4  # nominations are partly arbitrary
    n_noise: float = 1.5
    learn_base: float = 0.25  # P(level up | completed, target above level) = base + gain*benefit
    learn_gain: float = 0.6
    decay: float = 0.02  # P(a level is lost per quarter): skills fall behind new requirements
    recommended_quarters: int = 4  # the pilot recommender ran in the last year

    def to_dict(self) -> dict:
        """Plain dict for JSON."""
        return asdict(self)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


def logit(p: np.ndarray) -> np.ndarray:
    """Inverse of ``sigmoid`` (clipped away from 0 and 1)."""
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def coverage_terms(level: np.ndarray, required: np.ndarray, target: np.ndarray,
                   params: TruthParams) -> np.ndarray:
    """Gap-weighted fit of one target level to a person's level in one competency.

    A gap of 2 weighs 1; targets at or below the level teach little, three or more levels
    above it are too hard (``level_fit``).
    """
    gap = np.clip(required.astype(np.float32) - level, 0, 3)
    weight = np.where(required > 0, gap / 2.0, params.untargeted_weight)
    delta = np.clip(np.asarray(target, np.int16) - np.asarray(level, np.int16), -1, 4)
    fit = np.asarray((0.0,) + tuple(params.level_fit), np.float32)[delta + 1]
    return np.where(target > 0, weight * fit, 0.0).astype(np.float32)


def form_fit(online: np.ndarray, klasikal: np.ndarray, age: np.ndarray, digital: np.ndarray,
             params: TruthParams) -> np.ndarray:
    """How well a delivery suits a person: online is hard with poor access and at older ages."""
    older = np.maximum(age - 45.0, 0.0)
    return (online * (params.f_online_digital * digital + params.f_online_age * older)
            + klasikal * params.f_klasikal_older * (age >= 45)).astype(np.float32)


def sector_fit(program_sector: np.ndarray, person_sector: np.ndarray) -> np.ndarray:
    """1 for a program of the person's own sector, 0 for a general one, -0.5 otherwise."""
    general = program_sector == ""
    return np.where(general, 0.0, np.where(program_sector == person_sector, 1.0, -0.5)
                    ).astype(np.float32)


def benefit_logit(coverage: np.ndarray, sfit: np.ndarray, ffit: np.ndarray, taste: np.ndarray,
                  params: TruthParams) -> np.ndarray:
    """Linear predictor of the true benefit (``benefit = sigmoid`` of it)."""
    return (params.b0 + params.b_cov * coverage + params.b_sector * sfit
            + params.b_form * ffit + params.b_taste * taste).astype(np.float32)


def propensity_logit(base: np.ndarray, age: np.ndarray, digital: np.ndarray, peak: np.ndarray,
                     habit: np.ndarray, jp_ytd: np.ndarray, duty: np.ndarray,
                     is_pppk: np.ndarray, fourth_quarter: bool,
                     params: TruthParams) -> np.ndarray:
    """Quarterly propensity logit of each person.

    Args:
        base: time-invariant part (a0, person effect, head effect, planted groups, CPNS/PPPK).
        peak: 1 when the person's sector is in a peak-workload quarter.
        habit: exponentially weighted past participation in [0, 1].
        jp_ytd: JP earned earlier this year; duty: the yearly duty (20, or the PPPK cap 24).
    """
    met = jp_ytd >= duty
    return (base + params.a_age * (age - 40.0) + params.a_digital * digital
            + params.a_workload * peak + params.a_habit * (habit - 0.5)
            + params.a_duty_met * met + params.a_duty_rush * (fourth_quarter & ~met)
            + params.a_pppk_cap * (is_pppk & met)).astype(np.float32)


def p_show(prop_logit: np.ndarray, ffit: np.ndarray, taste: np.ndarray,
           mandatory: np.ndarray, params: TruthParams) -> np.ndarray:
    """P(the person attends at all | enrolled)."""
    return sigmoid(params.s0 + params.s_prop * prop_logit + params.s_form * ffit
                   + params.s_taste * taste + params.s_mandatory * mandatory)


def p_finish(benefit: np.ndarray, ffit: np.ndarray, taste: np.ndarray,
             params: TruthParams) -> np.ndarray:
    """P(completes | attends)."""
    return sigmoid(params.c0 + params.c_benefit * (benefit - 0.5) + params.c_form * ffit
                   + params.c_taste * taste)
