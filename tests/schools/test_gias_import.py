from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.models import AuditEvent
from schools.gias import GiasFileError, parse
from schools.models import Phase, School, SchoolType, Status, SupportTier
from tests.schools.gias_files import COLUMNS, gias_csv, national_file, school_row

pytestmark = pytest.mark.django_db

OFSTED_COLUMNS = (
    "OfstedLastInsp",
    "OfstedSpecialMeasures (code)",
    "OfstedSpecialMeasures (name)",
    "OfstedRating (name)",
)


def two_authority_rows() -> list[dict]:
    return [
        school_row(130001, "St Thomas à Becket Church of England Primary School", la_code="888"),
        school_row(
            130002,
            "Rookery Academy",
            la_code="888",
            **{
                "TypeOfEstablishment (name)": "Academy converter",
                "EstablishmentTypeGroup (name)": "Academies",
                "PhaseOfEducation (name)": "Secondary",
                "OpenDate": "01-09-2012",
                "AdministrativeWard (name)": "Saltmarsh",
                "HeadFirstName": "Zoë",
                "HeadLastName": "Brontë-Fairley",
            },
        ),
        school_row(
            130003,
            "Dunsmore Pupil Referral Unit",
            la_code="888",
            **{
                "TypeOfEstablishment (name)": "Pupil referral unit",
                "EstablishmentTypeGroup (name)": "Local authority maintained schools",
                "PhaseOfEducation (name)": "Not applicable",
            },
        ),
        school_row(
            130004,
            "Old Mill Infant School",
            la_code="888",
            **{"EstablishmentStatus (name)": "Closed", "CloseDate": "31-08-2019"},
        ),
        school_row(140001, "Café Lane Primary School", la_code="999", la_name="Elsewhere"),
        school_row(140002, "Garçon Street Academy", la_code="999", la_name="Elsewhere"),
    ]


def write(tmp_path: Path, data: bytes, name: str = "edubasealldata20261101.csv") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def snapshot_schools() -> list[tuple]:
    return list(School.objects.order_by("urn").values_list("urn", *School.GIAS_FIELDS, "updated_at"))


def test_real_format_file_with_la_imports_exactly_that_authoritys_schools_with_accents(tmp_path):
    data = gias_csv(two_authority_rows())
    assert len(COLUMNS) == 139
    assert b"\xe0 Becket" in data  # Windows-1252, as GIAS writes it
    call_command("import_gias", write(tmp_path, data), la="888", stdout=io.StringIO())

    assert sorted(School.objects.values_list("urn", flat=True)) == [130001, 130002, 130003, 130004]
    becket = School.objects.get(urn=130001)
    assert becket.name == "St Thomas à Becket Church of England Primary School"
    assert becket.phase == Phase.PRIMARY and becket.school_type == SchoolType.MAINTAINED
    rookery = School.objects.get(urn=130002)
    assert rookery.head_first_name == "Zoë" and rookery.head_last_name == "Brontë-Fairley"
    assert rookery.school_type == SchoolType.ACADEMY and rookery.phase == Phase.SECONDARY
    assert rookery.open_date == date(2012, 9, 1) and rookery.ward == "Saltmarsh"
    assert School.objects.get(urn=130003).phase == Phase.PRU
    closed = School.objects.get(urn=130004)
    assert closed.status == Status.CLOSED and closed.close_date == date(2019, 8, 31)


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = write(tmp_path, gias_csv(two_authority_rows()))
    call_command("import_gias", path, la="888", stdout=io.StringIO())
    before = snapshot_schools()
    result = parse(Path(path).read_bytes(), la_code="888")
    from schools.gias import plan

    assert plan(result).unchanged == 4 and not plan(result).has_changes
    call_command("import_gias", path, la="888", stdout=io.StringIO())
    assert snapshot_schools() == before


