"""The settlement pages: a settlement's claim history across every source (render/settlement.py and its kind)."""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

import pytest

from kursk_map import load_dataset
from kursk_map.build import build_atlas
from kursk_map.build.kinds import KINDS, settlement_path
from kursk_map.render import SettlementContext, render_settlement, render_settlement_list
from kursk_map.view import claim_records, settlement_context, settlement_histories

from .conftest import RU_CLAIMS, TODAY, UA_CLAIMS, write_dataset

SUDZHA, ZAOLESHENKA, GORNAL = "486816", "kmap:zaoleshenka-sudzhansky", "kmap:gornal-sudzhansky"
UNPLACED, SUMY = "kmap:unknownpos-sudzhansky", "692194"


def _text(fragment: str) -> str:
    """The text of an HTML fragment, as a reader sees it: tags dropped, entities read, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _rows(page: str) -> list[str]:
    """The rows of a settlement page's table, as text."""
    return [_text(r) for r in re.findall(r'<tr id="c\d+">(.*?)</tr>', page, flags=re.S)]


def _axis_rows(page: str) -> list[str]:
    """The row labels of a settlement page's time axis."""
    return [_text(r) for r in re.findall(r'<div class="km-row-label">(.*?)</div>', page, flags=re.S)]


@pytest.fixture(scope="module")
def atlas(tmp_path_factory) -> Path:
    """The small atlas, plus an attack on Gornal, a claim naming a settlement without coordinates and one on Sumy."""
    root = tmp_path_factory.mktemp("settlements")
    ru = RU_CLAIMS + (
        "ru-4,2025-05-01,ru-mod,attack,Gornal,UA,,,,,Says a Ukrainian assault towards Gornal was repelled.,"
        "https://example.org/ru4,\n"
        "ru-5,2025-05-02,ru-mod,control,Knownvillage,RU,,,,,Says Knownvillage was taken.,https://example.org/ru5,\n"
    )
    ua = UA_CLAIMS + "ua-6,2025-05-21,ua-gs,control,Sumy,UA,,,,,Says Sumy is held.,https://example.org/ua6,\n"
    data = write_dataset(root / "data", ru=ru, ua=ua)
    out = root / "atlas"
    build_atlas(data, out, today=TODAY, images=False)
    return out


def _page(atlas: Path, sid: str) -> str:
    return (atlas / settlement_path(sid)).read_text(encoding="utf-8")


# -- file names -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sid", "path"),
    [
        ("486816", "settlements/486816.html"),
        ("kmap:gornal-sudzhansky", "settlements/kmap.gornal-sudzhansky.html"),
        ("oktmo:38640000001", "settlements/oktmo.38640000001.html"),
    ],
)
def test_a_plain_id_keeps_its_letters(sid: str, path: str) -> None:
    assert settlement_path(sid) == path


@pytest.mark.parametrize(
    "sid",
    ["katotth:UA59080290070062480", "kmap:a.b", "index", "con", "NUL", "../../etc/passwd", "Суджа", "a b", "x" * 300],
)
def test_any_other_id_gets_a_safe_name_with_its_hash(sid: str) -> None:
    path = settlement_path(sid)
    digest = hashlib.sha256(sid.encode("utf-8")).hexdigest()[:12]
    assert path.endswith(f"_{digest}.html")
    assert re.fullmatch(r"settlements/[a-z0-9][a-z0-9.-]*_[0-9a-f]{12}\.html", path)
    assert len(path.rsplit("/", 1)[1]) <= 80


def test_ids_that_differ_only_in_case_or_punctuation_get_different_files() -> None:
    ids = ["kmap:sudzha", "KMAP:sudzha", "kmap:Sudzha", "kmap.sudzha", "kmap-sudzha", "kmap::sudzha", "index", "Index"]
    names = [settlement_path(s).lower() for s in ids]  # as a file system that ignores case sees them
    assert len(set(names)) == len(ids)
    assert "settlements/index.html" not in names  # the list's own file


