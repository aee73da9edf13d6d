"""The time-split evaluation with an exposure log (off-policy figures next to the plain ones)."""

import pandas as pd
import pytest

from model import quarters as qt
from model.evaluation import evaluate
from model.model_card import render_markdown
from model.snapshot import PERSON


@pytest.fixture(scope="module")
def test_quarter(as_of):
    return qt.shift(as_of, -1)


@pytest.fixture(scope="module")
def logged(recommender, frames, test_quarter):
    """The model's own top 3 of 150 people, logged as shown for sure in the test quarter."""
    ctx = recommender.context(frames, test_quarter)
    people = list(ctx.snap.people.index[ctx.snap.people["active"].astype(bool)][:150])
    top = recommender.recommend(ctx, people, k=3, reasons=False)
    return pd.DataFrame({PERSON: top[PERSON], "program_id": top["program_id"],
                         "quarter": test_quarter, "propensity": 1.0})


def test_corrected_figures_sit_next_to_the_plain_ones(recommender, frames, test_quarter, logged):
    res = evaluate(frames, test_quarter, recommender=recommender, exposure=logged)
    corrected = res["ranking_corrected"]
    assert {"model", "most_popular"} <= set(corrected)
    model = corrected["model"]
    assert model["people"] == logged[PERSON].nunique()
    # The log holds the model's own first three: it covers 3 of its 10 slots per person and
    # fewer of a baseline's, and for the covered pairs SNIPS is their plain completion rate.
    assert model["support"] == pytest.approx(len(logged) / (10 * model["people"]), abs=0.02)
    assert corrected["most_popular"]["support"] < model["support"]
    assert 0 <= model["snips_precision@10"] <= 1
    card = render_markdown(res)
    assert "corrected for what HR was shown" in card and "snips_precision@10" in card


def test_without_a_log_for_the_quarter_the_card_says_so(recommender, frames, test_quarter,
                                                        logged):
    res = evaluate(frames, test_quarter, recommender=recommender,
                   exposure=logged.assign(quarter="1999Q1"))
    assert res["ranking_corrected"] == {"note": f"no suggestions were logged as shown in {test_quarter}"}
    assert "Not estimated: no suggestions were logged" in render_markdown(res)
    assert "ranking_corrected" not in evaluate(frames, test_quarter, recommender=recommender)
