"""The message catalogues: both languages hold the same keys, and no page uses a missing key."""

import json
import re
from pathlib import Path

import pytest

from model import glossary
from service.web import i18n

WEB = Path(i18n.__file__).parent
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""")
# Key-like string literals in Python code (error pages, notices, chart titles).
PYTHON_KEY = re.compile(r"""["']([a-z]+\.[a-z0-9_.]*[a-z0-9])["']""")
# Keys built in templates from a prefix and a value: every value must have its key.
DYNAMIC = {"status.": [*glossary.ENROLLMENT_STATUSES, "unknown"],
           "form.": ["klasikal", "non_klasikal", "unknown"],
           "role.": ["admin", "analyst", "unit_head"],
           "plan.status_": ["building", "draft", "failed", "approved"],
           "plan.state_": ["proposed", "locked", "removed"],
           "model.status_": ["serving", "not_loaded"],
           "decision.was_": ["accepted", "rejected"],
           "record.status_": [*glossary.TRAINING_MATCH_STATUSES, "unknown"],
           "record.kind_": [*glossary.TRAINING_RECORD_KINDS, "unknown"]}


def used_keys() -> set[str]:
    prefixes = {k.split(".")[0] for k in i18n.catalogue("id")}
    keys = set()
    for path in (WEB / "templates").glob("*.html"):
        keys |= set(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    for path in WEB.rglob("*.py"):
        keys |= {k for k in PYTHON_KEY.findall(path.read_text(encoding="utf-8"))
                 if k.split(".")[0] in prefixes and not k.endswith((".html", ".json"))}
    return keys


def test_both_languages_have_the_same_keys():
    ids, ens = i18n.catalogue("id"), i18n.catalogue("en")
    assert set(ids) == set(ens), set(ids) ^ set(ens)
    assert all(v.strip() for v in [*ids.values(), *ens.values()])


def test_placeholders_match_between_languages():
    ids, ens = i18n.catalogue("id"), i18n.catalogue("en")
    field = re.compile(r"\{(\w+)\}")
    for key in ids:
        assert set(field.findall(ids[key])) == set(field.findall(ens[key])), key


def test_templates_and_code_use_no_missing_key():
    keys = used_keys()
    assert len(keys) > 100  # the scan finds the keys at all
    missing = keys - set(i18n.catalogue("id"))
    assert not missing, sorted(missing)


@pytest.mark.parametrize("prefix", sorted(DYNAMIC))
def test_dynamic_keys_exist(prefix):
    for value in DYNAMIC[prefix]:
        assert f"{prefix}{value}" in i18n.catalogue("en"), f"{prefix}{value}"


def test_catalogue_files_are_valid_json_objects_of_strings():
    for lang in i18n.LANGUAGES:
        data = json.loads((WEB / "messages" / f"{lang}.json").read_text(encoding="utf-8"))
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in data.items())


def test_translate_fills_placeholders_and_shows_unknown_keys_as_themselves():
    assert i18n.translate("id", "pager.page", page=2, pages=5) == "Halaman 2 dari 5"
    assert i18n.translate("en", "pager.page", page=2, pages=5) == "Page 2 of 5"
    assert i18n.translate("en", "no.such.key") == "no.such.key"
