from __future__ import annotations

import pandas as pd
import pytest

from kursk_map.gazetteer import read_gazetteer
from kursk_map.names import Resolver, normalise, skeleton, spellings, transliterate

from .conftest import SETTLEMENTS


@pytest.fixture
def resolver(tmp_path) -> Resolver:
    p = tmp_path / "s.csv"
    p.write_text(SETTLEMENTS, encoding="utf-8")
    gaz, problems = read_gazetteer(p)
    assert problems == []
    return Resolver(gaz)


@pytest.mark.parametrize(
    ("cyrillic", "system", "latin"),
    [
        ("Суджа", "bgn", "Sudzha"),
        ("Суджа", "german", "Sudscha"),
        ("Суджа", "french", "Soudja"),
        ("Суджа", "iso9", "Sudža"),
        ("Глушково", "ukrainian", "Hlushkovo"),
        ("Глушково", "german", "Gluschkowo"),
        ("Ольговка", "bgn", "Olgovka"),
        ("Ельцовка", "bgn", "Yeltsovka"),
        ("Малая Локня", "bgn", "Malaya Loknya"),
        ("Щербаковка", "scholarly", "Ščerbakovka"),
        ("Новый Путь", "bgn", "Novyy Put"),
    ],
)
def test_transliterate(cyrillic: str, system: str, latin: str) -> None:
    assert transliterate(cyrillic, system) == latin


def test_transliterate_keeps_latin_and_digits() -> None:
    assert transliterate("1-ye Knyazhy") == "1-ye Knyazhy"


@pytest.mark.parametrize(
    "variants",
    [
        ["Sudzha", "Sudja", "Sudscha", "Soudja", "Суджа", "SUDZHA"],
        ["Glushkovo", "Hlushkovo", "Gluschkowo", "Глушково"],
        ["Novy Put", "Novyy Put'", "Novyi Put", "Новый Путь"],
        ["Desyatoye Oktyabrya", "Desyatoe Oktyabrya", "Desiatoie Oktiabria"],
        ["Olgovka", "Ol'govka", "Ольговка"],
    ],
)
def test_skeleton_unifies_spellings(variants: list[str]) -> None:
    assert len({skeleton(v) for v in variants}) == 1


@pytest.mark.parametrize(
    ("a", "b"), [("Sudzha", "Gornal"), ("Malaya Loknya", "Kazachya Loknya"), ("Lyubimovka", "Lebedevka")]
)
def test_skeleton_keeps_different_places_apart(a: str, b: str) -> None:
    assert skeleton(a) != skeleton(b)


def test_normalise() -> None:
    assert normalise("Сёмёновка") == normalise("Семеновка")
    assert normalise("Novy–Put") == "novy put"


def test_spellings_include_every_system() -> None:
    s = spellings("Sudzha", "Суджа")
    assert {"Sudscha", "Soudja", "Sudža", "Суджа"} <= s


@pytest.mark.parametrize("name", ["Sudzha", "Sudja", "Sudscha", "Soudja", "Суджа", "sudzha"])
def test_resolve_spellings_of_sudzha(resolver: Resolver, name: str) -> None:
    res = resolver.resolve(name)
    assert res.status == "match"
    assert res.best is not None and res.best.id == "486816"


def test_namesakes_are_ambiguous_without_context(resolver: Resolver) -> None:
    res = resolver.resolve("Nikolayevka")
    assert res.status == "ambiguous"
    assert {c.id for c in res.candidates} == {"kmap:nikolayevka-a", "kmap:nikolayevka-b"}
    assert "give the raion" in res.describe()


def test_raion_context_decides(resolver: Resolver) -> None:
    assert resolver.resolve("Nikolaevka", raion="Glushkovsky").best.id == "kmap:nikolayevka-b"


def test_nearby_point_decides(resolver: Resolver) -> None:
    res = resolver.resolve("Nikolayevka", near=(51.19, 35.27))
    assert res.status == "match" and res.best.id == "kmap:nikolayevka-a"


def test_unknown_name_suggests(resolver: Resolver) -> None:
    res = resolver.resolve("Sudzhanka")
    assert res.status == "unknown"
    assert res.candidates and res.candidates[0].name == "Sudzha"
    assert res.describe() == "unknown settlement 'Sudzhanka' — did you mean 'Sudzha' (Суджа, Sudzhansky)?"


def test_unknown_without_suggestion(resolver: Resolver) -> None:
    res = resolver.resolve("Xyzzyqwerty")
    assert res.status == "unknown" and res.candidates == ()
    assert "add it to the gazetteer" in res.describe()