def test_every_bundled_id_has_its_own_file() -> None:
    from .conftest import REPO

    ds = load_dataset(REPO / "geodata")
    names = [settlement_path(str(s)).lower() for s in ds.gazetteer.index]
    assert len(set(names)) == len(names) == len(ds.gazetteer)


# -- what a history holds ---------------------------------------------------------------------------------


def test_histories_hold_named_claims_the_region_claims_of_the_oblast_and_their_denials(dataset) -> None:
    assert settlement_histories(dataset) == {
        SUDZHA: [("ua-1", "named"), ("ua-3", "named"), ("ru-1", "named"), ("ru-3", "region"), ("ua-4", "denial")],
        ZAOLESHENKA: [("ru-2", "named"), ("ru-3", "region"), ("ua-4", "denial")],
        GORNAL: [("ru-3", "region"), ("ua-4", "denial"), ("ua-5", "named")],
    }  # Nikolayevka, Sumy and Knownvillage: named by no claim, no history


def test_a_region_claim_applies_only_to_its_oblast(atlas: Path) -> None:
    sumy = _page(atlas, SUMY)
    assert [r.split(" General Staff")[0] for r in _rows(sumy)] == ["2025-05-21"]  # its own claim, no Kursk claim
    assert "region-wide" not in sumy.split("<tbody>")[1]


# -- the kind in the build --------------------------------------------------------------------------------


def test_the_kind_plans_a_page_per_named_settlement_with_the_list_and_the_script(atlas: Path) -> None:
    manifest = json.loads((atlas / "manifest.json").read_text(encoding="utf-8"))
    pages = manifest["settlements"]["pages"]
    assert manifest["settlements"]["list"] == "settlements/index.html"
    assert pages[SUDZHA] == {"path": "settlements/486816.html", "claims": 3, "sources": 2, "rows": 5}
    assert pages[GORNAL] == {"path": "settlements/kmap.gornal-sudzhansky.html", "claims": 2, "sources": 2, "rows": 4}
    assert sorted(pages) == sorted([SUDZHA, ZAOLESHENKA, GORNAL, UNPLACED, SUMY])
    on_disk = sorted(p.relative_to(atlas).as_posix() for p in (atlas / "settlements").iterdir())
    assert on_disk == sorted(["settlements/index.html", "settlements/pages.js", *(e["path"] for e in pages.values())])
    keyed = [p for p in manifest["page_keys"] if p.startswith("settlements/")]
    assert sorted(keyed) == sorted(e["path"] for e in pages.values())  # the list and script are drawn every build
    assert "settlement-page" in KINDS


def test_a_settlement_without_coordinates_has_a_history_and_says_why_it_has_no_position(atlas: Path) -> None:
    page = _page(atlas, UNPLACED)
    header = _text(page.split("</header>")[0])
    assert "No position:" in header and "It is on no map" in header
    dates = [r.split(" ")[0] for r in _rows(page)]
    assert dates == ["2025-04-26", "2025-04-26", "2025-05-02"]  # the oblast's region claim and its denial apply too
    assert _rows(page)[2].startswith("2025-05-02 Russian Ministry of Defence RU · official control: Held by Russia")


