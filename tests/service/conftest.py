"""A small synthetic world, pseudonymised, with a fitted recommender (slow; built once)."""

from __future__ import annotations

import pytest

KEY = b"risk-tests-key-0123456789abcdef0123"


@pytest.fixture(scope="session")
def risk_world():
    """Frames, a fitted recommender, its context, the planted person keys and the analysis."""
    from model.recommender import Recommender, default_as_of
    from service.pseudonym import person_key, pseudonymise_tables
    from service.risk import analyse
    from synthetic import generate

    world = generate(n_employees=800, years=3, seed=7)
    frames = pseudonymise_tables({k: v for k, v in world.tables.items() if k != "decisions"}, KEY)
    recommender = Recommender().fit(frames, default_as_of(frames))
    ctx = recommender.context(frames)
    planted = world.truth["planted_groups"]
    keys = {person_key(e, KEY) for e in planted["employee_id"]}
    analysis = analyse(recommender, ctx, frames, trend_quarters=4)
    return {"frames": frames, "recommender": recommender, "ctx": ctx, "planted": keys,
            "analysis": analysis}
