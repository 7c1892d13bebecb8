"""Property-based tests: random text and random tables never make a traceback reach the user.

The loaders must return problems (or raise :class:`DataError` from ``load_*``), never anything
else; the resolver must answer every name, whatever its characters; and whatever ``--out`` is,
a command never changes a file outside the output it reports (issue 12).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import itertools
import math
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kursk_map import schemas
from kursk_map._errors import DataError, Problem
from kursk_map._fs import is_atlas
from kursk_map.build import build_atlas
from kursk_map.claims import load_claims, load_sources, read_claims, read_sources
from kursk_map.cli import main
from kursk_map.dataset import check_dataset
from kursk_map.gazetteer import load_gazetteer, read_gazetteer
from kursk_map.names import Resolver, normalise, skeleton, spellings, transliterate

from .conftest import CLAIM_ROW, HEADER, PLACE_ROW, SETTLEMENTS, TODAY, write_dataset

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_counter = itertools.count()

# Text that looks like what people paste: any unicode (no surrogates), with CSV's own characters,
# control characters, bidi controls and Cyrillic made likely.
SPECIALS = st.sampled_from([",", ";", '"', "\n", "\r\n", "\t", "\x00", "\ufeff", "\u202e", "\u200b", " ", "Суджа"])
TEXT = st.lists(st.one_of(st.text(max_size=8), SPECIALS), max_size=12).map("".join)
CELL_VALUES = {
    "claim_id": st.sampled_from(["ru-9", "ru-1", "", "a b", "x" * 200]),
    "date": st.sampled_from(["2025-03-16", "2025-02-30", "13/03/2025", "2999-01-01", "", "0000-00-00"]),
    "source": st.sampled_from(["ru-mod", "ua-gs", "ru-mdo", ""]),
    "kind": st.sampled_from([*schemas.CLAIM_KINDS, "capture", ""]),
    "settlement": st.sampled_from(["Sudzha", "Суджа", "Nikolayevka", "Kursk Oblast", "Atlantis", ""]),
    "controller": st.sampled_from([*schemas.CONTROLLERS, "", "Ukraine"]),
    "value": st.sampled_from(["", "5", "1,000", "1,5", "-3", "nan", "1e400", "0"]),
    "unit": st.sampled_from(["", "km2", "sq mi", "ha", "km", "mi", "settlements", "acres"]),
    "bearing_deg": st.sampled_from(["", "0", "135", "360", "south"]),
    "denies": st.sampled_from(["", "ru-1", "ru-9", "zz"]),
    "summary": st.sampled_from(["Says so.", "", "<script>alert(1)</script>"]),
    "url": st.sampled_from(["https://example.org/a", "javascript:alert(1)", "", "http://x"]),
    "note": st.sampled_from(["", "n"]),
}
PLACE_VALUES = {
    "id": st.sampled_from(["kmap:a", "kmap:b", "486816", ""]),
    "name": st.sampled_from(["Testovo", "Sudzha", ""]),
    "name_ru": st.sampled_from(["Тестово", ""]),
    "name_uk": st.sampled_from(["", "Тестове"]),
    "alt_names": st.sampled_from(["", "A|B", "|"]),
    "lat": st.sampled_from(["51.3", "35.2", "95", "nan", "", "5_1", "-51.3"]),
    "lon": st.sampled_from(["35.2", "51.3", "200", "inf", ""]),
    "country": st.sampled_from(["RU", "UA", "XX", ""]),
    "oblast": st.sampled_from(["Kursk", "Sumy", ""]),
    "raion": st.sampled_from(["Sudzhansky", ""]),
    "population": st.sampled_from(["", "12", "12.5", "-1", "1e999"]),
    "ref": st.sampled_from(["https://example.org/t", ""]),
    "precision_m": st.sampled_from(["500", "0", "", "x"]),
    "method": st.sampled_from([*schemas.METHODS, "guess"]),
    "note": st.sampled_from(["", "n"]),
}


def _cell(plausible: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(plausible, plausible, plausible, TEXT)


CLAIM_BASE = {**CLAIM_ROW, "claim_id": "ru-{i}", "summary": "Says so.", "url": "https://example.org/a"}
PLACE_BASE = {**PLACE_ROW, "id": "kmap:{i}", "ref": "https://example.org/t"}
SOURCE_BASE = {"slug": "src-{i}", "name": "A source", "side": "RU", "kind": "official", "url": ""}


@st.composite
def tables(draw: st.DrawFn, values: dict[str, st.SearchStrategy[str]], base: dict[str, str]) -> str:
    """A CSV text: mostly valid rows with a few cells changed, under a mostly valid header.

    Header: the known columns (perhaps shuffled, perhaps with some dropped or unknown ones added).
    Rows: a valid row with up to three cells replaced by plausible mistakes or random text;
    sometimes a row of random length.
    """
    known = list(values)
    header = draw(
        st.one_of(
            st.just(known),
            st.just(known),
            st.permutations(known),
            st.lists(st.one_of(st.sampled_from(known), TEXT), max_size=len(known) + 2),
        )
    )
    rows: list[list[str]] = []
    for i in range(draw(st.integers(0, 6))):
        if draw(st.integers(0, 9)) == 0:  # a ragged row of random cells
            rows.append(draw(st.lists(TEXT, max_size=len(header) + 2)))
            continue
        cells = {h: base.get(h, "").replace("{i}", str(i)) for h in header}
        for h in draw(st.lists(st.sampled_from(header), max_size=3)) if header else []:
            cells[h] = draw(_cell(values.get(h, TEXT)))
        rows.append([cells[h] for h in header])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    w.writerows([header, *rows])
    return buf.getvalue()


def _file(dirpath: Path, name: str, content: str | bytes) -> Path:
    d = dirpath / f"ex{next(_counter)}"
    d.mkdir()
    p = d / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8", newline="")
    return p


def _check_problems(problems: list[Problem], path: Path, n_lines: int) -> None:
    for p in problems:
        assert isinstance(p, Problem)
        assert p.file == str(path)
        assert 0 <= p.line <= n_lines + 1
        assert p.message and "\n" not in p.column
        assert str(p).startswith(str(path))


def _n_lines(content: str | bytes) -> int:
    raw = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    return raw.count(b"\n") + raw.count(b"\r") + 1


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("props")


# ------------------------------------------------------------------------------------- the loaders


@SETTINGS
@given(content=st.one_of(TEXT, st.binary(max_size=300), tables(CELL_VALUES, CLAIM_BASE)))
def test_read_claims_never_raises(scratch: Path, content: str | bytes) -> None:
    p = _file(scratch, "ru-mod.csv", content)
    df, problems = read_claims([p], sources=["ru-mod", "ua-gs"], today=TODAY)
    _check_problems(problems, p, _n_lines(content))
    assert list(df.columns[: len(schemas.CLAIM_COLUMNS)]) == list(schemas.CLAIM_COLUMNS)
    # every row that came out is valid: a known kind, a real date, an http(s) URL
    assert set(df["kind"]) <= set(schemas.CLAIM_KINDS)
    assert all(d.date() <= TODAY for d in df["date"])
    assert all(u.startswith(("http://", "https://")) for u in df["url"])
    assert all(math.isfinite(v) and v > 0 for v in df["value_std"].dropna())
    try:
        load_claims([p], sources=["ru-mod", "ua-gs"], today=TODAY)
    except DataError as exc:
        assert exc.problems == sorted(set(problems))
    else:
        assert not problems


@SETTINGS
@given(content=st.one_of(TEXT, st.binary(max_size=300), tables(PLACE_VALUES, PLACE_BASE)))
def test_read_gazetteer_never_raises(scratch: Path, content: str | bytes) -> None:
    p = _file(scratch, "settlements.csv", content)
    gdf, problems = read_gazetteer(p)
    _check_problems(problems, p, _n_lines(content))
    assert gdf.crs.to_string() == schemas.CRS
    assert set(gdf["method"]) <= set(schemas.METHODS)
    placed = gdf[gdf["method"] != "unplaced"]
    assert all(44 <= y <= 53 and 22 <= x <= 41 for x, y in zip(placed["lon"], placed["lat"], strict=True))
    assert gdf["id"].is_unique
    try:
        load_gazetteer(p)
    except DataError as exc:
        assert exc.problems == sorted(set(problems))
    else:
        assert not problems


SOURCE_VALUES = {
    "slug": st.sampled_from(["ru-mod", "isw", "ISW", ""]),
    "name": st.sampled_from(["ISW", ""]),
    "side": st.sampled_from([*schemas.SIDES, "neutral"]),
    "kind": st.sampled_from([*schemas.SOURCE_KINDS, "x"]),
    "url": st.sampled_from(["", "https://example.org/", "javascript:alert(1)"]),
}


@SETTINGS
@given(content=st.one_of(TEXT, st.binary(max_size=200), tables(SOURCE_VALUES, SOURCE_BASE)))
def test_read_sources_never_raises(scratch: Path, content: str | bytes) -> None:
    p = _file(scratch, "sources.csv", content)
    df, problems = read_sources(p)
    _check_problems(problems, p, _n_lines(content))
    assert df["slug"].is_unique
    try:
        load_sources(p)
    except DataError:
        assert problems
    else:
        assert not problems


@SLOW_SETTINGS
@given(claims=tables(CELL_VALUES, CLAIM_BASE), places=st.one_of(st.just(SETTLEMENTS), tables(PLACE_VALUES, PLACE_BASE)))
def test_check_dataset_never_raises(scratch: Path, claims: str, places: str) -> None:
    """A whole data directory with random claims and gazetteer: problems, never a traceback."""
    root = write_dataset(scratch / f"ds{next(_counter)}", ru=claims, ua=HEADER, settlements=places)
    try:
        ds, problems = check_dataset(root, today=TODAY)
    except DataError as exc:  # raised only for unreadable context layers, which these are not
        pytest.fail(f"check_dataset raised instead of returning problems: {exc}")
    assert all(isinstance(p, Problem) for p in problems)
    if ds is not None and not problems:
        assert set(ds.ledger.claims["source"]) <= {"ru-mod", "ua-gs"}


# ------------------------------------------------------------------------------------- the resolver


@pytest.fixture(scope="module")
def resolver(scratch: Path) -> Resolver:
    return Resolver(load_gazetteer(_file(scratch, "settlements.csv", SETTLEMENTS)))


ANY_TEXT = st.one_of(st.text(), TEXT, st.text(alphabet=st.characters(codec="utf-8"), max_size=40))


@SETTINGS
@given(
    name=ANY_TEXT,
    raion=st.one_of(st.none(), ANY_TEXT),
    near=st.one_of(st.none(), st.tuples(st.floats(), st.floats())),
)
def test_resolver_answers_any_name(resolver: Resolver, name: str, raion: str | None, near: object) -> None:
    res = resolver.resolve(name, raion=raion, near=near)  # type: ignore[arg-type]
    assert res.status in ("match", "ambiguous", "unknown")
    assert (res.best is not None) == (res.status == "match")
    line = res.describe()
    assert isinstance(line, str) and line
    assert "\n" not in line
    for c in resolver.suggest(name):
        assert 0 <= c.score <= 100


@SETTINGS
@given(text=ANY_TEXT)
def test_name_functions_total(text: str) -> None:
    for fn in (normalise, skeleton):
        assert isinstance(fn(text), str)
    assert isinstance(transliterate(text), str)
    assert isinstance(spellings(text, text), set)


@st.composite
def gazetteer_names(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    word = st.text(min_size=1, max_size=15).map(str.strip).filter(bool)
    cyr = st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯіїєґ -", max_size=15)
    return draw(st.lists(st.tuples(word, cyr.map(str.strip), word), min_size=1, max_size=5))


@SETTINGS
@given(rows=gazetteer_names())
def test_every_gazetteer_name_resolves(scratch: Path, rows: list[tuple[str, str, str]]) -> None:
    """A settlement's own name, Cyrillic name and alternative spelling never come back as unknown."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(PLACE_BASE)
    for i, (name, name_ru, alt) in enumerate(rows):
        row = {**PLACE_BASE, "id": f"kmap:{i}", "name": name, "name_ru": name_ru, "alt_names": alt.replace("|", "/")}
        w.writerow(row.values())
    gdf, problems = read_gazetteer(_file(scratch, "settlements.csv", buf.getvalue()))
    r = Resolver(gdf)
    for _, row in gdf.iterrows():
        for written in (row["name"], row["name_ru"], row["alt_names"]):
            if written and any(not ch.isspace() for ch in written):
                res = r.resolve(written)
                assert res.status != "unknown", (written, problems)
                assert row["id"] in {c.id for c in res.candidates}


