"""A small synthetic world shared by the synthetic-data tests (600 people, 2 years)."""

from __future__ import annotations

import pandas as pd
import pytest

from synthetic import generate, write_world

END_QUARTER = "2026Q3"


@pytest.fixture(scope="session")
def world():
    return generate(600, 2, seed=11, end_quarter=END_QUARTER)


@pytest.fixture(scope="session")
def written(world, tmp_path_factory):
    """The small world written to disk: (raw folder, truth folder)."""
    root = tmp_path_factory.mktemp("synthetic")
    write_world(world, root / "raw", root / "truth")
    return root / "raw", root / "truth"


@pytest.fixture(scope="session")
def staff(world) -> pd.DataFrame:
    """Employees with their unit's sector and kind and their age at the window end."""
    t = world.tables
    frame = t["employees"].merge(t["units"][["unit", "sector", "unit_kind"]], on="unit")
    end = pd.Timestamp("2026-09-30")
    frame["age"] = (end - pd.to_datetime(frame["birth_date"])).dt.days / 365.25
    frame["tenure"] = (end - pd.to_datetime(frame["appointment_date"])).dt.days / 365.25
    return frame
