"""CSV separator detection when values hold commas (decimal commas, rupiah) or quotes."""

import pytest

from service.ingest.readers import detect_delimiter


@pytest.mark.parametrize("text, delimiter", [
    ("nip;nama;nilai\n1985;Siti;87,5\n", ";"),
    # commas in quoted header cells do not count
    ('"Nilai, Akhir";"Biaya, Rp";nama\n87,5;Rp 1.500;Siti\n', ";"),
    # more commas than semicolons in the header, but only ';' splits the rows evenly
    ("Biaya (Rp, per orang, per hari);Nama;Nilai\n1.500;Siti;87,5\n", ";"),
    ("unit,eligible_employment_types\nBKPSDM,PNS;CPNS\n", ","),
    ("unit\tnilai\nBKPSDM\t87,5\n", "\t"),
    ("nip,nama\n1985,Siti\n", ","),
])
def test_the_separator_is_the_one_that_splits_header_and_rows_alike(text, delimiter):
    assert detect_delimiter(text) == delimiter
