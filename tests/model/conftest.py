"""A small synthetic Binjai and a recommender fitted on it, shared by the model tests."""

from __future__ import annotations

import pytest

from model import quarters as qt
from model.config import ModelConfig
from model.recommender import Recommender, default_as_of
from model.snapshot import conform
from service.pseudonym import pseudonymise_tables

KEY = b"test-pseudonym-key"


@pytest.fixture(scope="session")
def world():
    from synthetic import generate

    return generate(n_employees=500, years=3, seed=11)


@pytest.fixture(scope="session")
def frames(world):
    """Pseudonymised canonical frames of the small world."""
    return conform(pseudonymise_tables(dict(world.tables), key=KEY))


@pytest.fixture(scope="session")
def as_of(frames) -> str:
    """The serving quarter: after the last quarter with enrollments."""
    return default_as_of(frames)


@pytest.fixture(scope="session")
def fast_config() -> ModelConfig:
    return ModelConfig(train_quarters=4, ranker_max_iter=60, engagement_max_iter=60)


@pytest.fixture(scope="session")
def recommender(frames, as_of, fast_config) -> Recommender:
    """Fitted on the quarters before the last one, so the last one can be a test quarter."""
    return Recommender(fast_config).fit(frames, qt.shift(as_of, -1))
