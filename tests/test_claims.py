from __future__ import annotations

import datetime as dt

import pytest

from kursk_map import DataError, load_claims, load_sources, read_claims

from .conftest import CLAIM_ROW, HEADER, SOURCES, TODAY

SRC = ["ru-mod", "ua-gs"]


def _claims(tmp_path, body: str, header: str = HEADER):
    p = tmp_path / "c.csv"
    p.write_text(header + body, encoding="utf-8")
    return p


def test_valid_claims(tmp_path) -> None:
    p = _claims(
        tmp_path,
        "a,2025-03-13,ru-mod,control,Sudzha,RU,,,,,ok,https://example.org/x,\n"
        "b,2025-03-16,ua-gs,area,,UA,42,sq mi,,,ok,https://example.org/y,\n",
    )
    df = load_claims([p], sources=SRC, today=TODAY)
    assert list(df["claim_id"]) == ["a", "b"]
    assert df.loc[1, "value_std"] == pytest.approx(108.78, abs=0.01)
    assert df.loc[0, "_line"] == 2 and df.loc[0, "_file"].endswith("c.csv")


def test_minimal_columns_are_enough(tmp_path) -> None:
    p = _claims(
        tmp_path,
        "a,2025-03-13,ru-mod,control,Sudzha,RU,ok,https://example.org/x\n",
        header="claim_id,date,source,kind,settlement,controller,summary,url\n",
    )
    assert load_claims([p], sources=SRC, today=TODAY).loc[0, "unit"] == ""


#: A valid claims row (the shared fixture row with its own id, date, summary and URL).
OK = {**CLAIM_ROW, "claim_id": "a", "date": "2025-03-13", "summary": "ok", "url": "https://example.org/x"}


def _row(**changes: str) -> str:
    d = {**OK, **changes}
    return ",".join(d[k] for k in OK) + "\n"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"date": "13/03/2025"},
            "date: '13/03/2025' is not an ISO date (YYYY-MM-DD); write it as ISO, e.g. 2025-03-13 if day first",
        ),
        ({"date": "2025-02-30"}, "date: '2025-02-30' is not a real calendar date"),
        ({"date": "2027-01-01"}, "date: 2027-01-01 is in the future (today is 2026-01-01)"),
        ({"source": "ru-modd"}, "source: unknown source 'ru-modd'; add it to sources.csv or use one of: ru-mod, ua-gs"),
        (
            {"kind": "capture"},
            "kind: unknown kind 'capture'; use one of control, presence, attack, area, count, region, relative, denial",
        ),
        ({"controller": "Ukraine"}, "controller: unknown controller 'Ukraine'; use one of UA, RU, contested"),
        ({"controller": "contested"}, "controller: a control claim needs controller UA or RU, got 'contested'"),
        (
            {"kind": "presence", "controller": "UA"},
            "controller: a presence claim is 'contested', got 'UA'; use kind=control for UA",
        ),
        (
            {"kind": "attack", "controller": "contested"},
            "controller: an attack claim names the side that attacked, UA or RU, got 'contested'",
        ),
        ({"kind": "attack", "settlement": ""}, "settlement: an attack claim needs the settlement it is about"),
        ({"settlement": ""}, "settlement: a control claim needs the settlement it is about"),
        ({"kind": "area", "settlement": "", "value": "-5", "unit": "km2"}, "value: -5 must be positive"),
        ({"kind": "area", "settlement": "", "value": "lots", "unit": "km2"}, "value: 'lots' is not a number"),
        (
            {"kind": "area", "settlement": "", "value": "", "unit": "km2"},
            "value: an area claim needs a figure in 'value'",
        ),
        (
            {"kind": "area", "settlement": "", "value": "5", "unit": "acres"},
            "unit: unit 'acres' is not known for an area claim; use one of: km2, sq mi, ha",
        ),
        (
            {"kind": "area", "settlement": "", "value": "5", "unit": ""},
            "unit: a figure needs its unit; use one of: km2, sq mi, ha",
        ),
        (
            {"kind": "relative", "value": "5", "unit": "km", "bearing_deg": "south-east"},
            "bearing_deg: 'south-east' is not a compass bearing in degrees",
        ),
        (
            {"kind": "region", "settlement": "", "controller": ""},
            "settlement: a region claim names its oblast in 'settlement'",
        ),
        ({"kind": "denial", "controller": ""}, "denies: a denial names the claim_id it rejects in 'denies'"),
        ({"summary": ""}, "summary: empty summary"),
        ({"url": "javascript:alert(1)"}, "url: 'javascript:alert(1)' is not an http(s) URL"),
        ({"url": "https://exa mple.org"}, "url: 'https://exa mple.org' is not a well-formed URL"),
        ({"claim_id": "a b"}, "claim_id: 'a b' is not a usable id"),
    ],
)
def test_each_error_is_reported_with_location(tmp_path, changes: dict[str, str], expected: str) -> None:
    p = _claims(tmp_path, _row(**changes))
    with pytest.raises(DataError) as exc:
        load_claims([p], sources=SRC, today=TODAY)
    assert f"c.csv:2: {expected}" in str(exc.value)


