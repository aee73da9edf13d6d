"""The dashboard in a real browser (Playwright driving Debian's headless Chromium).

Screenshots go to ``tests/artifacts/screenshots/`` (git-ignored); a few are copied by hand
into ``docs/screenshots/`` for the README.
"""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
import sqlalchemy as sa

from service.storage.schema import CANONICAL

pytestmark = pytest.mark.slow


def log_in(page, username: str, password: str, next_path: str = "/ui/") -> None:
    page.goto(f"/ui/login?next={next_path}")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(re.compile(r"/ui/(?!login)"))


def shot(page, kit, name: str) -> None:
    page.screenshot(path=str(kit.SCREENSHOTS / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("username, menu, hidden", [
    ("web_admin", ["Ringkasan", "Pegawai", "Unit kerja", "Kelompok berisiko", "Rencana",
                   "Impor data", "Model"], []),
    ("web_analyst", ["Ringkasan", "Pegawai", "Rencana", "Impor data"], []),
    ("head_a", ["Ringkasan", "Pegawai", "Unit kerja", "Model"], ["Rencana", "Impor data"]),
])
def test_each_role_logs_in_and_sees_its_menu(page, web_kit, username, menu, hidden):
    log_in(page, username, web_kit.PASSWORD)
    nav = page.get_by_role("navigation", name="Menu utama")
    for item in menu:
        assert nav.get_by_role("link", name=item, exact=True).is_visible(), item
    for item in hidden:
        assert nav.get_by_role("link", name=item, exact=True).count() == 0, item
    assert page.locator("#compliance-share").inner_text().endswith("%")
    assert page.locator("#budget-used").inner_text().startswith("Rp ")
    shot(page, web_kit, f"overview-{username}")


def test_analyst_searches_sees_reasons_and_accepts_a_suggestion(page, web_kit, web_world):
    log_in(page, "web_analyst", web_kit.PASSWORD)
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Pegawai").click()
    page.get_by_label("Nama atau NIP").fill(web_world["name_a"])
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("link", name=web_world["name_a"]).first.click()
    page.wait_for_url(f"**/ui/employees/{web_world['person_a']}")
    assert page.get_by_role("heading", level=1).inner_text() == web_world["name_a"]
    rows = page.locator("tr.suggestion")
    assert rows.count() >= 3
    first = rows.first
    assert first.locator("ul.reasons li").count() >= 1
    assert re.fullmatch(r"\d{1,3}%", first.locator("td.p-complete").inner_text())
    # The gap chart is an image with a text alternative.
    chart = page.locator("figure.gaps svg[role=img]")
    assert chart.locator("title").text_content().startswith("Level kompetensi")
    assert chart.locator("rect").count() >= 1
    shot(page, web_kit, "profile-suggestions")
    # A suggestion the person was not nominated for today (a plan approved by another test of
    # this world may have nominated them for the first one: accepting it again is a 409).
    enr = CANONICAL["enrollments"]
    with web_world["engine"].connect() as conn:
        nominated_today = set(conn.execute(sa.select(enr.c.program_id).where(
            enr.c.employee_id == web_world["person_a"], enr.c.date == dt.date.today())).scalars())
    target = next(rows.nth(i) for i in range(rows.count())
                  if rows.nth(i).get_attribute("data-program") not in nominated_today)
    program = target.get_attribute("data-program")
    offering = target.get_by_label("Jadwal")
    if offering.locator("option").count() > 1:
        offering.select_option(index=1)
    target.get_by_label("Catatan (opsional)").fill("cocok untuk triwulan ini")
    target.get_by_role("button", name="Terima").click()
    page.wait_for_url(re.compile(r"notice=decision\.accepted"))
    assert page.locator("#notice").inner_text() == "Saran diterima dan dicatat"
    decided = page.locator(f'tr.suggestion[data-program="{program}"] .decided')
    if decided.count():  # the accepted program may drop out of the ranking once nominated
        assert "Diterima oleh web_analyst" in decided.inner_text()
    dec = CANONICAL["decisions"]
    with web_world["engine"].connect() as conn:
        rows = conn.execute(sa.select(dec).where(dec.c.employee_id == web_world["person_a"],
                                                 dec.c.program_id == program,
                                                 dec.c.decision == "accepted",
                                                 # The city's own history may hold one too.
                                                 dec.c.decided_by == "web_analyst")).mappings().all()
    assert [(r["decided_by"], r["reason"]) for r in rows] == [
        ("web_analyst", "cocok untuk triwulan ini")]


def test_analyst_rejects_with_a_reason_and_the_model_page_counts_it(page, web_kit, web_world):
    log_in(page, "web_analyst", web_kit.PASSWORD)

    def scheduling_rejections() -> int:
        page.goto("/ui/model")
        row = page.locator('#decision-reasons tr[data-reason="scheduling"]')
        assert row.locator("th").inner_text() == "Jadwal tidak cocok"
        return int(row.locator("td").first.inner_text().replace(".", ""))

    before = scheduling_rejections()
    page.goto(f"/ui/employees/{web_world['person_b']}")
    rows = page.locator("tr.suggestion")
    # A suggestion without an earlier decision: the record after rejecting is this test's.
    target = next(rows.nth(i) for i in range(rows.count())
                  if rows.nth(i).locator(".decided").count() == 0)
    program = target.get_attribute("data-program")
    target.get_by_label("Alasan penolakan").select_option("scheduling")
    target.get_by_label("Catatan (opsional)").fill("bentrok dengan jadwal pelayanan")
    target.get_by_role("button", name="Tolak").click()
    page.wait_for_url(re.compile(r"notice=decision\.rejected"))
    assert page.locator("#notice").inner_text() == "Saran ditolak dan dicatat"
    decided = page.locator(f'tr.suggestion[data-program="{program}"] .decided')
    assert decided.inner_text().startswith("Ditolak oleh web_analyst")
    assert decided.inner_text().endswith("· Jadwal tidak cocok")
    shot(page, web_kit, "profile-rejected-with-reason")
    assert scheduling_rejections() == before + 1
    assert page.get_by_role("heading", name="Keputusan HR atas saran").is_visible()
    page.locator("#decision-stats").scroll_into_view_if_needed()
    shot(page, web_kit, "model-decision-stats")


def test_language_switch_is_remembered(page, web_kit, web_world):
    log_in(page, "web_admin", web_kit.PASSWORD)
    assert page.locator("html").get_attribute("lang") == "id"
    page.locator("#lang-en").click()
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Overview of")
    assert page.locator("#budget-used").inner_text().startswith("IDR ")
    page.get_by_role("link", name="Employees").click()  # no ?lang= any more: the cookie
    assert page.get_by_role("heading", level=1).inner_text() == "Find an employee"
    page.goto(f"/ui/employees/{web_world['person_a']}")
    assert page.get_by_role("heading", name="Suggested training").is_visible()
    shot(page, web_kit, "profile-english")
    page.locator("#lang-id").click()
    assert page.get_by_role("heading", name="Saran pelatihan").is_visible()


def test_unit_head_downloads_their_units_suggestions_as_xlsx(page, web_kit, web_world, tmp_path):
    log_in(page, "head_a", web_kit.PASSWORD)
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Unit kerja").click()
    assert page.get_by_role("heading", level=1).inner_text() == web_world["unit_a"]
    page.get_by_label("Saran per pegawai").fill("3")
    page.get_by_label("Format berkas").select_option("xlsx")
    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = openpyxl.load_workbook(path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert {"employee_id", "unit", "program_id", "reasons_id", "p_complete"} <= set(header)
    units = {r[header.index("unit")] for r in body}
    assert units == {web_world["unit_a"]}
    ranks = [r[header.index("rank")] for r in body if r[header.index("rank")] is not None]
    assert ranks and max(ranks) <= 3
    shot(page, web_kit, "unit-head-unit")


def test_unit_head_cannot_open_another_units_employee(page, web_kit, web_world):
    log_in(page, "head_a", web_kit.PASSWORD)
    response = page.goto(f"/ui/employees/{web_world['person_b']}")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Tidak ditemukan"
    assert web_world["name_b"] not in page.content()
    response = page.goto(f"/ui/employees/{web_world['person_a']}")
    assert response.status == 200
    page.goto(f"/ui/employees?q={web_world['name_b']}")
    assert page.locator("table.list a", has_text=web_world["name_b"]).count() == 0


def test_overview_chart_has_a_text_alternative(page, web_kit):
    log_in(page, "web_admin", web_kit.PASSWORD)
    chart = page.locator("figure svg.chart[role=img]").first
    assert chart.is_visible()
    assert chart.locator("title").text_content() == "Partisipasi per triwulan"
    bars = chart.locator("rect")
    assert bars.count() >= 4
    heights = [float(bars.nth(i).get_attribute("height")) for i in range(bars.count())]
    assert max(heights) > 0
    page.get_by_text("Tampilkan angka sebagai tabel").click()
    assert page.locator("details table tbody tr").count() == bars.count()
    shot(page, web_kit, "overview-chart")


def test_admin_sees_risk_groups_and_the_model_page(page, web_kit, web_world):
    log_in(page, "web_admin", web_kit.PASSWORD)
    nav = page.get_by_role("navigation", name="Menu utama")
    nav.get_by_role("link", name="Kelompok berisiko").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Kelompok berisiko")
    groups = page.locator("table.groups tbody tr")
    if groups.count():
        chart = page.locator("figure.risk svg[role=img]")
        assert chart.locator("rect").count() == groups.count()
    else:
        assert page.get_by_text("Tidak ada kelompok berisiko").is_visible()
    shot(page, web_kit, "risk-groups")
    nav.get_by_role("link", name="Model").click()
    assert page.locator("#model-version").inner_text() == str(web_world["version"])
    assert page.get_by_role("button", name="Kembalikan versi sebelumnya").is_visible()
    shot(page, web_kit, "model")


def test_a_unit_head_sees_who_is_slipping_in_their_units_running_trainings(page, web_kit,
                                                                           web_world):
    log_in(page, "head_a", web_kit.PASSWORD)
    nav = page.get_by_role("navigation", name="Menu utama")
    nav.get_by_role("link", name="Pelatihan berjalan").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Pelatihan berjalan")
    rows = page.locator("#running-list tbody tr")
    assert rows.count() >= 1
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        assert cells.nth(1).inner_text() == web_world["unit_a"]
        assert re.fullmatch(r"\d{1,3}%", cells.nth(3).inner_text())
        assert "tugas" in cells.nth(5).inner_text()
    shot(page, web_kit, "running-trainings")
    # The person's profile is one click away.
    rows.first.locator("td").first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/ui/employees/"))
