"""Decision statistics: accept rates, suppression of small groups, and the reasons' order."""

import pandas as pd
import pytest

from service.decision_stats import COLUMNS, COMPLEMENTARY, FEWER, load_decisions, summarise


def frame(*groups: tuple[int, str, str | None, str | None, str | None]) -> pd.DataFrame:
    """Decisions from (how many, decision, reason_code, unit, category) groups."""
    rows = [(d, r, u, c) for n, d, r, u, c in groups for _ in range(n)]
    return pd.DataFrame(rows, columns=list(COLUMNS))


HEALTH, BKPSDM = "Dinas Kesehatan", "BKPSDM"
WORLD = frame((6, "accepted", None, HEALTH, "manajerial"),
              (11, "rejected", "not_relevant", HEALTH, "manajerial"),
              (3, "rejected", "budget", HEALTH, "manajerial"),
              (12, "accepted", None, BKPSDM, "digital"),
              (3, "rejected", "scheduling", BKPSDM, "kepemimpinan"))


def test_accept_rates_by_unit_and_overall_are_counted_from_the_frame():
    stats = summarise(WORLD)
    assert (stats.overall.decisions, stats.overall.accepted) == (35, 18)
    assert stats.overall.accept_rate == pytest.approx(18 / 35)
    units = {r.group: (r.decisions, r.accepted, r.accept_rate) for r in stats.by_unit}
    assert units == {BKPSDM: (15, 12, 0.8), HEALTH: (20, 6, 0.3)}
    assert [r.group for r in stats.by_unit] == [BKPSDM, HEALTH]  # by name, not by size


def test_groups_under_ten_are_hidden_and_one_more_so_they_cannot_be_subtracted():
    stats = summarise(WORLD)
    cats = {r.group: r for r in stats.by_category}
    # Glossary order of the categories, whatever their sizes.
    assert [r.group for r in stats.by_category] == ["kepemimpinan", "manajerial", "digital"]
    assert cats["kepemimpinan"].suppressed == FEWER and cats["kepemimpinan"].decisions is None
    assert (cats["manajerial"].decisions, cats["manajerial"].accept_rate) == (20, 0.3)
    # 35 - 20 would give kepemimpinan's 3 if digital's 12 were shown.
    assert cats["digital"].suppressed == COMPLEMENTARY
    assert (cats["digital"].decisions, cats["digital"].accepted,
            cats["digital"].accept_rate) == (None, None, None)
    # Exactly ten is shown (fewer than ten is hidden).
    ten = summarise(frame((10, "accepted", None, HEALTH, "teknis"),
                          (10, "rejected", "budget", BKPSDM, "teknis")))
    assert [r.suppressed for r in ten.by_unit] == [None, None]
    assert [r.count for r in ten.reasons] == [10]


def test_a_scope_of_fewer_than_ten_decisions_shows_no_number_at_all():
    stats = summarise(frame((4, "accepted", None, HEALTH, "teknis"),
                            (5, "rejected", "budget", HEALTH, "teknis")))
    assert stats.overall.suppressed == FEWER and stats.overall.decisions is None
    assert all(r.decisions is None for r in stats.by_unit + stats.by_category)
    assert stats.rejections is None and [r.count for r in stats.reasons] == [None]


def test_reasons_most_frequent_first_with_shares_and_the_hidden_ones_last():
    stats = summarise(frame((12, "rejected", "budget", HEALTH, "teknis"),
                            (25, "rejected", "already_competent", HEALTH, "teknis"),
                            (12, "rejected", "not_relevant", HEALTH, "teknis"),
                            (4, "rejected", "scheduling", HEALTH, "teknis"),
                            (2, "rejected", None, HEALTH, "teknis"),
                            (30, "accepted", None, HEALTH, "teknis")))
    assert stats.rejections == 55
    # Ties keep the glossary's order (not_relevant before budget); a rejection without a reason
    # counts as "other"; the hidden reasons come last, in the glossary's order.
    assert [(r.reason_code, r.count) for r in stats.reasons] == [
        ("already_competent", 25), ("not_relevant", 12), ("budget", 12),
        ("scheduling", None), ("other", None)]
    assert stats.reasons[0].share == pytest.approx(25 / 55)
    assert [r.suppressed for r in stats.reasons[3:]] == [FEWER, FEWER]


def test_no_decisions_is_empty_not_suppressed_and_unknown_groups_are_kept():
    empty = summarise(frame())
    assert empty.empty and empty.overall.decisions == 0 and empty.by_unit == []
    assert empty.reasons == [] and empty.rejections == 0
    stats = summarise(frame((10, "accepted", None, None, None),
                            (10, "accepted", None, "Total", "teknis")))
    assert [r.group for r in stats.by_unit] == ["Total", None]  # a unit named like the total
    assert [r.group for r in stats.by_category] == ["teknis", None]
    with pytest.raises(ValueError, match="category"):
        summarise(WORLD.drop(columns="category"))


def test_load_decisions_joins_units_and_categories_and_keeps_to_the_unit(tmp_path):
    from service.storage.engine import get_engine, init_db
    from service.storage.schema import CANONICAL

    engine = get_engine(f"sqlite:///{tmp_path / 'stats.db'}")
    init_db(engine)
    emp, prog, dec = CANONICAL["employees"], CANONICAL["programs"], CANONICAL["decisions"]
    with engine.begin() as conn:
        conn.execute(CANONICAL["units"].insert(), [{"unit": HEALTH}, {"unit": BKPSDM}])
        conn.execute(emp.insert(), [{"employee_id": "1", "name": "A", "unit": HEALTH},
                                    {"employee_id": "2", "name": "B", "unit": BKPSDM}])
        conn.execute(prog.insert(), [{"program_id": "P1", "category": "digital"}])
        conn.execute(dec.insert(), [
            {"decision_id": "d1", "employee_id": "1", "program_id": "P1", "decision": "accepted"},
            {"decision_id": "d2", "employee_id": "2", "program_id": "P1", "decision": "rejected",
             "reason_code": "budget"}])
    with engine.connect() as conn:
        every = load_decisions(conn, None)
        health = load_decisions(conn, HEALTH)
        nobody = load_decisions(conn, "")
    engine.dispose()
    assert sorted(every["unit"]) == [BKPSDM, HEALTH] and set(every["category"]) == {"digital"}
    assert list(health.columns) == list(COLUMNS) and list(health["decision"]) == ["accepted"]
    assert nobody.empty and "employee_id" not in every.columns