def test_reimport_updates_gias_fields_only_and_keeps_missing_schools(tmp_path):
    call_command("import_gias", write(tmp_path, gias_csv(two_authority_rows())), la="888", stdout=io.StringIO())
    School.objects.filter(urn=130002).update(
        support_tier=SupportTier.INTENSIVE, notes="Termly visits agreed", rrsa_level="gold"
    )
    rows = [
        school_row(
            130002,
            "Rookery Academy Trust School",
            la_code="888",
            **{"EstablishmentStatus (name)": "Closed", "CloseDate": "31-12-2025"},
        ),
        school_row(130005, "Kestrel Free School", la_code="888", **{"EstablishmentTypeGroup (name)": "Free Schools"}),
    ]
    call_command("import_gias", write(tmp_path, gias_csv(rows), "second.csv"), la="888", stdout=io.StringIO())

    rookery = School.objects.get(urn=130002)
    assert rookery.name == "Rookery Academy Trust School"
    assert rookery.status == Status.CLOSED and not rookery.is_open
    assert (rookery.support_tier, rookery.notes, rookery.rrsa_level) == (
        SupportTier.INTENSIVE,
        "Termly visits agreed",
        "gold",
    )
    assert School.objects.filter(urn=130001).exists(), "a school missing from the new file is kept"
    assert School.objects.get(urn=130005).school_type == SchoolType.FREE_SCHOOL
    event = AuditEvent.objects.filter(action="schools.gias_imported").first()
    assert event.changes["closed"] == [130002] and event.changes["new"] == [130005]


def test_a_column_missing_from_a_newer_release_leaves_the_value_alone(tmp_path):
    call_command("import_gias", write(tmp_path, gias_csv(two_authority_rows())), la="888", stdout=io.StringIO())
    newer = gias_csv(two_authority_rows(), drop=(*OFSTED_COLUMNS, "AdministrativeWard (name)", "RSCRegion (name)"))
    call_command("import_gias", write(tmp_path, newer, "newer.csv"), la="888", stdout=io.StringIO())
    assert School.objects.get(urn=130002).ward == "Saltmarsh"


def test_only_the_three_key_columns_are_required_and_utf8_with_a_bom_is_read(tmp_path):
    minimal = [{"URN": 150001, "EstablishmentName": "Tanner's Nursery School", "LA (code)": "888"}]
    data = b"\xef\xbb\xbf" + gias_csv(minimal, columns=["URN", "EstablishmentName", "LA (code)"], encoding="utf-8")
    parsed = parse(data, la_code="888")
    assert parsed.encoding == "UTF-8" and not parsed.errors
    call_command("import_gias", write(tmp_path, data), la="888", stdout=io.StringIO())
    assert School.objects.get(urn=150001).name == "Tanner's Nursery School"


def test_utf8_file_keeps_accents(tmp_path):
    data = gias_csv(two_authority_rows(), encoding="utf-8")
    call_command("import_gias", write(tmp_path, data), la="999", stdout=io.StringIO())
    assert set(School.objects.values_list("name", flat=True)) == {"Café Lane Primary School", "Garçon Street Academy"}


def test_wrong_encoding_is_refused_with_a_clear_message_and_changes_nothing(tmp_path):
    data = gias_csv(two_authority_rows(), encoding="utf-16")
    with pytest.raises(CommandError, match="UTF-16"):
        call_command("import_gias", write(tmp_path, data), la="888", stdout=io.StringIO())
    assert not School.objects.exists()


def test_missing_urn_column_is_refused_and_changes_nothing(tmp_path):
    data = gias_csv(two_authority_rows(), drop=("URN",))
    with pytest.raises(CommandError, match="no URN column"):
        call_command("import_gias", write(tmp_path, data), la="888", stdout=io.StringIO())
    assert not School.objects.exists()


def test_a_row_with_a_bad_date_is_reported_by_line_and_nothing_is_imported(tmp_path, capsys):
    rows = two_authority_rows()
    rows[2]["OpenDate"] = "31-02-2019"
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 rows in error: nothing was imported"):
        call_command("import_gias", write(tmp_path, gias_csv(rows)), la="888", stdout=io.StringIO(), stderr=err)
    assert "line 4: OpenDate is not a date in the form dd-mm-yyyy: '31-02-2019'" in err.getvalue()
    assert not School.objects.exists()