def test_today_is_pinned() -> None:
    """The properties above check dates against the fixture's today, not the clock."""
    assert dt.date(2026, 1, 1) == TODAY


# ---------------------------------------------------------------------- output paths never harm other files
#
# Each example copies a small user's folder (the data, a docs/ folder, notes, an atlas built earlier,
# an empty folder, links to each of them, a dangling link, a FIFO), runs one command with a generated
# --out from a generated current folder, and hashes the whole tree before and after: every entry
# outside the output the command reports must be exactly as it was (and everything, when it fails).

PATH_SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BUILD_SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Where --out points, relative to the user's folder ("." and ".." are taken literally, from the current folder).
TARGETS = [
    *("data", "data/claims", "data/claims/ru-mod.csv", "data/settlements.csv", "data/new"),
    *(".", "..", "", "/"),
    *("docs", "docs/sub", "docs/report.md", "notes.txt", "home", "points.csv"),
    *("old-atlas", "old-atlas/ru-mod", "empty", "new", "nested/a/b", "missing/x"),
    *("link-data", "link-docs", "link-empty", "link-old-atlas", "link-notes", "dangling", "pipe"),
]
#: What follows it; the plain name most often.
ENDINGS = ["", "", "", "/", "/.", "/x", "/../data", "/sub/..", ".png", ".svg", ".html", ".csv", ".geojson", "/../new"]
#: A user's own things: never replaced without --force (and an atlas folder never a user's thing).
MINE = ("docs", "docs/sub", "docs/report.md", "notes.txt", "points.csv", "home")
POINTS_CSV = "name,lat,lon\nTestovo,51.3,35.2\n"


