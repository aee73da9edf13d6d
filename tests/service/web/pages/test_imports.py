"""Importing from the page: dry run, report, confirm."""

import pytest
import sqlalchemy as sa

from service.storage.schema import CANONICAL

pytestmark = pytest.mark.slow
PROGRAMS = ("program_id,title,category,competencies,form,delivery,jp,cost_idr,provider,"
            "eligible_job_kinds,min_grade,max_grade,max_age,eligible_employment_types,"
            "eligible_units,eligible_sectors,mandatory\n"
            "WEB-P1,Pelatihan Uji Dasbor,digital,,klasikal,workshop,8,500000,BKPSDM,,,,,,,,false\n")


def program_exists(engine, program_id):
    prog = CANONICAL["programs"]
    with engine.connect() as conn:
        return conn.execute(sa.select(prog.c.program_id)
                            .where(prog.c.program_id == program_id)).first() is not None


def test_dry_run_then_confirm_imports_the_file(sessions, web_world):
    client = sessions["analyst"]
    token = client.cookies["asn_csrf"]
    checked = client.post("/ui/imports", data={"csrf_token": token},
                          files={"files": ("programs.csv", PROGRAMS.encode(), "text/csv")})
    assert checked.status_code == 200 and 'id="confirm-import"' in checked.text
    assert not program_exists(web_world["engine"], "WEB-P1")
    staged = checked.text.split('name="token" value="', 1)[1].split('"', 1)[0]
    done = client.post("/ui/imports/confirm", data={"csrf_token": token, "token": staged})
    assert done.status_code == 200 and "Data berhasil diimpor" in done.text
    assert program_exists(web_world["engine"], "WEB-P1")
    replay = client.post("/ui/imports/confirm", data={"csrf_token": token, "token": staged})
    assert replay.status_code == 404


def test_invalid_files_show_every_problem_and_offer_no_confirmation(sessions, web_world):
    client = sessions["analyst"]
    bad = PROGRAMS.replace("WEB-P1", "WEB-P2").replace(",8,", ",lots,")
    checked = client.post("/ui/imports", data={"csrf_token": client.cookies["asn_csrf"]},
                          files={"files": ("programs.csv", bad.encode(), "text/csv")})
    assert checked.status_code == 200 and 'class="list problems"' in checked.text
    assert "lots" in checked.text and 'id="confirm-import"' not in checked.text
    assert not program_exists(web_world["engine"], "WEB-P2")


def test_wrong_file_types_and_roles_are_refused(sessions):
    client = sessions["analyst"]
    wrong = client.post("/ui/imports", data={"csrf_token": client.cookies["asn_csrf"]},
                        files={"files": ("notes.txt", b"hello", "text/plain")})
    assert wrong.status_code == 422
    head = sessions["head_a"]
    assert head.get("/ui/imports").status_code == 403
    stolen = client.post("/ui/imports/confirm",
                         data={"csrf_token": client.cookies["asn_csrf"], "token": "../../x" * 4})
    assert stolen.status_code == 404


SIASN_EXPORT = ("NIP BARU;NAMA;TANGGAL LAHIR;JENIS KELAMIN;STATUS CPNS PNS;KEDUDUKAN HUKUM NAMA;"
                "TMT CPNS;GOL AKHIR NAMA;JENIS JABATAN NAMA;ESELON NAMA;JABATAN NAMA;"
                "TINGKAT PENDIDIKAN NAMA;UNOR NAMA\n"
                "199001012015031001;Uji Siasn;01-01-1990;M;P;Aktif;01-03-2015;III/b;"
                "Jabatan Fungsional;;Pranata Komputer Ahli Pertama;S-1/Sarjana;"
                "Dinas Uji Profil\n")


def test_a_siasn_export_is_read_with_the_siasn_profile_and_its_mappings_shown(sessions, web_world):
    client = sessions["analyst"]
    form = client.get("/ui/imports")
    assert 'name="profile"' in form.text and 'value="siasn"' in form.text
    token = client.cookies["asn_csrf"]
    plain = client.post("/ui/imports", data={"csrf_token": token},
                        files={"files": ("export.csv", SIASN_EXPORT.encode(), "text/csv")})
    assert 'id="confirm-import"' not in plain.text  # canonical reading does not know the file
    checked = client.post("/ui/imports", data={"csrf_token": token, "profile": "siasn"},
                          files={"files": ("export.csv", SIASN_EXPORT.encode(), "text/csv")})
    assert checked.status_code == 200 and 'id="confirm-import"' in checked.text, checked.text
    assert 'class="list mappings"' in checked.text and "S-1/Sarjana" in checked.text
    staged = checked.text.split('name="token" value="', 1)[1].split('"', 1)[0]
    done = client.post("/ui/imports/confirm", data={"csrf_token": token, "token": staged})
    assert done.status_code == 200 and "Data berhasil diimpor" in done.text
    emp = CANONICAL["employees"]
    with web_world["engine"].connect() as conn:
        row = conn.execute(sa.select(emp.c.education, emp.c.job_kind)
                           .where(emp.c.employee_id == "199001012015031001")).one()
    assert row.education == "S1" and row.job_kind == "ahli_pertama"


def test_an_unknown_profile_is_refused(sessions):
    client = sessions["analyst"]
    refused = client.post("/ui/imports", data={"csrf_token": client.cookies["asn_csrf"],
                                               "profile": "sap"},
                          files={"files": ("programs.csv", PROGRAMS.encode(), "text/csv")})
    assert refused.status_code == 422
