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