def _snapshot(root: Path) -> dict[str, str]:
    """Every entry under ``root`` (links not followed): file digests, link targets, folders, specials."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath, name)
            if p.is_symlink():
                out[str(p)] = "-> " + str(p.readlink())
            elif p.is_dir():
                out[str(p)] = "folder"
            elif p.is_file():
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
            else:
                out[str(p)] = "special"
    return out


@pytest.fixture(scope="module")
def user_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template every example copies (the FIFO is made in each copy: it cannot be copied)."""
    import matplotlib.font_manager  # noqa: F401 - its font cache is built now, in the real home, not in the copies

    t = tmp_path_factory.mktemp("user") / "t"
    write_dataset(t / "data")
    (t / "docs" / "sub").mkdir(parents=True)
    (t / "docs" / "report.md").write_text("my report", encoding="utf-8")
    (t / "docs" / "sub" / "x.txt").write_text("mine", encoding="utf-8")
    (t / "notes.txt").write_text("my notes", encoding="utf-8")
    (t / "points.csv").write_text(POINTS_CSV, encoding="utf-8")
    (t / "empty").mkdir()
    (t / "nested" / "a").mkdir(parents=True)
    (t / "home").mkdir()
    (t / "home" / ".profile").write_text("x", encoding="utf-8")
    build_atlas(t / "data", t / "old-atlas", today=TODAY, images=False)
    for link, target in (
        ("link-data", "data"),
        ("link-docs", "docs"),
        ("link-empty", "empty"),
        ("link-old-atlas", "old-atlas"),
        ("link-notes", "notes.txt"),
        ("dangling", "nowhere"),
    ):
        (t / link).symlink_to(target)
    return t