def test_bad_rows_never_stop_the_reading_and_other_authorities_rows_are_not_checked():
    rows = two_authority_rows()
    rows[0]["URN"] = "12A"
    rows[1]["NumberOfPupils"] = "lots"
    rows[3]["EstablishmentStatus (name)"] = "Mothballed"
    rows[4]["OpenDate"] = "not a date"  # another authority: ignored, not an error
    data = gias_csv(rows) + b'"130009","888"\r\n'  # a short row at the end
    parsed = parse(data, la_code="888")
    lines = dict(parsed.errors)
    assert lines[2] == "URN is not a number: '12A'"
    assert lines[3].startswith("NumberOfPupils is not a whole number")
    assert lines[5].startswith("EstablishmentStatus (name) is not a status GIAS uses")
    assert 8 in lines and "values where the header has 139" in lines[8]
    assert [r["urn"] for r in parsed.rows] == [130003]
    assert parsed.other_la == 2


def test_a_duplicate_urn_is_an_error_on_its_second_line():
    rows = two_authority_rows()
    rows.append(school_row(130001, "Copy", la_code="888"))
    parsed = parse(gias_csv(rows), la_code="888")
    assert parsed.errors == [(8, "URN 130001 is also on line 2")]


def test_spreadsheet_and_empty_files_are_refused():
    with pytest.raises(GiasFileError, match="spreadsheet"):
        parse(b"PK\x03\x04rest-of-zip")
    with pytest.raises(GiasFileError, match="empty"):
        parse(b"")


def test_a_stream_is_read_a_block_at_a_time_and_left_open(tmp_path):
    """A file bigger than one read block, UTF-8 everywhere but a Windows-1252 byte near its end: the encoding is
    decided on the whole file, not its first block."""
    rows = [school_row(130000 + i, f"School {i}") for i in range(2500)]
    rows.append(school_row(139999, "St Thomas à Becket Primary School"))
    data = gias_csv(rows, encoding="cp1252")
    assert len(data) > 1024 * 1024 and data.index(b"\xe0") > 1024 * 1024
    path = Path(write(tmp_path, data))
    with path.open("rb") as stream:
        parsed = parse(stream, la_code="888")
        assert not stream.closed
    assert parsed.encoding == "Windows-1252" and len(parsed.rows) == 2501 and not parsed.errors
    assert parsed.rows[-1]["name"] == "St Thomas à Becket Primary School"


def test_a_byte_neither_encoding_reads_is_refused():
    data = gias_csv([school_row(130001, "Good School")]).replace(b"Good", b"Go\x81d")
    with pytest.raises(GiasFileError, match="neither UTF-8 nor Windows-1252"):
        parse(data, la_code="888")


def test_a_file_over_the_limit_is_refused_by_the_command(tmp_path, settings):
    settings.GIAS_IMPORT_MAX_BYTES = 1024
    path = write(tmp_path, gias_csv(two_authority_rows()))
    with pytest.raises(CommandError, match="larger than GIAS_IMPORT_MAX_BYTES"):
        call_command("import_gias", str(path), "--la", "888", stdout=io.StringIO())


def test_dry_run_changes_nothing(tmp_path):
    call_command(
        "import_gias",
        write(tmp_path, gias_csv(two_authority_rows())),
        la="888",
        dry_run=True,
        stdout=io.StringIO(),
    )
    assert not School.objects.exists()
    assert not AuditEvent.objects.filter(action="schools.gias_imported").exists()


def test_national_file_filtered_to_one_authority_imports_in_well_under_a_minute(tmp_path):
    path = write(tmp_path, national_file(rows=50_000, ours=450))
    started = time.perf_counter()
    call_command("import_gias", path, la="888", stdout=io.StringIO())
    first = time.perf_counter() - started
    started = time.perf_counter()
    call_command("import_gias", path, la="888", stdout=io.StringIO())
    second = time.perf_counter() - started
    assert School.objects.count() == 451
    assert School.objects.filter(name__startswith="St Thomas à Becket").exists()
    assert first < 15 and second < 15, f"import took {first:.1f}s and {second:.1f}s"


def test_the_sample_file_in_fixtures_is_the_real_format():
    """tests/schools/fixtures/edubasealldata20261101_sample.csv: invented schools of two authorities, cp1252."""
    data = (Path(__file__).parent / "fixtures" / "edubasealldata20261101_sample.csv").read_bytes()
    assert b"\r\n" in data and b"\xe0" in data
    parsed = parse(data, la_code="888")
    assert parsed.encoding == "Windows-1252" and len(parsed.columns) == 139
    assert len(parsed.rows) == 4 and parsed.other_la == 2 and not parsed.errors