def test_known_but_unplaced(resolver: Resolver) -> None:
    res = resolver.resolve("Knownvillage")
    assert res.status == "match" and res.best is not None and not res.best.placed


@pytest.mark.parametrize("bad", ["", "   ", None])
def test_empty_names_do_not_match(resolver: Resolver, bad) -> None:
    assert resolver.resolve(bad).status == "unknown"


def test_resolver_accepts_plain_frames() -> None:
    g = pd.DataFrame(
        {
            "id": ["1"],
            "name": ["Korenevo"],
            "name_ru": ["Коренево"],
            "lat": [51.4],
            "lon": [34.9],
            "method": ["geonames"],
        }
    )
    assert Resolver(g).resolve("Кореневo".replace("o", "о")).best.id == "1"


@pytest.mark.parametrize(
    ("russian", "ukrainian", "latin"),
    [
        ("Коренево", "Кореневе", "Koreneve"),
        ("Глушково", "Глушкове", "Hlushkove"),
        ("Малая Локня", "Мала Локня", "Mala Loknia"),
        ("Большое Солдатское", "Велике Солдатське", "Velyke Soldatske"),
        ("Никольское", "Нікольське", "Nikolske"),
        ("Весёлое", "Веселе", "Vesele"),
        ("Суджа", "Суджа", "Sudzha"),
    ],
)
def test_ukrainian_forms_by_rule(russian: str, ukrainian: str, latin: str) -> None:
    from kursk_map.names import ukrainian_form

    assert ukrainian_form(russian) == ukrainian
    assert transliterate(ukrainian, "ukrainian") == latin


UKRAINIAN_PRESS = """\
id,name,name_ru,name_uk,alt_names,lat,lon,country,oblast,raion,population,ref,precision_m,method
1,Korenevo,Коренево,,,51.41,34.90,RU,Kursk,Korenevsky,,https://example.org/1,1000,registry
2,Glushkovo,Глушково,,,51.34,34.63,RU,Kursk,Glushkovsky,,https://example.org/2,1000,registry
3,Malaya Loknya,Малая Локня,,,51.33,35.23,RU,Kursk,Sudzhansky,,https://example.org/3,1000,registry
4,Sudzha,Суджа,,,51.19,35.27,RU,Kursk,Sudzhansky,,https://example.org/4,1000,registry
5,Desyatoye Oktyabrya,Десятое Октября,,,51.40,35.00,RU,Kursk,Korenevsky,,https://example.org/5,1000,registry
6,2-y Knyazhiy,2-й Княжий,,,51.23,35.26,RU,Kursk,Sudzhansky,,https://example.org/6,1000,registry
"""


@pytest.mark.parametrize(
    ("written", "sid"),
    [
        ("Кореневе", "1"),
        ("Koreneve", "1"),
        ("Глушкове", "2"),
        ("Hlushkove", "2"),
        ("Мала Локня", "3"),
        ("Mala Loknia", "3"),
        ("Sudzha town", "4"),
        ("the town of Sudzha", "4"),
        ("село Суджа", "4"),
        ("10th October", "5"),
        ("October 10", "5"),
        ("10-е Октября", "5"),
        ("2nd Knyazhy", "6"),
        ("Второй Княжий", "6"),
    ],
)
def test_forms_the_press_writes_resolve(written: str, sid: str) -> None:
    from io import StringIO

    r = Resolver(pd.read_csv(StringIO(UKRAINIAN_PRESS), dtype={"id": str}, keep_default_na=False))
    res = r.resolve(written)
    assert res.status == "match" and res.best is not None and res.best.id == sid, res.describe()


def test_a_namesake_is_never_picked_for_being_the_only_one_placed() -> None:
    g = pd.DataFrame(
        {
            "id": ["k", "s"],
            "name": ["Viktorovka"] * 2,
            "name_ru": ["Викторовка"] * 2,
            "raion": ["Korenevsky", "Sudzhansky"],
            "oblast": ["Kursk"] * 2,
            "country": ["RU"] * 2,
            "lat": [float("nan"), 51.32],
            "lon": [float("nan"), 35.21],
            "method": ["unplaced", "registry"],
        }
    )
    r = Resolver(g)
    near_s = r.resolve("Viktorovka", near=(51.33, 35.22))
    assert near_s.status == "ambiguous" and {c.id for c in near_s.candidates} == {"k", "s"}
    assert r.resolve("Viktorovka", raion="Korenevsky").best.id == "k"  # the raion still decides