def _argv(command: str, data: str, out: str, force: bool) -> list[str]:
    if command == "build":
        return ["build", "--data", data, "--out", out, "--no-images"]
    flag = ["--force"] if force else []
    if command == "export":
        return ["export", "--data", data, "--source", "ru-mod", "--date", "2025-03-15", "--out", out, *flag]
    if command == "compare":
        args = ["--left", "ru-mod", "--right", "ua-gs", "--date", "2025-03-15"]
        return ["compare", "--data", data, *args, "--out", out, *flag]
    return [
        "gazetteer",
        "build",
        "--points",
        data.replace("data", "points.csv"),
        "--ref",
        "https://e.org/p",
        "--out",
        out,
        *flag,
    ]


def _run_in_copy(  # noqa: PLR0917 - the drawn values, as hypothesis gives them
    template: Path,
    scratch: Path,
    command: str,
    target: str,
    ending: str,
    cwd: str,
    data: str,
    force: bool,
    absolute: bool = False,
) -> None:
    root = scratch / f"run{next(_counter)}"
    t = root / "t"
    shutil.copytree(template, t, symlinks=True)
    os.mkfifo(t / "pipe")
    here = t / cwd
    data_arg = str(t / data) if data != "data" else os.path.relpath(t / "data", here)
    if target in (".", "..", "", "/"):
        out = target if target in ("", "/") else target + ending  # never a path under the real root
    else:
        out = (str(t / target) if absolute else os.path.relpath(t / target, here)) + ending
    argv = _argv(command, data_arg, out, force)
    before = _snapshot(root)
    stdout, stderr = io.StringIO(), io.StringIO()
    home = os.environ.get("HOME")
    os.environ["HOME"] = str(t / "home")
    try:
        with contextlib.chdir(here), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = main(argv)
            except SystemExit as exc:
                code = int(exc.code or 0)
    finally:
        if home is None:
            del os.environ["HOME"]
        else:
            os.environ["HOME"] = home
    said = stdout.getvalue() + stderr.getvalue()
    assert code in (0, 1, 2), (argv, said)
    assert "Traceback" not in said, said
    after = _snapshot(root)
    if code != 0:
        assert after == before, (argv, cwd, said)
        if code == 2:
            assert len(stderr.getvalue().splitlines()) == 1, said
        return
    # the output the command reports: the atlas folder (through any link) or the file written
    written = Path(here, out).resolve()
    if command == "build":
        assert is_atlas(written), (argv, said)
    else:
        assert written.is_file(), (argv, said)
    assert written == t / "new" or written.is_relative_to(t) or written.is_relative_to(root), written

    # an exported web page brings the files it loads: assets/ beside it, added, never replaced
    assets = written.parent / "assets" if command == "export" and written.suffix == ".html" else None

    def outside(snapshot: dict[str, str]) -> dict[str, str]:
        return {
            k: v
            for k, v in snapshot.items()
            if not (Path(k) == written or written in Path(k).parents)
            and not (assets is not None and (Path(k) == assets or assets in Path(k).parents))
        }

    if assets is not None:
        assert all(after.get(k) == v for k, v in before.items() if Path(k) == assets or assets in Path(k).parents)

    assert outside(after) == outside(before), (argv, cwd, said)
    if command == "gazetteer":  # it writes gazetteers, also into data folders: a new file, or one it regenerates
        assert before.get(str(written)) is None or (force and written == t / "data" / "settlements.csv"), argv
    else:
        assert not written.is_relative_to(t / "data"), (argv, said)
    assert force or written not in {t / m for m in MINE}, f"replaced the user's {written} without --force: {argv}"


