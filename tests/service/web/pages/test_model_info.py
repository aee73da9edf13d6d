"""The model page: version, card, registry versions; admin actions."""

import pytest

pytestmark = pytest.mark.slow


def test_everyone_sees_the_served_version_card_and_versions(sessions, web_world):
    page = sessions["head_a"].get("/ui/model").text
    assert f'id="model-version">{web_world["version"]}<' in page
    assert 'class="list versions"' in page and "Jadikan juara" not in page
    headline = page.split('<table class="metrics">', 1)[1].split("</table>", 1)[0]
    assert "engagement.completion.roc_auc" in headline and "collaborative_only" not in headline
    card = sessions["head_a"].get("/ui/model/card")
    assert card.status_code == 200 and "text/html" in card.headers["content-type"]


def test_only_admins_act_on_the_model(sessions):
    analyst = sessions["analyst"]
    for action in ("reload", "rollback", "retrain"):
        answer = analyst.post(f"/ui/model/{action}",
                              data={"csrf_token": analyst.cookies["asn_csrf"], "quarter": "2026Q3"})
        assert answer.status_code == 403, action


def test_admin_reload_and_a_rollback_without_previous_version(sessions, web_world):
    admin = sessions["admin"]
    token = admin.cookies["asn_csrf"]
    reloaded = admin.post("/ui/model/reload", data={"csrf_token": token})
    assert reloaded.status_code == 303 and "model.reloaded" in reloaded.headers["location"]
    rolled = admin.post("/ui/model/rollback", data={"csrf_token": token})
    assert "model.no_previous" in rolled.headers["location"]
    page = admin.get(rolled.headers["location"]).text
    assert "Tidak ada versi sebelumnya" in page
    assert f'id="model-version">{web_world["version"]}<' in page
    bad = admin.post("/ui/model/retrain", data={"csrf_token": token, "quarter": "2026Q9"})
    assert bad.status_code == 422
    missing = admin.post("/ui/model/promote", data={"csrf_token": token, "version": "999"})
    assert missing.status_code == 404


def _section(page: str) -> str:
    return page.split('id="decision-stats"', 1)[1].split("</section>", 1)[0]


def _decision_counts(engine, unit=None) -> tuple[dict, dict]:
    """Decisions per program category and per unit, straight from the database."""
    import sqlalchemy as sa

    from service.storage.schema import CANONICAL

    dec, emp, prog = CANONICAL["decisions"], CANONICAL["employees"], CANONICAL["programs"]
    query = (sa.select(prog.c.category, emp.c.unit, dec.c.decision)
             .join(emp, emp.c.employee_id == dec.c.employee_id)
             .join(prog, prog.c.program_id == dec.c.program_id))
    if unit is not None:
        query = query.where(emp.c.unit == unit)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    by_category, by_unit = {}, {}
    for category, unit_, decision in rows:
        for counts, key in ((by_category, category), (by_unit, unit_)):
            n, a = counts.get(key, (0, 0))
            counts[key] = (n + 1, a + (decision == "accepted"))
    return by_category, by_unit


def test_the_model_page_shows_decision_statistics_with_small_groups_hidden(sessions, web_world,
                                                                           web_kit):
    by_category, _ = _decision_counts(web_world["engine"])
    assert any(n < 10 for n, _ in by_category.values()), "no small category: nothing to hide"
    section = _section(sessions["analyst"].get("/ui/model").text)
    table = section.split('id="decisions-by-category"', 1)[1].split("</table>", 1)[0]
    rows = {web_kit.text_of(r).split(" ", 2)[1]: web_kit.text_of(r)
            for r in table.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("</tr>")[:-1]}
    assert set(rows) == set(by_category)
    shown = 0
    for category, (n, accepted) in by_category.items():
        if n < 10:
            assert "kurang dari 10" in rows[category] and str(n) not in rows[category].split(
                category, 1)[1], rows[category]
        elif "disembunyikan" not in rows[category]:
            assert f" {n:,} {accepted:,} {round(100 * accepted / n)}%".replace(",", ".") \
                in rows[category], rows[category]
            shown += 1
    assert shown >= 2, rows
    reasons = section.split('id="decision-reasons"', 1)[1].split("</table>", 1)[0]
    assert "Sudah memiliki kompetensi ini" in reasons  # reason codes shown by their label
    assert "already_competent</th>" not in reasons
    # No person on the page: none of the decided employees' NIPs or names.
    import sqlalchemy as sa

    from service.storage.schema import CANONICAL

    dec, emp = CANONICAL["decisions"], CANONICAL["employees"]
    with web_world["engine"].connect() as conn:
        people = conn.execute(sa.select(emp.c.employee_id, emp.c.name)
                              .join(dec, dec.c.employee_id == emp.c.employee_id)).all()
    assert people and not [p for p in people if p[0] in section or p[1] in section]
    english = _section(sessions["analyst"].get("/ui/model?lang=en").text)
    assert "Top reject reasons" in english and "Already has this competency" in english
    sessions["analyst"].get("/ui/model?lang=id")


def test_a_unit_head_sees_only_their_units_decisions(sessions, web_world, web_kit):
    _, own = _decision_counts(web_world["engine"], web_world["unit_a"])
    section = _section(sessions["head_a"].get("/ui/model").text)
    units = section.split('id="decisions-by-unit"', 1)[1].split("</table>", 1)[0]
    body = units.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr") == 1 and f">{web_world['unit_a']}<" in body
    assert web_world["unit_b"] not in section
    n, accepted = own[web_world["unit_a"]]
    if n >= 10:
        assert f"{n:,} {accepted:,} {round(100 * accepted / n)}%".replace(",", ".") \
            in web_kit.text_of(body)
    assert f'Hanya keputusan atas pegawai {web_world["unit_a"]}' in web_kit.text_of(section)


def test_no_decisions_yet_is_said_not_shown_as_an_empty_table(live_server, web_world, web_kit):
    import sqlalchemy as sa

    from service.auth.users import create_user
    from service.storage.schema import CANONICAL

    units, emp, dec = CANONICAL["units"], CANONICAL["employees"], CANONICAL["decisions"]
    decided = (sa.select(emp.c.unit).join(dec, dec.c.employee_id == emp.c.employee_id)
               .where(emp.c.unit.is_not(None)))
    with web_world["engine"].connect() as conn:
        quiet = conn.execute(sa.select(units.c.unit).where(units.c.unit.not_in(decided))
                             .order_by(units.c.unit)).scalars().first()
    assert quiet is not None, "every unit has decisions: no unit to show the empty state"
    create_user(web_world["engine"], "head_empty", web_kit.PASSWORD, "unit_head", quiet)
    client = web_kit.log_in(live_server["base"], "head_empty")
    section = _section(client.get("/ui/model").text)
    client.close()
    assert 'id="decision-stats-none"' in section and "Belum ada keputusan" in section
    assert "<table" not in section
