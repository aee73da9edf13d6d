"""The running trainings page (model/slipping.py through the API's route)."""

import re

import pytest

pytestmark = pytest.mark.slow


def test_running_trainings_are_listed_by_risk_with_words_and_actions(sessions):
    page = sessions["analyst"].get("/ui/running")
    assert page.status_code == 200, page.text[:500]
    text = page.text
    assert "Pelatihan berjalan: siapa yang mulai tertinggal" in text
    assert 'id="running-list"' in text, "the synthetic city has trainings running at its end"
    start = text.index('id="running-list"')
    listed = text[start:text.index("</table>", start)]
    risks = [int(v) for v in re.findall(r'<td class="num">(\d{1,3})%</td><td class="num">',
                                        listed)]
    assert risks and risks == sorted(risks, reverse=True)
    assert "tugas" in text
    english = sessions["analyst"].get("/ui/running", params={"lang": "en"}).text
    assert "Running trainings: who is slipping now" in english and "task" in english
    sessions["analyst"].get("/ui/", params={"lang": "id"})


def test_a_unit_head_sees_only_their_unit(sessions, web_world):
    def units(text):
        return re.findall(r'</a></td><td>([^<]*)</td>', text)

    every = units(sessions["analyst"].get("/ui/running").text)
    mine = units(sessions["head_a"].get("/ui/running").text)
    assert web_world["unit_a"] in every and len(set(every)) > 1  # the largest unit has some
    assert mine == [u for u in every if u == web_world["unit_a"]]


def test_an_earlier_day_and_a_bad_day(sessions):
    page = sessions["analyst"].get("/ui/running", params={"on": "2020-01-01"})
    assert page.status_code == 200 and 'id="running-none"' in page.text
    assert sessions["analyst"].get("/ui/running", params={"on": "not-a-date"}).status_code == 422