def test_a_kept_page_is_not_drawn_again_and_a_changed_claim_redraws_only_its_pages(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data")
    out = tmp_path / "atlas"
    build_atlas(data, out, today=TODAY, images=False)
    for sid in (SUDZHA, GORNAL):
        with (out / settlement_path(sid)).open("a", encoding="utf-8") as fh:
            fh.write("<!-- first build -->")
    write_dataset(data, ua=UA_CLAIMS.replace("Says positions near Gornal are held.", "Says Gornal is still held."))
    build_atlas(data, out, today=TODAY, images=False)
    assert _page(out, SUDZHA).endswith("<!-- first build -->")
    assert not _page(out, GORNAL).endswith("<!-- first build -->")
    assert "Says Gornal is still held." in _page(out, GORNAL)


# -- the page ---------------------------------------------------------------------------------------------


def test_a_settlement_named_by_two_sources_shows_both_rows_in_date_order(atlas: Path) -> None:
    page = _page(atlas, SUDZHA)
    assert [r.split(" · ")[0] for r in _rows(page)] == [
        "2024-08-14 General Staff of Ukraine UA",
        "2025-02-06 General Staff of Ukraine UA",
        "2025-03-13 Russian Ministry of Defence RU",
        "2025-04-26 Russian Ministry of Defence RU",
        "2025-04-26 General Staff of Ukraine UA",
    ]
    assert _axis_rows(page) == ["General Staff of Ukraine UA · official", "Russian Ministry of Defence RU · official"]
    first = _rows(page)[0]
    assert "control: Held by Ukraine" in first and "Says Sudzha is under Ukrainian control." in first
    assert "written “Sudscha”" in first  # the spelling the source used
    links = re.findall(r'<tr id="c1">.*?</tr>', page, flags=re.S)[0]
    assert 'href="../ua-gs/2024-08-14.html"' in links and 'href="../compare/2024-08-14.html"' in links
    assert 'href="https://example.org/ua1"' in links


def test_a_region_claim_is_shown_as_such_and_its_denial_too(atlas: Path) -> None:
    page = _page(atlas, SUDZHA)
    region, denial = _rows(page)[3:5]
    assert "region-wide: Held by Russia, every settlement of Kursk Oblast" in region
    assert "applies to every settlement of the oblast" in region
    assert "denies Russian Ministry of Defence's region claim of 2025-04-26" in denial
    marks = re.findall(r'<a class="km-mark km-k-(\w+)" href="#(c\d)"', page)
    assert sorted(marks) == [
        ("control", "c1"),
        ("control", "c3"),
        ("denial", "c5"),
        ("region", "c4"),
        ("relative", "c2"),
    ]


def test_an_attack_is_not_shown_as_control(atlas: Path) -> None:
    page = _page(atlas, GORNAL)
    (attack,) = [r for r in _rows(page) if r.startswith("2025-05-01")]
    assert "attack by Ukraine: not a claim of control" in attack
    assert "Held by" not in attack and "control:" not in attack
    mark = re.search(r'<a class="km-mark km-k-(\w+)" href="#c\d" style="--c:([^;]+);[^"]*" title="2025-05-01', page)
    assert mark is not None and mark.groups() == ("attack", "#0072B2")  # Ukraine's colour: the side that attacked


def test_the_time_axis_places_each_mark_by_its_date_and_stacks_those_of_one_day() -> None:
    claim = {"source": "s", "source_name": "S", "side": "RU", "source_kind": "official", "kind": "control"}
    entries = [
        {**claim, "claim_id": "a", "date": "2025-01-16", "controller": "RU", "role": "named", "summary": "A"},
        {**claim, "claim_id": "b", "date": "2025-01-16", "controller": "UA", "role": "named", "summary": "B"},
        {**claim, "claim_id": "c", "date": "2025-01-31", "controller": "RU", "role": "named", "summary": "C"},
    ]
    ctx = SettlementContext(
        settlement={"id": "x", "name": "X", "placed": True, "lat": 51.0, "lon": 35.0, "precision_m": 500.0},
        entries=entries,
        sources=[{"slug": "s", "name": "S", "side": "RU", "kind": "official"}],
        period=("2025-01-01", "2025-01-31"),
    )
    page = render_settlement(ctx)
    found = re.findall(r'href="#(c\d)" style="--c:[^;]+;left:([\d.]+)%;top:(\d+)px"', page)
    assert found == [("c1", "50", "4"), ("c2", "50", "22"), ("c3", "100", "4")]
    assert "51.0000° N, 35.0000° E ±0.5 km" in _text(page)


def test_hostile_texts_are_escaped(tmp_path: Path) -> None:
    hostile = '<img src=x onerror="alert(1)"> `${x}` {{ 7*7 }} </script><script>alert(2)</script> \u202eevil'
    quoted = hostile.replace('"', '""')
    ru = RU_CLAIMS.replace(
        "ru-1,2025-03-13,ru-mod,control,Sudzha,RU,,,,,Says Sudzha was retaken.,",
        f'ru-1,2025-03-13,ru-mod,control,Sudzha,RU,,,,,"{quoted}",',
    )
    data = write_dataset(tmp_path / "data", ru=ru)
    build_atlas(data, tmp_path / "atlas", today=TODAY, images=False)
    page = _page(tmp_path / "atlas", SUDZHA)
    body = page.split("<body>")[1]
    assert "<img" not in body and "<script>alert" not in body and 'onerror="' not in body
    assert "\u202e" not in page and "[U+202E]evil" in page
    assert "{{ 7*7 }}" not in page and "&#123;&#123; 7*7 &#125;&#125;" in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def test_the_context_lists_each_claim_with_its_source_and_what_it_denies(dataset) -> None:
    history = settlement_histories(dataset)[SUDZHA]
    ctx = settlement_context(dataset, SUDZHA, history, claims=claim_records(dataset))
    assert [(e["claim_id"], e["source_name"], e["role"]) for e in ctx.entries][3:] == [
        ("ru-3", "Russian Ministry of Defence", "region"),
        ("ua-4", "General Staff of Ukraine", "denial"),
    ]
    assert ctx.entries[4]["denied"]["claim_id"] == "ru-3"
    assert ctx.settlement["name_ru"] == "Суджа" and ctx.settlement["placed"] is True
    assert [s["slug"] for s in ctx.sources] == ["ua-gs", "ru-mod"]  # Ukraine's sources first, as schemas.SIDES


# -- links from the other pages ---------------------------------------------------------------------------


def _head_scripts(page: str) -> list[dict[str, str]]:
    head = page.split("</head>", maxsplit=1)[0]
    return [dict(re.findall(r'([\w-]+)="([^"]*)"', attrs)) for attrs in re.findall(r"<script([^>]*)>", head)]


@pytest.mark.parametrize("page", ["ru-mod/2025-03-15.html", "ua-gs/timeline.html", "compare/2025-03-15.html"])
def test_every_popup_links_the_settlement_pages(atlas: Path, page: str) -> None:
    text = (atlas / page).read_text(encoding="utf-8")
    assert {"src": "../settlements/pages.js", "data-root": "../"} in _head_scripts(text)
    assert "__kmSettlementLink(D.id" in text or "__kmSettlementLink(D.ids" in text
    if page.startswith("ru-mod/"):  # a map takes the ids from the atlas's settlements.js
        shared = (atlas / "settlements.js").read_text(encoding="utf-8")
        assert '"id":["486816","692194","kmap:gornal-sudzhansky"' in shared
    else:
        assert '"486816"' in text


def test_pages_js_lists_each_page_with_the_claims_naming_it(atlas: Path) -> None:
    script = (atlas / "settlements" / "pages.js").read_text(encoding="utf-8")
    table = dict(json.loads(re.search(r"new Map\((.*?)\);\n", script).group(1)))
    assert table[SUDZHA] == ["settlements/486816.html", 3, 2]
    assert sorted(table) == sorted([SUDZHA, ZAOLESHENKA, GORNAL, UNPLACED, SUMY])
    assert "No source has named this settlement in a claim." in script


def test_a_self_contained_atlas_inlines_the_links_and_redraws_what_a_new_name_changes(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data")
    out = tmp_path / "atlas"
    build_atlas(data, out, today=TODAY, images=False, self_contained=True)
    page = (out / "ru-mod" / "2025-03-15.html").read_text(encoding="utf-8")
    assert "<script src=" not in page and '<script data-root="../">' in page
    assert f'["{GORNAL}",["settlements/kmap.gornal-sudzhansky.html",1,1]]' in page
    # a ua-gs claim names Nikolayevka: ru-mod's claims did not change, but its maps inline the new table
    ua = (
        UA_CLAIMS + "ua-6,2025-05-21,ua-gs,control,Nikolayevka (Glushkovsky),UA,,,,,Says it is held.,https://e.org/6,\n"
    )
    write_dataset(data, ua=ua)
    again = build_atlas(data, out, today=TODAY, images=False, self_contained=True)
    assert not [p for p in again["reused"] if p.startswith("ru-mod/")]
    assert '["kmap:nikolayevka-b",' in (out / "ru-mod" / "2025-03-15.html").read_text(encoding="utf-8")
    # an atlas that loads settlements/pages.js keeps those maps
    build_atlas(data, tmp_path / "linked", today=TODAY, images=False)
    write_dataset(data, ua=UA_CLAIMS)
    linked = build_atlas(data, tmp_path / "linked", today=TODAY, images=False)
    assert [p for p in linked["reused"] if p.startswith("ru-mod/")] == [
        "ru-mod/2025-03-13.html",
        "ru-mod/2025-03-15.html",
        "ru-mod/2025-04-26.html",
    ]


def test_the_index_links_the_list_and_the_list_every_page(atlas: Path) -> None:
    index = (atlas / "index.html").read_text(encoding="utf-8")
    assert "<a href='settlements/index.html'>Find a settlement</a> (5 pages)" in index
    listing = (atlas / "settlements" / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<td><a href="([^"]+)">', listing)
    assert sorted(hrefs) == sorted(
        [
            "486816.html",
            "kmap.zaoleshenka-sudzhansky.html",
            "kmap.gornal-sudzhansky.html",
            "kmap.unknownpos-sudzhansky.html",
            "692194.html",
        ]
    )
    assert 'data-s="sudzha суджа sudja"' in listing  # every spelling, folded, for the filter


def _list_row(name: str, name_ru: str, claims: int) -> dict[str, object]:
    return {
        "id": name,
        "name": name,
        "name_ru": name_ru,
        "name_uk": "",
        "raion": "",
        "oblast": "Kharkiv",
        "placed": True,
        "search": name.lower(),
        "claims": claims,
        "sources": 1,
        "first": "2022-09-08",
        "last": "2022-09-10",
        "href": f"{name}.html",
    }


def test_the_lists_filter_takes_its_example_from_its_own_settlements() -> None:
    rows = [_list_row("Balakliia", "Балаклея", 3), _list_row("Izium", "Изюм", 5), _list_row("<Kupiansk>", "", 5)]
    page = render_settlement_list(rows, total=900, nav={})
    assert 'placeholder="e.g. Izium, Изюм"' in page  # the most named (the first of a tie), not another theatre's town
    hostile = render_settlement_list([_list_row('<b onmouseover="x">', "", 1)], total=1, nav={})
    assert 'placeholder="e.g. &lt;b onmouseover=&quot;x&quot;&gt;"' in hostile
    assert 'placeholder="a name"' in render_settlement_list([], total=0, nav={})


def test_the_list_has_a_column_of_ukrainian_names_only_when_some_settlement_has_one() -> None:
    rows = [_list_row("Gornal", "Горналь", 2), _list_row("Sudzha", "Суджа", 4)]
    assert ">Ukrainian</th>" not in render_settlement_list(rows, total=2, nav={})
    rows[0]["name_uk"] = "Гірналь"
    page = render_settlement_list(rows, total=2, nav={})
    assert ">Ukrainian</th>" in page
    assert page.count('lang="uk">') == 2  # a cell in every row, empty where there is no name


@pytest.mark.parametrize(
    ("country", "heading", "title"),
    [
        ("UA", '<h1>Izium <span class="km-cyr" lang="uk">Ізюм</span></h1>', "<title>Izium (Ізюм) — claim history"),
        ("RU", '<h1>Izium <span class="km-cyr" lang="ru">Изюм</span></h1>', "<title>Izium (Изюм) — claim history"),
    ],
)
def test_a_settlement_is_headed_by_its_name_in_its_own_countrys_language(
    country: str, heading: str, title: str
) -> None:
    ctx = SettlementContext(
        settlement={"id": "i", "name": "Izium", "name_ru": "Изюм", "name_uk": "Ізюм", "country": country},
        entries=[],
        sources=[],
        period=("2022-09-06", "2022-10-07"),
    )
    page = render_settlement(ctx)
    assert heading in page
    assert title in page
    assert 'Russian: <span lang="ru">Изюм</span> · Ukrainian: <span lang="uk">Ізюм</span>' in page  # both, always
