"""The synthetic training catalogue: about 150 programs and their quarterly offerings.

Program eligibility follows the regulations in /work/shared/DOMAIN.md (Latsar for CPNS, PKP for
pengawas, PKA for administrator, PKN II for JPT pratama and administrator IV/a+ aged <= 55);
JP, costs and seats are assumptions (docs/synthetic-data.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model import glossary as g
from synthetic.competencies import competency_table

# delivery -> (JP choices, (cost low, cost high) in million IDR, P(free), duration days, seats)
DELIVERY: dict[str, tuple[tuple[int, ...], tuple[float, float], float, int, int]] = {
    "pelatihan": ((24, 30, 32, 40, 45), (2.5, 7.5), 0.0, 5, 40),
    "workshop": ((12, 16, 24), (1.5, 4.0), 0.1, 3, 35),
    "seminar": ((4, 6, 8), (0.25, 1.0), 0.3, 1, 80),
    "kursus": ((20, 30, 40), (3.0, 8.0), 0.0, 14, 25),
    "e_learning": ((4, 6, 8, 10, 12, 16, 20), (0.15, 0.5), 0.7, 28, 400),
    "coaching": ((8, 10, 12), (0.5, 1.5), 0.4, 60, 12),
    "mentoring": ((10, 12, 16), (0.5, 1.5), 0.5, 60, 12),
    "distance_learning": ((16, 20, 24), (0.3, 1.0), 0.3, 45, 150),
    "magang": ((40, 60, 80), (5.0, 12.0), 0.0, 30, 8),
    "self_study": ((4, 6, 8), (0.0, 0.0), 1.0, 30, 300),
    "community_of_practice": ((4, 6, 8), (0.0, 0.0), 1.0, 90, 30),
    "benchmarking": ((12, 16, 24), (8.0, 15.0), 0.0, 4, 15),
}
ONLINE = ("e_learning", "distance_learning", "self_study")
ALWAYS_OFFERED = ONLINE
P_OFFERED = {"klasikal": 0.6, "non_klasikal": 0.4}
THIRD_DELIVERY = ("workshop", "kursus", "magang", "coaching", "mentoring", "distance_learning",
                  "benchmarking", "community_of_practice", "seminar", "self_study")
ADVANCED = ("kursus", "magang", "benchmarking")
SENIOR = "ahli_muda;ahli_madya;ahli_utama;pengawas;administrator;jpt_pratama;terampil_penyelia"
LEADERS = "pengawas;administrator;jpt_pratama;ahli_muda;ahli_madya;ahli_utama"
PROVINCE, LAN, LOCAL = ("BPSDM Provinsi Sumatera Utara", "Lembaga Administrasi Negara",
                        "BKPSDM Kota Binjai")
SECTOR_PROVIDERS: dict[str, tuple[str, ...]] = {
    "health": ("Politeknik Kesehatan Kemenkes Medan", "PPNI Provinsi Sumatera Utara",
               "Universitas Sumatera Utara"),
    "education": ("Universitas Negeri Medan", "Balai Guru Penggerak Sumatera Utara",
                  "PGRI Kota Binjai"),
    "population_administration": ("Ditjen Dukcapil Kemendagri",),
    "finance": ("BPKP Perwakilan Sumatera Utara", "Ikatan Akuntan Indonesia Wilayah Sumut"),
    "public_works": ("BPSDM Kementerian PUPR", "Universitas Sumatera Utara"),
    "communication": ("BPSDM Kominfo Medan", "Badan Siber dan Sandi Negara"),
    "security": ("BPSDM Kemendagri", "Badan Nasional Penanggulangan Bencana"),
}
CITY = {LOCAL: "Binjai", "PGRI Kota Binjai": "Binjai", LAN: "Jakarta"}
BENCHMARK_CITIES = ("Surabaya", "Yogyakarta", "Bandung", "Banyuwangi")
TITLE = {"pelatihan": "Pelatihan", "workshop": "Workshop", "seminar": "Seminar",
         "kursus": "Kursus", "e_learning": "E-Learning", "coaching": "Coaching",
         "mentoring": "Mentoring", "distance_learning": "Pelatihan Jarak Jauh",
         "magang": "Magang", "self_study": "Belajar Mandiri",
         "community_of_practice": "Komunitas Praktik", "benchmarking": "Benchmarking"}
COLD_START_QUARTERS = 4  # new programs are first offered in the last year


def _row(title: str, category: str, targets: str, delivery: str, **kw) -> dict:
    return {"title": title, "category": category, "competencies": targets, "delivery": delivery,
            **kw}


def _fixed_programs() -> list[dict]:
    cpns = {"eligible_employment_types": "CPNS", "mandatory": True, "provider": PROVINCE,
            "jp": 647, "cost_idr": 12_500_000}
    pns = {"eligible_employment_types": "PNS", "provider": PROVINCE}
    return [
        _row("Pelatihan Dasar CPNS Golongan III", "latsar", "SK01:2;MK01:2;MK05:2", "pelatihan",
             min_grade="III/a", **cpns),
        _row("Pelatihan Dasar CPNS Golongan II", "latsar", "SK01:2;MK01:2;MK05:2", "pelatihan",
             max_grade="II/d", **cpns),
        _row("Pelatihan Kepemimpinan Pengawas (PKP)", "kepemimpinan", "MK08:3;MK02:3;MK07:2",
             "pelatihan", eligible_job_kinds="pengawas", jp=400, cost_idr=20_000_000, **pns),
        _row("Pelatihan Kepemimpinan Administrator (PKA)", "kepemimpinan",
             "MK07:3;MK08:3;MK04:3", "pelatihan", eligible_job_kinds="administrator", jp=500,
             cost_idr=30_000_000, **pns),
        _row("Pelatihan Kepemimpinan Nasional Tingkat II (PKN II)", "kepemimpinan",
             "MK07:4;MK08:4;MK01:4", "pelatihan", eligible_job_kinds="jpt_pratama;administrator",
             min_grade="IV/a", max_age=55, jp=600, cost_idr=45_000_000,
             **{**pns, "provider": LAN}),
        _row("Seminar Wawasan Kebangsaan dan Bela Negara", "sosial_kultural", "SK01:2",
             "seminar", provider=LOCAL),
        _row("E-Learning Moderasi Beragama dan Kebhinekaan", "sosial_kultural", "SK01:3",
             "e_learning", provider=LAN),
        _row("Komunitas Praktik Perekat Bangsa", "sosial_kultural", "SK01:2;MK02:2",
             "community_of_practice", provider=LOCAL),
        _row("Pelatihan Pengadaan Barang/Jasa Pemerintah", "teknis", "KU01:3;AD02:2",
             "pelatihan", provider="LKPP", min_grade="II/c", eligible_employment_types="PNS"),
        _row("Workshop Penyusunan SKP dan Manajemen Kinerja", "manajerial", "MK04:2",
             "workshop", provider=LOCAL),
        _row("Pelatihan Public Speaking", "manajerial", "MK03:3", "pelatihan",
             provider="Universitas Sumatera Utara"),
        _row("Pelatihan Pelayanan Prima", "manajerial", "MK05:2", "pelatihan", provider=LOCAL),
        _row("Seminar Pencegahan Korupsi", "manajerial", "MK01:2", "seminar",
             provider="Inspektorat Provinsi Sumatera Utara"),
        _row("E-Learning Tata Naskah Dinas Elektronik", "digital", "AD01:2;DG02:2",
             "e_learning", provider=LAN),
        _row("Pelatihan Aplikasi Perkantoran Digital", "digital", "DG01:2", "pelatihan",
             provider=LOCAL),
        _row("Benchmarking Inovasi Pelayanan Publik", "manajerial", "MK07:3;MK05:3",
             "benchmarking", provider=LOCAL, eligible_job_kinds="administrator;jpt_pratama"),
        _row("Magang Pelayanan Terpadu Satu Pintu", "teknis", "MK05:2;EK01:2", "magang",
             provider=LOCAL),
        _row("Mentoring Pengembangan Karier Jabatan Fungsional", "manajerial", "MK06:2",
             "mentoring", provider=LOCAL, eligible_job_kinds="ahli_pertama;ahli_muda;terampil"),
        _row("Pelatihan Penulisan Karya Tulis Ilmiah", "teknis", "MK06:3;MK03:2", "pelatihan",
             provider="Universitas Negeri Medan", eligible_job_kinds=SENIOR),
        _row("Belajar Mandiri Literasi Digital", "digital", "DG01:2", "self_study", provider=LAN),
        _row("Pelatihan Sistem Pemerintahan Berbasis Elektronik (SPBE)", "digital", "DG02:3",
             "pelatihan", provider="BPSDM Kominfo Medan"),
        _row("Pelatihan Jarak Jauh Analisis Data untuk Kebijakan", "digital", "DG02:3;MK08:2",
             "distance_learning", provider=PROVINCE, eligible_job_kinds=SENIOR),
        # cold-start items, first offered in the last year
        _row("E-Learning Kecerdasan Artifisial Generatif untuk ASN", "digital", "DG01:3;DG02:2",
             "e_learning", provider=LAN, cold_start=True),
        _row("Pelatihan Identitas Kependudukan Digital (IKD)", "teknis", "DK02:3;DG02:2",
             "pelatihan", provider="Ditjen Dukcapil Kemendagri",
             eligible_sectors="population_administration;regional_office", cold_start=True),
    ]


def _generated_programs() -> list[dict]:
    comps = competency_table()
    rows: list[dict] = []
    for i, c in enumerate(comps[comps["type"] == "manajerial"].itertuples()):
        rows += [
            _row(f"E-Learning {c.name_id}", "manajerial", f"{c.code}:2", "e_learning",
                 provider=LAN),
            _row(f"Pelatihan {c.name_id} bagi Pejabat dan Fungsional", "manajerial",
                 f"{c.code}:3", "pelatihan", provider=PROVINCE, eligible_job_kinds=LEADERS),
            _row(f"{TITLE[THIRD_DELIVERY[i % 6]]} {c.name_id}", "manajerial",
                 f"{c.code}:{4 if i % 2 else 2}", THIRD_DELIVERY[i % 6], provider=LOCAL,
                 eligible_job_kinds="administrator;jpt_pratama" if i % 2 else ""),
        ]
    tech = comps[(comps["type"] == "teknis") & (comps["sector"] != "")]
    for i, c in enumerate(tech.itertuples()):
        providers = SECTOR_PROVIDERS.get(c.sector, (PROVINCE, LOCAL))
        third = THIRD_DELIVERY[i % len(THIRD_DELIVERY)]
        rows += [
            _row(f"Pelatihan {c.name_id}", "teknis", f"{c.code}:3", "pelatihan",
                 provider=providers[i % len(providers)], eligible_sectors=c.sector),
            _row(f"E-Learning {c.name_id}", "teknis", f"{c.code}:2", "e_learning",
                 provider=PROVINCE if i % 2 else LAN,
                 eligible_sectors="" if i % 2 else f"{c.sector};regional_office"),
            _row(f"{TITLE[third]} {c.name_id}{' Lanjutan' if third in ADVANCED else ''}",
                 "teknis", f"{c.code}:{4 if third in ADVANCED else 3}", third,
                 provider=providers[(i + 1) % len(providers)], eligible_sectors=c.sector,
                 **({"eligible_job_kinds": SENIOR, "min_grade": "III/a",
                     "eligible_employment_types": "PNS"} if third in ADVANCED else {})),
        ]
        if i % 2 == 0 and third != "workshop":
            rows.append(_row(f"Workshop Praktik {c.name_id}", "teknis", f"{c.code}:2",
                             "workshop", provider=LOCAL, eligible_sectors=c.sector))
        if c.sector in ("education", "health"):
            rows.append(_row(f"Bimbingan Teknis {c.name_id}", "teknis", f"{c.code}:2;DG01:2",
                             "workshop", provider=LOCAL, eligible_sectors=c.sector,
                             eligible_units="RSUD Dr. R.M. Djoelham" if c.code == "KS02" else ""))
    return rows


def program_table(rng: np.random.Generator) -> pd.DataFrame:
    """The ``programs`` table plus hidden ``popularity``, ``online``, ``cold_start``,
    ``duration_days`` and ``base_seats`` columns."""
    frame = pd.DataFrame(_fixed_programs() + _generated_programs())
    frame.insert(0, "program_id", [f"PRG{i + 1:03d}" for i in range(len(frame))])
    n = len(frame)
    spec = frame["delivery"].map(DELIVERY)
    frame["form"] = frame["delivery"].map(g.DELIVERIES)
    jp = spec.map(lambda s: s[0][0]).astype(float)
    pick = rng.random(n)
    jp_drawn = [s[0][int(u * len(s[0]))] for s, u in zip(spec, pick)]
    frame["jp"] = frame.get("jp", jp).fillna(pd.Series(jp_drawn)).astype(int)
    lo, hi = spec.map(lambda s: s[1][0]), spec.map(lambda s: s[1][1])
    cost = np.round((lo + (hi - lo) * rng.random(n)) * 20) * 50_000
    cost = np.where(rng.random(n) < spec.map(lambda s: s[2]), 0, cost)
    frame["cost_idr"] = frame.get("cost_idr", pd.Series(cost)).fillna(pd.Series(cost)).astype(int)
    for col in ("eligible_job_kinds", "min_grade", "max_grade", "eligible_employment_types",
                "eligible_units", "eligible_sectors"):
        frame[col] = frame.get(col, pd.Series("", index=frame.index)).fillna("")
    frame["max_age"] = frame["max_age"].astype("Int64")
    frame["mandatory"] = frame["mandatory"].fillna(False).astype(bool)
    frame["cold_start"] = frame["cold_start"].fillna(False).astype(bool)
    frame["online"] = frame["delivery"].isin(ONLINE)
    frame["duration_days"] = spec.map(lambda s: s[3]).astype(int)
    frame.loc[frame["category"] == "latsar", "duration_days"] = 120
    frame.loc[frame["category"] == "kepemimpinan", "duration_days"] = 100
    frame["base_seats"] = spec.map(lambda s: s[4]).astype(float)
    frame.loc[frame["category"] == "latsar", "base_seats"] = 60
    frame.loc[frame["category"] == "kepemimpinan", "base_seats"] = [10, 5, 2]
    # Latent appeal: free, local or broadly useful programs draw more people.
    frame["popularity"] = (rng.normal(0, 0.5, n) + 0.1 * (frame["cost_idr"] == 0)
                           + 0.3 * (frame["provider"] == LOCAL)
                           + 0.5 * (frame["form"] == "klasikal")).round(4)
    return frame


def offering_table(rng: np.random.Generator, programs: pd.DataFrame, quarters: list[str],
                   scale: float) -> pd.DataFrame:
    """Quarterly offerings with limited seats (scaled with the population)."""
    from model.quarters import quarter_start

    n_q = len(quarters)
    grid = programs.loc[programs.index.repeat(n_q)].reset_index(drop=True)
    grid["qi"] = np.tile(np.arange(n_q), len(programs))
    p = grid["form"].map(P_OFFERED).to_numpy(float)
    p = np.where(grid["delivery"].isin(ALWAYS_OFFERED) | (grid["category"] == "latsar"), 1.0, p)
    quarter_no = np.array([int(q[-1]) for q in quarters])[grid["qi"]]
    lead = grid["category"] == "kepemimpinan"
    p = np.where(lead, np.isin(quarter_no, [2, 3]).astype(float), p)
    p = np.where(grid["cold_start"] & (grid["qi"] < n_q - COLD_START_QUARTERS), 0.0, p)
    p = np.where(grid["cold_start"] & (grid["qi"] >= n_q - COLD_START_QUARTERS), 1.0, p)
    grid = grid[rng.random(len(grid)) < p].reset_index(drop=True)
    lead = grid["category"] == "kepemimpinan"
    second = grid[(grid["form"] == "klasikal") & ~lead & (rng.random(len(grid)) < 0.2)]
    grid = pd.concat([grid.assign(k=1), second.assign(k=2)]).sort_values(
        ["qi", "program_id", "k"], kind="stable").reset_index(drop=True)
    qstart = pd.to_datetime(pd.Series([quarter_start(q) for q in quarters]))[grid["qi"]]
    start = qstart.to_numpy() + pd.to_timedelta(rng.integers(14, 61, len(grid)), unit="D")
    end = start + pd.to_timedelta(np.maximum(grid["duration_days"].to_numpy() - 1, 0), unit="D")
    lead = grid["category"].to_numpy() == "kepemimpinan"
    seats = np.maximum(np.round(grid["base_seats"].to_numpy() * scale),
                       np.where(lead, 1, 3)).astype(int)
    city = grid["provider"].map(CITY).fillna("Medan").to_numpy()
    city = np.where(grid["online"], "Daring", city)
    bench = grid["delivery"].to_numpy() == "benchmarking"
    city[bench] = np.asarray(BENCHMARK_CITIES, dtype=object)[
        rng.integers(0, len(BENCHMARK_CITIES), bench.sum())]
    qlabel = np.asarray(quarters, dtype=object)[grid["qi"]]
    return pd.DataFrame({
        "offering_id": "OFR-" + qlabel + "-" + grid["program_id"] + "-" + grid["k"].astype(str),
        "program_id": grid["program_id"], "start_date": start, "end_date": end,
        "seats": seats, "location": city, "qi": grid["qi"],
    })
