"""SKP ratings and competency assessments look like Binjai's and carry the hidden benefit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model import glossary as g
from synthetic.outcomes import SKP_BANDS


def test_skp_is_mostly_baik_with_few_sangat_baik(world):
    reviews = world.tables["performance_reviews"]
    share = reviews["skp_rating"].value_counts(normalize=True)
    assert 0.6 <= share["Baik"] <= 0.8
    assert 0.05 <= share["Sangat Baik"] <= 0.2
    assert share.drop(["Baik", "Sangat Baik"]).sum() < 0.25
    assert reviews["period"].str.fullmatch(r"\d{4}").all()


def test_skp_score_agrees_with_the_rating(world):
    reviews = world.tables["performance_reviews"]
    for rating, (lo, hi) in SKP_BANDS.items():
        scores = reviews.loc[reviews["skp_rating"] == rating, "skp_score"]
        assert scores.between(lo, hi).all(), rating
    order = reviews.groupby("skp_rating")["skp_score"].mean().sort_values()
    assert list(order.index) == list(g.SKP_RATINGS)[::-1]


def test_required_managerial_level_is_the_standard_level(world):
    a = world.tables["competency_assessments"].merge(
        world.tables["employees"][["employee_id", "job_kind"]], on="employee_id")
    managerial = a[a["competency_code"].str.startswith("MK")]
    assert (managerial["required_level"] == managerial["job_kind"].map(g.STANDARD_LEVEL)).all()


def test_gaps_are_mostly_small_and_people_are_assessed_every_year_or_two(world):
    a = world.tables["competency_assessments"]
    gap = a["required_level"] - a["assessed_level"]
    assert gap.between(0, 2).mean() > 0.85
    assert (gap > 0).mean() > 0.3
    per_person = a.groupby("employee_id")["assessed_on"].nunique()
    assert per_person.between(1, 2).mean() > 0.9  # two years of window


def test_levels_grow_after_completing_relevant_training(world):
    """True levels rise more for competencies a person completed a program for."""
    levels = world.arrays["levels"]
    codes = world.meta["competency_codes"]
    ids = world.truth["people"]["employee_id"]
    e = world.tables["enrollments"]
    first_half = e[(e["date"] < "2025-07-01") & (e["status"] == "completed")]
    targets = world.tables["programs"].set_index("program_id")["competencies"]
    trained = np.zeros(levels.shape[1:], bool)
    row = pd.Series(np.arange(len(ids)), index=ids)
    for emp, prog in zip(first_half["employee_id"], first_half["program_id"]):
        for part in targets[prog].split(";"):
            trained[row[emp], codes.index(part.split(":")[0])] = True
    growth = levels[-1].astype(int) - levels[0].astype(int)
    required = world.arrays["required"] > 0
    assert growth[trained & required].mean() > growth[~trained & required].mean() + 0.2


def test_completed_training_raises_the_next_skp(world):
    e = world.tables["enrollments"]
    done = e[(e["status"] == "completed") & e["date"].str.startswith("2025")]
    reviews = world.tables["performance_reviews"]
    y = reviews[reviews["period"] == "2025"].set_index("employee_id")["skp_score"]
    count = done.groupby("employee_id").size().reindex(y.index).fillna(0)
    assert y[count >= 3].mean() > y[count == 0].mean()