def test_many_errors_each_reported_once(tmp_path) -> None:
    body = (
        _row(claim_id="a")
        + _row(claim_id="a")
        + _row(claim_id="c", date="2025-13-01")
        + _row(claim_id="d", source="nobody")
        + _row(claim_id="e", kind="denial", denies="zzz", controller="")
    )
    _, problems = read_claims([_claims(tmp_path, body)], sources=SRC, today=TODAY)
    lines = sorted((p.line, p.column) for p in problems)
    assert lines == [(3, "claim_id"), (4, "date"), (5, "source"), (6, "denies")]


def test_ragged_row(tmp_path) -> None:
    with pytest.raises(DataError, match=r"c\.csv:2: 3 cells but the header has 13 columns"):
        load_claims([_claims(tmp_path, "a,b,c\n")], sources=SRC, today=TODAY)


def test_primary_url_is_optional_and_checked(tmp_path) -> None:
    header = HEADER.strip() + ",primary_url\n"
    own = "https://www.understandingwar.org/backgrounder/x"
    p = _claims(tmp_path, _row().strip() + f",{own}\n", header=header)
    assert load_claims([p], sources=SRC, today=TODAY).loc[0, "primary_url"] == own
    p = _claims(tmp_path, _row().strip() + ",t.me/mod_russia\n", header=header)
    with pytest.raises(DataError, match=r"c\.csv:2: primary_url: 't\.me/mod_russia' is not an http\(s\) URL"):
        load_claims([p], sources=SRC, today=TODAY)


def test_unknown_column(tmp_path) -> None:
    with pytest.raises(DataError, match=r"c\.csv:1: unknown column\(s\) 'colour'"):
        load_claims([_claims(tmp_path, "", header=HEADER.strip() + ",colour\n")], sources=SRC, today=TODAY)


def test_quoted_newline_keeps_line_numbers(tmp_path) -> None:
    body = _row(summary='"two\nlines"') + _row(claim_id="b", date="bad")
    with pytest.raises(DataError, match=r"c\.csv:4: date: 'bad'"):
        load_claims([_claims(tmp_path, body)], sources=SRC, today=TODAY)


def test_today_defaults_to_real_date(tmp_path) -> None:
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    with pytest.raises(DataError, match="is in the future"):
        load_claims([_claims(tmp_path, _row(date=future))], sources=SRC)


def test_sources(tmp_path) -> None:
    p = tmp_path / "sources.csv"
    p.write_text(SOURCES, encoding="utf-8")
    assert list(load_sources(p)["slug"]) == ["ru-mod", "ua-gs"]
    p.write_text(
        SOURCES + "ru-mod,Again,RU,official,\nBad Slug,X,RU,official,\nx,X,neutral,wire,ftp://x\n", encoding="utf-8"
    )
    with pytest.raises(DataError) as exc:
        load_sources(p)
    msg = str(exc.value)
    assert "sources.csv:4: slug: duplicate slug 'ru-mod' (first on line 2)" in msg
    assert "sources.csv:5: slug: 'Bad Slug' is not a slug" in msg
    assert "sources.csv:6: side: unknown side 'neutral'" in msg
    assert "sources.csv:6: kind: unknown kind 'wire'" in msg
    assert "sources.csv:6: url: 'ftp://x' is not an http(s) URL" in msg
