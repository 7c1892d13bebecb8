"""Who claimed it and where it was reported; attacks listed beside the map, never colouring it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kursk_map import compute_state, load_dataset
from kursk_map.attribution import attribution, outlet
from kursk_map.render import render_map
from kursk_map.view import map_context

from .conftest import HEADER, RU_CLAIMS, TODAY, write_dataset


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.az/news/russia-says-its-troops-retake-10-settlements-in-kursk", "news.az"),
        ("https://www.themoscowtimes.com/2025/03/08/x", "The Moscow Times"),
        ("https://TASS.com/politics/1829441", "TASS"),
        ("https://www.uawire.org:443/x", "uawire.org"),
    ],
)
def test_outlet_is_a_known_name_or_the_host(url: str, expected: str) -> None:
    assert outlet(url) == expected


def test_attribution_keeps_claimant_and_outlet_apart() -> None:
    mod = "Russian Ministry of Defence"
    assert attribution(mod, "https://news.az/news/x", homepage="https://mil.ru/") == (
        "Russian Ministry of Defence, as reported by news.az"
    )
    # a page on the claimant's own site (here a subdomain of it) is its own publication
    assert attribution(mod, "https://function.mil.ru/news_page/x", homepage="https://mil.ru/") == (
        "Russian Ministry of Defence (own publication)"
    )
    # the claimant's own page cited as the url, with no homepage known, is recognised by primary_url
    own = "https://t.me/mod_russia/1"
    assert attribution(mod, own, primary_url=own) == "Russian Ministry of Defence (own publication)"
    assert attribution(mod, "https://tass.com/x", primary_url=own) == "Russian Ministry of Defence, as reported by TASS"


ATTACKS = (
    RU_CLAIMS
    + "ru-5,2025-03-14,ru-mod,attack,Gornal,UA,,,,,Says a Ukrainian attack towards Gornal was repelled.,"
    + "https://www.themoscowtimes.com/2025/03/14/x,\n"
)


@pytest.fixture
def with_attack(tmp_path: Path):
    return load_dataset(write_dataset(tmp_path / "data", ru=ATTACKS), today=TODAY)


def test_an_attack_is_listed_and_never_colours_the_settlement(with_attack) -> None:
    day = dt.date(2025, 3, 15)
    st = compute_state(with_attack.gazetteer, with_attack.ledger, source="ru-mod", date=day)
    gornal = st[st["name"] == "Gornal"].iloc[0]
    assert (gornal["basis"], gornal["controller"]) == ("baseline", "RU")
    assert "ru-5" not in gornal["claim_ids"]
    ctx = map_context(with_attack, "ru-mod", day)
    assert [(a["claim_id"], a["settlement"], a["controller"], a["placed"]) for a in ctx.attacks] == [
        ("ru-5", "Gornal", "UA", True)
    ]
    html = render_map(ctx).get_root().render()
    assert "Attacks and strikes near settlements, not control (1)" in html
    assert "Says a Ukrainian attack towards Gornal was repelled." in html
    # before its date it is not listed
    assert map_context(with_attack, "ru-mod", dt.date(2025, 3, 13)).attacks == []


def test_view_data_names_claimant_and_outlet(with_attack) -> None:
    ctx = map_context(with_attack, "ru-mod", dt.date(2025, 3, 15))
    assert ctx.claims["ru-5"]["attribution"] == "Russian Ministry of Defence, as reported by The Moscow Times"
    assert ctx.claims["ru-1"]["attribution"] == "Russian Ministry of Defence, as reported by example.org"
    assert ctx.claims["ru-1"]["primary_url"] == ""


def test_primary_url_reaches_the_view_data(tmp_path: Path) -> None:
    header = HEADER.strip() + ",primary_url\n"
    own = "https://mil.ru/news/1"
    ru = header + "".join(
        f"{line},{own if line.startswith('ru-1,') else ''}\n" for line in RU_CLAIMS.splitlines()[1:]
    ).replace("https://example.org/ru1", "https://tass.com/a")
    ds = load_dataset(write_dataset(tmp_path / "data", ru=ru), today=TODAY)
    rec = map_context(ds, "ru-mod", dt.date(2025, 3, 13)).claims["ru-1"]
    assert (rec["primary_url"], rec["attribution"]) == (own, "Russian Ministry of Defence, as reported by TASS")


def test_a_claim_read_off_the_sources_own_map_is_not_called_a_report(tmp_path: Path) -> None:
    from .conftest import UA_CLAIMS

    archived = "https://github.com/DanielRose2310/deepstatemaps-history/blob/abc/geojsons/1740787200.geojson"
    drawn = (
        f"ua-gs-map-20250301-486816,2025-03-01,ua-gs,control,Sudzha,UA,,,,,The map showed Sudzha held.,{archived},"
        "derived from the map\n"
    )
    ds = load_dataset(write_dataset(tmp_path / "data", ua=UA_CLAIMS + drawn), today=TODAY)
    claims = map_context(ds, "ua-gs", dt.date(2025, 3, 1)).claims
    assert claims["ua-gs-map-20250301-486816"]["attribution"] == (
        "General Staff of Ukraine: its own map, as archived on GitHub"
    )
    assert claims["ua-1"]["attribution"] == "General Staff of Ukraine, as reported by example.org"