@PATH_SETTINGS
@given(
    command=st.sampled_from(["export", "compare", "gazetteer"]),
    target=st.sampled_from(TARGETS),
    ending=st.sampled_from(ENDINGS),
    cwd=st.sampled_from(["", "docs", "docs/sub"]),
    data=st.sampled_from(["data", "link-data"]),
    force=st.booleans(),
    absolute=st.booleans(),
)
def test_file_outputs_touch_nothing_else(  # noqa: PLR0917
    user_folder: Path,
    scratch: Path,
    command: str,
    target: str,
    ending: str,
    cwd: str,
    data: str,
    force: bool,
    absolute: bool,
) -> None:
    _run_in_copy(user_folder, scratch, command, target, ending, cwd, data, force, absolute)


@pytest.mark.slow  # 20 whole builds: make test runs it, make test-fast leaves it out
@BUILD_SETTINGS
@given(
    target=st.sampled_from(TARGETS),
    ending=st.sampled_from(ENDINGS),
    cwd=st.sampled_from(["", "docs", "docs/sub", "old-atlas"]),
    data=st.sampled_from(["data", "link-data"]),
    absolute=st.booleans(),
)
def test_build_touches_nothing_but_its_atlas(  # noqa: PLR0917
    user_folder: Path, scratch: Path, target: str, ending: str, cwd: str, data: str, absolute: bool
) -> None:
    _run_in_copy(user_folder, scratch, "build", target, ending, cwd, data, False, absolute)
