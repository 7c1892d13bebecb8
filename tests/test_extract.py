"""kursk-map extract: reading articles, dates, places, figures, each rule, the rows and the command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from kursk_map import DataError
from kursk_map.cli import main
from kursk_map.extract import COLUMNS, Extraction, extract_files, parse_article, read_article
from kursk_map.extract.dates import dateline, find_dates, find_full_date
from kursk_map.extract.figures import find_figures
from kursk_map.extract.places import PlaceIndex, case_forms, cyrillic_guesses, decide_namesakes, ukrainian_spellings
from kursk_map.extract.reader import ArticleError
from kursk_map.extract.text import read_doc, split_sentences
from kursk_map.theatre import Claimant

from .conftest import write_dataset

pytest.importorskip("pymorphy3", reason="the extract extra is not installed: pip install 'kursk_map[extract]'")

# --- a tiny gazetteer ----------------------------------------------------------------------------

GAZ = pd.DataFrame(
    [
        ("486816", "Sudzha", "Суджа", "Суджа", "Sudja", 51.19, 35.27, "RU", "Kursk", "Sudzhansky"),
        ("z", "Zaoleshenka", "Заолешенка", "", "", 51.22, 35.24, "RU", "Kursk", "Sudzhansky"),
        ("r", "Rubanshchina", "Рубанщина", "", "", 51.21, 35.20, "RU", "Kursk", "Sudzhansky"),
        ("g", "Gornal", "Горналь", "", "", 51.07, 35.50, "RU", "Kursk", "Sudzhansky"),
        ("ml", "Malaya Loknya", "Малая Локня", "", "", 51.30, 35.10, "RU", "Kursk", "Sudzhansky"),
        ("k", "Korenevo", "Коренево", "Кореневе", "", 51.41, 34.91, "RU", "Kursk", "Korenevsky"),
        ("n1", "Nikolayevka", "Николаевка", "", "", 51.25, 35.30, "RU", "Kursk", "Sudzhansky"),
        ("n2", "Nikolayevka", "Николаевка", "", "", 51.45, 34.70, "RU", "Kursk", "Glushkovsky"),
        ("ss", "Staraya Sorochina", "", "", "", 51.26, 35.02, "RU", "Kursk", "Sudzhansky"),
        ("kursk", "Kursk", "Курск", "Курськ", "", 51.73, 36.19, "RU", "Kursk", ""),
        ("sumy", "Sumy", "Сумы", "Суми", "", 50.92, 34.80, "UA", "Sumy", "Sumskyi"),
        ("yu", "Yunakivka", "Юнаковка", "Юнаківка", "", 51.08, 35.06, "UA", "Sumy", "Sumskyi"),
        ("pk", "Pokrovsky", "Покровский", "", "", 51.20, 35.00, "RU", "Kursk", ""),
    ],
    columns=["id", "name", "name_ru", "name_uk", "alt_names", "lat", "lon", "country", "oblast", "raion"],
)
SIDES = {
    "ru-mod": "RU",
    "ua-general-staff": "UA",
    "ua-president": "UA",
    "ru-president": "RU",
    "isw": "independent",
    "deepstate": "independent",
    "reuters": "independent",
    "ru-military-bloggers": "RU",
    "kursk-authorities": "RU",
}
PUB = dt.date(2025, 3, 16)  # a Sunday


@pytest.fixture(scope="module")
def ex() -> Extraction:
    return Extraction(GAZ, sides=SIDES)


def claims(ex: Extraction, text: str, *, hint: str | None = "reuters", pub: dt.date = PUB) -> list[tuple[str, ...]]:
    rows = ex.extract_text(text, published=pub, source_hint=hint)
    return [(r["source"], r["kind"], r["settlement"], r["controller"], r["date"]) for r in rows]


# --- reading articles ----------------------------------------------------------------------------

HTML = """<!doctype html><html><head><title>Page &amp; title</title>
<meta property="article:published_time" content="2025-03-15T09:30:00+00:00">
<link rel="canonical" href="https://news.example.org/kursk-villages"></head>
<body><nav><a href="/">Home</a> Troops took Gornal</nav><header>Menu</header>
<article><h1>Russia says it retook two villages</h1>
<p>Russia&#8217;s defence ministry said on Saturday its forces had taken Zaoleshenka&nbsp;and Rubanshchina.</p>
<figure><figcaption>Fighting near Gornal</figcaption></figure><script>var s = "took Gornal";</script>
<p>The ministry gave no figures for losses, and Ukraine did not comment on the statement by evening.</p></article>
<footer>Gornal (c) 2025</footer></body></html>"""


def test_html_body_found_and_offsets_kept() -> None:
    a = parse_article(HTML, suffix=".html")
    assert a.fmt == "html"
    assert a.published == dt.date(2025, 3, 15)
    assert a.url == "https://news.example.org/kursk-villages"
    assert "Gornal" not in a.text  # navigation, caption, script and footer are not the body
    i = a.text.index("Zaoleshenka")
    assert HTML[i : i + len("Zaoleshenka")] == "Zaoleshenka"
    doc = read_doc(a.text)
    assert "Russia’s defence ministry said" in doc.text  # the entity is decoded, the word kept whole


def test_html_extraction_points_into_the_file(ex: Extraction) -> None:
    res = ex.extract_article(parse_article(HTML, suffix=".html"))
    got = {(r["source"], r["settlement"], r["controller"], r["date"]) for r in res.rows}
    assert got == {("ru-mod", "Zaoleshenka", "RU", "2025-03-15"), ("ru-mod", "Rubanshchina", "RU", "2025-03-15")}
    for r in res.rows:
        m = re.match(r"(\d+)-(\d+): \"(.*)\"$", r["evidence"])
        assert m, r["evidence"]
        start, end = int(m[1]), int(m[2])
        assert r["settlement"] in HTML[start:end]
        assert r["url"] == "https://news.example.org/kursk-villages"


def test_markdown_front_matter_and_links() -> None:
    md = "---\ntitle: X\ndate: 2025-05-21\nurl: https://example.org/md\n---\n# Title\n\nSee [DeepState](https://x.y/z).\n"
    a = parse_article(md, suffix=".md")
    assert (a.fmt, a.published, a.url) == ("markdown", dt.date(2025, 5, 21), "https://example.org/md")
    assert "https://x.y/z" not in a.text
    assert a.text.index("DeepState") == md.index("DeepState")


@pytest.mark.parametrize(
    ("head", "expect"),
    [
        ("Ukrainian forces advance\n\nFri 7th Feb, 2025\n\nBody text.", dt.date(2025, 2, 7)),
        ("Опубликовано: 16 марта 2025\n\nТекст.", dt.date(2025, 3, 16)),
        ("16 березня 2025 р.\n\nТекст статті.", dt.date(2025, 3, 16)),
        ("On Aug. 13, 2024 Ukrainian troops crossed into the Kursk region near Sudzha.", None),
    ],
)
def test_dateline(head: str, expect: dt.date | None) -> None:
    assert dateline(head)[0] == expect


def test_unreadable_articles_are_refused_with_a_message(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="file not found; check the path"):
        read_article(tmp_path / "missing.html")
    with pytest.raises(ArticleError, match="is a folder"):
        read_article(tmp_path)
    binary = tmp_path / "x.pdf"
    binary.write_bytes(b"%PDF\x00\x01\x02")
    with pytest.raises(ArticleError, match="a binary file, not text"):
        read_article(binary)


def test_windows_1251_text_is_read(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes("Минобороны сообщило об освобождении Заолешенки.".encode("cp1251"))
    assert "Заолешенки" in read_article(p).text


# --- sentences and dates -------------------------------------------------------------------------


def test_sentences_keep_abbreviations_and_mark_headlines() -> None:
    got = [(s.text, s.headline) for s in split_sentences("Kursk Update\n\nU.S. officials said so. Gen. Smith agreed.")]
    assert got == [("Kursk Update", True), ("U.S. officials said so.", False), ("Gen. Smith agreed.", False)]


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("said on Saturday", dt.date(2025, 3, 15)),
        ("said Sunday", dt.date(2025, 3, 16)),
        ("yesterday", dt.date(2025, 3, 15)),
        ("сообщило в субботу", dt.date(2025, 3, 15)),
        ("заявили вчера", dt.date(2025, 3, 15)),
        ("повідомили у суботу", dt.date(2025, 3, 15)),
        ("в п'ятницю", dt.date(2025, 3, 14)),
        ("on March 13", dt.date(2025, 3, 13)),
        ("13 марта", dt.date(2025, 3, 13)),
        ("13 березня 2024 року", dt.date(2024, 3, 13)),
        ("on December 30", dt.date(2024, 12, 30)),
        ("last Sunday", dt.date(2025, 3, 9)),
    ],
)
def test_relative_dates_resolve_against_the_publication_date(text: str, expect: dt.date) -> None:
    d = find_dates(text, PUB)
    assert d[0].date == expect
    assert d[0].how  # the note says how


def test_relative_date_without_publication_date_says_so() -> None:
    d = find_dates("said on Saturday", None)[0]
    assert d.date is None
    assert "give --published" in d.how


def test_full_date_in_three_languages() -> None:
    assert find_full_date("May 21, 2025")[0] == dt.date(2025, 5, 21)  # type: ignore[index]
    assert find_full_date("21 мая 2025 года")[0] == dt.date(2025, 5, 21)  # type: ignore[index]
    assert find_full_date("21.05.2025")[0] == dt.date(2025, 5, 21)  # type: ignore[index]


# --- places --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("Суджа", {"суджи", "судже", "суджу", "суджей", "суджі", "суджею"}),
        ("Малая Локня", {"малой локни", "малую локню"}),
        ("Кореневе", {"кореневого", "кореневому"}),
        ("Коренево", {"коренева", "кореневе"}),
        ("Горналь", {"горналя", "горнале"}),
    ],
)
def test_case_forms(name: str, forms: set[str]) -> None:
    assert forms <= case_forms(name)


def test_ukrainian_spellings_and_cyrillic_guesses() -> None:
    assert ukrainian_spellings("Малая Локня") == {"Мала Локня"}
    assert "Гончарівка" in ukrainian_spellings("Гончаровка")
    assert cyrillic_guesses("Staraya Sorochina") == {"Старая Сорочина"}
    assert cyrillic_guesses("Sudzha (old)") == set()


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("Бои под Суджей", [("Суджей", "settlement", ("486816",))]),
        (
            "Бої біля Суджі та у Кореневому",
            [("Суджі", "settlement", ("486816",)), ("Кореневому", "settlement", ("k",))],
        ),
        ("fighting near Sudscha", [("Sudscha", "settlement", ("486816",))]),
        ("у Малої Локні", [("Малої Локні", "settlement", ("ml",))]),
        ("у Старой Сорочины", [("Старой Сорочины", "settlement", ("ss",))]),
        ("the Sudzha district", [("Sudzha district", "raion", ())]),
        ("fighting in Kursk", [("Kursk", "oblast", ())]),
        ("в Курской области", [("Курской области", "oblast", ())]),
        ("на Сумщині", [("Сумщині", "oblast", ())]),
    ],
)
def test_places_as_the_press_writes_them(text: str, expect: list[tuple[str, str, tuple[str, ...]]]) -> None:
    idx = PlaceIndex(GAZ)
    assert [(m.written, m.kind, m.ids) for m in idx.find(text)] == expect


def test_typos_are_read_but_a_longer_word_is_another_place(ex: Extraction) -> None:
    got = [(m.written, m.ids, m.how) for m in ex.index.find("The army took Sudzhaa and Pokrovsk.")]
    assert got == [("Sudzhaa", ("486816",), "typo")]


def test_namesakes_decided_by_the_other_places() -> None:
    idx = PlaceIndex(GAZ)
    near_sudzha = decide_namesakes(idx.find("Troops took Nikolayevka, close to Sudzha."), idx.places)
    assert near_sudzha[0].ids == ("n1",)
    alone = decide_namesakes(idx.find("Troops took Nikolayevka."), idx.places)
    assert alone[0].ids == ("n1", "n2")


# --- figures -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("about 110 square km (42 square miles)", [(110.0, "km2")]),
        ("310 square miles", [(802.9, "km2")]),
        ("74 settlements", [(74.0, "settlements")]),
        ("1,000 square kilometres", [(1000.0, "km2")]),
        ("1,1 тыс. кв. км", [(1100.0, "km2")]),
        ("понад 1000 квадратних кілометрів", [(1000.0, "km2")]),
        ("28 населённых пунктов", [(28.0, "settlements")]),
        ("one to two kilometres", [(2.0, "km")]),
        ("45-50 villages", [(45.0, "settlements")]),
        ("63,402 troops", []),
    ],
)
def test_figures(text: str, expect: list[tuple[float, str]]) -> None:
    assert [(f.value, f.unit) for f in find_figures(text)] == expect


# --- rules: who claims what ----------------------------------------------------------------------

RU, UA, C = "RU", "UA", "contested"


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Russia's defence ministry said on Saturday its forces had taken Zaoleshenka and Rubanshchina.",
            [
                ("ru-mod", "control", "Zaoleshenka", RU, "2025-03-15"),
                ("ru-mod", "control", "Rubanshchina", RU, "2025-03-15"),
            ],
        ),
        (
            "Минобороны России в субботу сообщило об освобождении Заолешенки и Рубанщины.",
            [
                ("ru-mod", "control", "Zaoleshenka", RU, "2025-03-15"),
                ("ru-mod", "control", "Rubanshchina", RU, "2025-03-15"),
            ],
        ),
        (
            "У суботу Міноборони Росії заявило про захоплення Заолешенки та Рубанщини.",
            [
                ("ru-mod", "control", "Zaoleshenka", RU, "2025-03-15"),
                ("ru-mod", "control", "Rubanshchina", RU, "2025-03-15"),
            ],
        ),
    ],
    ids=["en", "ru", "uk"],
)
def test_control_claim_and_its_date(ex: Extraction, text: str, expect: list[tuple[str, ...]]) -> None:
    assert claims(ex, text) == expect


@pytest.mark.parametrize(
    "text",
    [
        "Zaoleshenka, Rubanshchina and Gornal were liberated, the Russian defence ministry said.",
        "Минобороны России сообщило, что освобождены Заолешенка, Рубанщина и Горналь.",
        "Міноборони Росії заявило, що звільнено Заолешенку, Рубанщину та Горналь.",
    ],
    ids=["en", "ru", "uk"],
)
def test_a_list_of_places_gives_one_claim_each(ex: Extraction, text: str) -> None:
    got = {c[2] for c in claims(ex, text)}
    assert got == {"Zaoleshenka", "Rubanshchina", "Gornal"}


@pytest.mark.parametrize(
    "text",
    [
        "The Russian defence ministry said its troops took Zaoleshenka, north of Sudzha.",
        "Минобороны России сообщило, что войска заняли Заолешенку севернее Суджи.",
        "Міноборони Росії повідомило, що війська захопили Заолешенку поблизу Суджі.",
    ],
    ids=["en", "ru", "uk"],
)
def test_a_landmark_is_not_taken(ex: Extraction, text: str) -> None:
    assert [c[2] for c in claims(ex, text)] == ["Zaoleshenka"]


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Ukraine's General Staff said Ukrainian troops withdrew from Gornal.",
            ("ua-general-staff", "control", "Gornal", RU),
        ),
        (
            "Генштаб ВСУ сообщил, что украинские подразделения отошли из Горналя.",
            ("ua-general-staff", "control", "Gornal", RU),
        ),
        (
            "Генштаб ЗСУ повідомив, що українські підрозділи вийшли з Горналя.",
            ("ua-general-staff", "control", "Gornal", RU),
        ),
        (
            "The Kremlin said Russian troops drove Ukrainian forces out of Sudzha.",
            ("ru-president", "control", "Sudzha", RU),
        ),
        ("ISW assessed that Gornal was retaken.", ("isw", "control", "Gornal", RU)),
        # Ukrainian present plural ends in "-ть": "контролюють" is no infinitive (a task), it is a claim
        ("Зеленський заявив, що ЗСУ контролюють Суджу.", ("ua-president", "control", "Sudzha", UA)),
        # freed "from" a side: that side lost it (not the place's own country by default)
        (
            "Сирський повідомив про звільнення Суджі від російських військ.",
            ("ua-general-staff", "control", "Sudzha", UA),
        ),
        (
            "Syrskyi said Sudzha had been fully cleared of Russian troops.",
            ("ua-general-staff", "control", "Sudzha", UA),
        ),
    ],
    ids=[
        "lose-en",
        "lose-ru",
        "lose-uk",
        "expel",
        "retake-no-actor",
        "hold-uk-present-plural",
        "freed-from-uk",
        "cleared-of-en",
    ],
)
def test_controller_follows_the_verb(ex: Extraction, text: str, expect: tuple[str, ...]) -> None:
    assert [c[:4] for c in claims(ex, text)] == [expect]


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("DeepState said Ukrainian forces still hold positions in Gornal.", ("deepstate", "presence", "Gornal", C)),
        ("По данным DeepState, ВСУ удерживают лишь часть Горналя.", ("deepstate", "presence", "Gornal", C)),
        ("За даними DeepState, тривають бої біля Горналя.", ("deepstate", "presence", "Gornal", C)),
        ("По данным DeepState, российские войска удерживают центр Горналя.", ("deepstate", "presence", "Gornal", C)),
        ("По данным DeepState, ВСУ почти полностью покинули Горналь.", ("deepstate", "presence", "Gornal", C)),
    ],
    ids=["en", "ru", "uk", "centre-ru", "almost-left-ru"],
)
def test_presence(ex: Extraction, text: str, expect: tuple[str, ...]) -> None:
    assert [c[:4] for c in claims(ex, text)] == [expect]


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "The Russian defence ministry said it repelled a Ukrainian attack towards Gornal.",
            ("ru-mod", "attack", "Gornal", UA),
        ),
        ("Минобороны сообщило, что отражены атаки ВСУ в направлении Горналя.", ("ru-mod", "attack", "Gornal", UA)),
        (
            "Генштаб ЗСУ повідомив, що росіяни намагалися прорватися до Юнаківки.",
            ("ua-general-staff", "attack", "Yunakivka", RU),
        ),
        (
            "The Russian defence ministry said its forces struck Ukrainian units near Gornal.",
            ("ru-mod", "attack", "Gornal", RU),
        ),
        (
            "Russian troops attacked Ukrainian positions near Gornal, Ukraine's General Staff said.",
            ("ua-general-staff", "attack", "Gornal", RU),
        ),
        (
            "Противник атакував позиції наших військ біля Горналя, повідомив Генштаб ЗСУ.",
            ("ua-general-staff", "attack", "Gornal", RU),
        ),
        ("ВСУ атаковали позиции у Горналя, сообщило Минобороны.", ("ru-mod", "attack", "Gornal", UA)),
        (
            "Атаки противника на позиции наших войск у Горналя отражены, сообщило Минобороны.",
            ("ru-mod", "attack", "Gornal", UA),
        ),
        (
            "The Russian defence ministry claims to have repelled a Ukrainian attack near Gornal.",
            ("ru-mod", "attack", "Gornal", UA),
        ),
        (
            "Ukrainian troops advanced towards Gornal, according to Russian military bloggers.",
            ("ru-military-bloggers", "attack", "Gornal", UA),
        ),
    ],
    ids=[
        "repel-en",
        "repel-ru",
        "attempt-uk",
        "strike-en",
        "positions-en",
        "our-positions-uk",
        "positions-ru",
        "enemy-ru",
        "claims-to-have-is-its-own",
        "military-bloggers-are-not-the-ministry",
    ],
)
def test_attack_names_the_side_that_attacked(ex: Extraction, text: str, expect: tuple[str, ...]) -> None:
    assert [c[:4] for c in claims(ex, text)] == [expect]


@pytest.mark.parametrize(
    "text",
    [
        "ISW assessed that Ukrainian forces advanced up to 5 km south-east of Sudzha.",
        "По оценке ISW, украинские войска продвинулись на 5 км юго-восточнее Суджи.",
        "За оцінкою ISW, українські сили просунулися на 5 кілометрів на південний схід від Суджі.",
        "По оценке ISW, украинские войска продвинулись на 5 км к юго-востоку от Суджи.",
    ],
    ids=["en", "ru", "uk", "ru-k-dative"],
)
def test_relative_advance(ex: Extraction, text: str) -> None:
    rows = ex.extract_text(text, published=PUB)
    assert [(r["kind"], r["settlement"], r["controller"], r["value"], r["unit"], r["bearing_deg"]) for r in rows] == [
        ("relative", "Sudzha", UA, "5", "km", "135")
    ]


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Zelensky said Ukrainian forces controlled 1,000 square kilometres and 74 settlements in the Kursk region.",
            [("area", UA, "1000", "km2"), ("count", UA, "74", "settlements")],
        ),
        (
            "Герасимов доложил, что освобождено более 1100 квадратных километров территории Курской области.",
            [("region", "", "1100", "km2")],
        ),
        ("Сирський заявив, що ЗСУ контролюють 310 квадратних миль Курської області.", [("area", UA, "802.9", "km2")]),
    ],
    ids=["holdings-en", "gain-ru", "sq-mi-uk"],
)
def test_figures_held_and_gained(ex: Extraction, text: str, expect: list[tuple[str, ...]]) -> None:
    rows = ex.extract_text(text, published=PUB)
    assert [(r["kind"], r["controller"], r["value"], r["unit"]) for r in rows] == expect
    assert all(r["settlement"] == "Kursk Oblast" for r in rows)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Gerasimov reported that the Kursk region had been completely liberated.",
            ("ru-mod", "region", "Kursk Oblast", RU),
        ),
        ("Герасимов доложил о полном освобождении Курской области.", ("ru-mod", "region", "Kursk Oblast", RU)),
        ("Сирський заявив, що бої на Курщині тривають.", ("ua-general-staff", "region", "Kursk Oblast", "")),
        (
            "Зеленський заявив, що українські військові утримують позиції на Курщині.",
            ("ua-president", "region", "Kursk Oblast", ""),
        ),
    ],
    ids=["en", "ru", "uk", "positions-uk"],
)
def test_region_claims(ex: Extraction, text: str, expect: tuple[str, ...]) -> None:
    assert [c[:4] for c in claims(ex, text)] == [expect]


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "Ukraine's General Staff dismissed Russian claims that fighting in the Kursk region was over.",
            ("ua-general-staff", "denial", "Kursk Oblast", ""),
        ),
        (
            "Зеленский заявил, что украинские военные в Курской области не находятся в окружении.",
            ("ua-president", "region", "Kursk Oblast", ""),
        ),
        (
            "Генштаб ЗСУ спростував заяви росіян про нібито захоплення Горналя.",
            ("ua-general-staff", "denial", "Gornal", ""),
        ),
        (
            "Ukraine's General Staff rejected Russia's claim to have retaken Gornal.",
            ("ua-general-staff", "denial", "Gornal", ""),
        ),
        (
            "The General Staff in Kyiv rejected Moscow's claim to have retaken Gornal.",
            ("ua-general-staff", "denial", "Gornal", ""),
        ),
    ],
    ids=["en", "ru-not-encircled-is-a-statement", "uk", "claim-to-have", "object-after-the-denial"],
)
def test_denials_are_not_control_claims_and_not_encircled_is_a_statement(
    ex: Extraction, text: str, expect: tuple[str, ...]
) -> None:
    assert [c[:4] for c in claims(ex, text)] == [expect]


# --- rules: who is the claimant ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("According to DeepState, Russian forces took Gornal.", "deepstate"),
        ("Russian forces took Gornal, Russia's defence ministry said.", "ru-mod"),
        ("Russian forces took Gornal.", "reuters"),
        ("Russia's defence ministry gave an update. It said Russian forces had also taken Gornal.", "ru-mod"),
        ("Украинские войска заняли Горналь, сообщает проект DeepState.", "deepstate"),
    ],
    ids=["according-to", "trailing", "outlet", "pointer", "ru-trailing"],
)
def test_claimant_not_outlet(ex: Extraction, text: str, source: str) -> None:
    assert [c[0] for c in claims(ex, text)] == [source]


@pytest.mark.parametrize(
    "text",
    [
        "A Russian soldier said the fighting near Gornal was over and Russian troops took it.",
        "По словам украинского аналитика, ВСУ заняли Горналь.",
        "За словами місцевого мешканця, росіяни захопили Горналь.",
    ],
    ids=["en", "ru", "uk"],
)
def test_someone_outside_the_sources_is_not_the_outlet(ex: Extraction, text: str) -> None:
    assert claims(ex, text) == []


def test_a_named_newcomer_is_proposed_as_a_new_source(ex: Extraction) -> None:
    rows = ex.extract_text("Mykola Hrytsenko said Russian forces took Gornal.", published=PUB, source_hint="reuters")
    assert [(r["source"], r["settlement"], r["controller"]) for r in rows] == [("mykola-hrytsenko", "Gornal", "RU")]
    assert "new source slug 'mykola-hrytsenko': add it to sources.csv" in rows[0]["note"]


def test_a_known_claimant_missing_from_the_folders_sources_is_flagged(ex: Extraction) -> None:
    """The lexicon knows the bundled ledger's claimants; another theatre's folder lacks some (its governor is not Kursk's)."""
    text = "The governor said on Saturday that Russian forces took Gornal."
    known = ex.extract_text(text, published=PUB)
    assert [r["source"] for r in known] == ["kursk-authorities"] and "new source slug" not in known[0]["note"]
    other = Extraction(GAZ, sides={k: v for k, v in SIDES.items() if k != "kursk-authorities"})
    rows = other.extract_text(text, published=PUB)
    assert [r["source"] for r in rows] == ["kursk-authorities"]
    assert "new source slug 'kursk-authorities': add it to sources.csv or pick a known one" in rows[0]["note"]


#: A theatre's own claimant (theatre.toml [claimants.<slug>]): another oblast's governor.
GOVERNOR = Claimant(
    "ua-kharkiv-authorities",
    "UA",
    "the Kharkiv Oblast military administration",
    "person",
    (r"(?:governor\s+)?(?:oleh\s+)?syniehubov", r"синєгубов\w*"),
    ("kursk-authorities",),
)


def test_a_theatre_claimant_replaces_the_lexicons_and_the_governor_then_means_it() -> None:
    theirs = Extraction(GAZ, sides={**SIDES, "ua-kharkiv-authorities": "UA"}, claimants=[GOVERNOR])
    text = (
        "Governor Oleh Syniehubov said on Saturday that Ukrainian forces retook Gornal. "
        "The governor added that Russian forces took Sudzha."
    )
    rows = theirs.extract_text(text, published=PUB)
    assert [(r["source"], r["settlement"], r["controller"]) for r in rows] == [
        ("ua-kharkiv-authorities", "Gornal", "UA"),
        ("ua-kharkiv-authorities", "Sudzha", "RU"),
    ]
    assert not any("new source slug" in r["note"] for r in rows)
    assert "(= the Kharkiv Oblast military administration, named before)" in rows[1]["note"]
    # The replaced claimant is gone: a bare "governor" is nobody's (no row without a hint), Khinshtein no claimant.
    ours = Extraction(GAZ, sides=SIDES)  # without it, the lexicon's claimant as before
    assert [r["source"] for r in ours.extract_text(text, published=PUB)][1:] == ["kursk-authorities"]
    for bare in (
        "The governor said on Saturday that Russian forces took Gornal.",
        "Khinshtein said Russian forces took Gornal.",
    ):
        assert theirs.extract_text(bare, published=PUB) == [], bare
        assert [r["source"] for r in ours.extract_text(bare, published=PUB)] == ["kursk-authorities"], bare


def test_a_theatre_claimant_replacing_no_known_claimant_is_a_data_error(tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data")
    (data / "theatre.toml").write_text(
        'name = "X"\nbbox = [34.0, 50.5, 36.5, 52.0]\n'
        '[claimants.ua-x]\nside = "UA"\npatterns = ["x"]\nreplaces = ["kursk-governor"]\n',
        encoding="utf-8",
    )
    article = tmp_path / "a.txt"
    article.write_text("Russian forces took Gornal.", encoding="utf-8")
    with pytest.raises(DataError, match=r"claimants\.ua-x\.replaces: 'kursk-governor' is no claimant of the lexicon"):
        extract_files([str(article)], data=data)


def test_unknown_source_hint_is_flagged(ex: Extraction) -> None:
    rows = ex.extract_text("Russian forces took Gornal.", published=PUB, source_hint="new-outlet")
    assert rows[0]["source"] == "new-outlet"
    assert "new source slug 'new-outlet': add it to sources.csv" in rows[0]["note"]


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (  # the speaker after its verb, past a day and a title
            "Суджа освобождена, заявил в субботу пресс-секретарь президента Дмитрий Песков.",
            [("ru-president", "control", "Sudzha", RU, "2025-03-15")],
        ),
        (  # "told Putin": Putin listens, Gerasimov speaks
            "Gerasimov told Putin on Saturday that Gornal had been liberated.",
            [("ru-mod", "control", "Gornal", RU, "2025-03-15")],
        ),
        (  # "did not comment ... but said": the sentence's subject
            "Ukraine's General Staff did not comment on Gornal but said its forces had fought off attacks near Sudzha.",
            [("ua-general-staff", "attack", "Sudzha", RU, "2025-03-16")],
        ),
        (  # a pronoun after the verb: the person named before
            "Зеленський відвідав Сумщину. «Ми утримуємо позиції біля Горналя», — сказав він.",
            [("ua-president", "presence", "Gornal", C, "2025-03-16")],
        ),
        (  # the day the same claimant spoke on, named in a sentence before
            "On Saturday, the Russian defence ministry said it took Gornal. According to the ministry, "
            "fighting continues near Sudzha.",
            [("ru-mod", "control", "Gornal", RU, "2025-03-15"), ("ru-mod", "presence", "Sudzha", C, "2025-03-15")],
        ),
        (  # a paragraph closed by its source, as wire copy does
            "Подразделения нанесли поражение ВСУ в районе Горналя. Потери противника составили до 100 "
            "военнослужащих, сообщили в Минобороны РФ.",
            [("ru-mod", "attack", "Gornal", RU, "2025-03-16")],
        ),
    ],
    ids=["after-verb", "told", "but-said", "pronoun-after", "speaker-day", "paragraph-close"],
)
def test_attribution_in_news_style(ex: Extraction, text: str, expect: list[tuple[str, ...]]) -> None:
    assert claims(ex, text) == expect


@pytest.mark.parametrize(
    "text",
    [
        "Russia's defence ministry has not said whether its forces retook Gornal.",
        "Российские войска зашли в Суджу, рассказал журналистам военный.",
        "A Ukrainian military source said Russian troops were still fighting near Gornal.",
        "Путин поставил задачу полностью освободить Суджу.",
        "Войска «освободили» Горналь.",
        "Military analysts expect Russia to try to retake Sudzha, and a push towards Gornal could follow.",
        "Putin thanked North Korean soldiers for taking part in the fighting near Sudzha.",
    ],
    ids=["negated-speech", "soldier", "military-source", "task", "outlet-scare-quotes", "forecast", "participation"],
)
def test_traps_in_news_style(ex: Extraction, text: str) -> None:
    assert claims(ex, text) == []


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (  # a claimant's scare-quoted word is still its claim
            "Минобороны России заявило об «освобождении» Горналя.",
            [("ru-mod", "control", "Gornal", RU, "2025-03-16")],
        ),
        (  # "the town" is the one settlement named before
            "Reporters travelled to Sudzha on Friday. Ukraine's forces control the town, the General Staff said.",
            [("ua-general-staff", "control", "Sudzha", UA, "2025-03-16")],
        ),
        (  # a relative pronoun stands for the place before it
            "Zelensky said Ukrainian forces had set up a command post in Sudzha, which they captured last week.",
            [("ua-president", "control", "Sudzha", UA, "2025-03-16")],
        ),
        (  # a denial and "we still hold it": one denial, its controller the holder (coding rule 22)
            "Ukraine's General Staff dismissed Russian claims that Gornal had fallen, saying Ukrainian troops "
            "still hold Gornal.",
            [("ua-general-staff", "denial", "Gornal", UA, "2025-03-16")],
        ),
        (  # coding rule 21: not confirmed is a region statement
            "ISW has not observed confirmation of Russian claims that Russian forces seized Gornal.",
            [("isw", "region", "Kursk Oblast", "", "2025-03-16")],
        ),
        (  # a place named for the figure of the sentence before
            "Russian forces recaptured three more villages, the defence ministry said. The ministry named them as "
            "Zaoleshenka, Rubanshchina and Gornal.",
            [
                ("ru-mod", "control", "Zaoleshenka", RU, "2025-03-16"),
                ("ru-mod", "control", "Rubanshchina", RU, "2025-03-16"),
                ("ru-mod", "control", "Gornal", RU, "2025-03-16"),
            ],
        ),
        (  # "no longer" held is lost
            "Генштаб ВСУ опубликовал карту, на которой Суджа уже не отмечена как подконтрольная украинской армии.",
            [("ua-general-staff", "control", "Sudzha", RU, "2025-03-16")],
        ),
        (  # "advanced west of X and into Y": an attack near X, presence in Y
            "ISW said Russian forces advanced west of Gornal and into the southern part of Sudzha.",
            [("isw", "attack", "Gornal", RU, "2025-03-16"), ("isw", "presence", "Sudzha", C, "2025-03-16")],
        ),
        (  # "advanced to X's outskirts": on its outskirts (coding rule 8)
            "Russian troops have advanced to Sudzha's eastern outskirts, Rybar said.",
            [("ru-military-bloggers", "presence", "Sudzha", C, "2025-03-16")],
        ),
        (  # strikes on positions in a place: an attack by the side that struck (rule 13), not presence
            "Russian aviation carried out strikes on Ukrainian positions in Sudzha, the defence ministry said.",
            [("ru-mod", "attack", "Sudzha", RU, "2025-03-16")],
        ),
        (  # a facility named after a town is not the town
            "Russian troops seized the Sudzha border crossing and were pressing towards Gornal, Rybar said.",
            [("ru-military-bloggers", "attack", "Gornal", RU, "2025-03-16")],
        ),
    ],
    ids=[
        "scare-quotes",
        "the-town",
        "which",
        "denial-holds",
        "not-confirmed",
        "named-list",
        "no-longer",
        "and-into",
        "outskirts",
        "strikes-on",
        "facility",
    ],
)
def test_claims_in_news_style(ex: Extraction, text: str, expect: list[tuple[str, ...]]) -> None:
    assert claims(ex, text) == expect


def test_figures_of_a_peak_and_a_range(ex: Extraction) -> None:
    text = (
        "Ukraine's military holds between 450 and 500 square kilometres of Kursk Oblast, down from a peak of "
        "about 1,300, the General Staff said."
    )
    rows = ex.extract_text(text, published=PUB)
    assert [(r["kind"], r["controller"], r["value"], r["unit"]) for r in rows] == [
        ("area", UA, "450", "km2"),
        ("region", "", "1300", "km2"),
    ]


def test_sources_csv_names_are_claimants() -> None:
    ex2 = Extraction(GAZ, sides={**SIDES, "abc-news": "independent"}, names={"abc-news": "ABC News (own reporting)"})
    rows = ex2.extract_text("Russian forces took Gornal, ABC News reported.", published=PUB, source_hint="reuters")
    assert [(r["source"], r["settlement"]) for r in rows] == [("abc-news", "Gornal")]


def test_no_word_pattern_matches_nothing() -> None:
    """A pattern that matches the empty string would find a trigger everywhere (an alternation left open)."""
    from kursk_map.extract import lexicon

    tables = [p for _, p in lexicon.TRIGGERS] + [p for _, p in lexicon.SIDES]
    tables += [p for name in dir(lexicon) for p in _strings(getattr(lexicon, name))]
    assert [p[:60] for p in tables if re.compile(p).match("")] == []


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, tuple) else []


@pytest.mark.parametrize(
    "pattern",
    [r"(?<![\w-])(?:took|seized?)\s+\w+", r"(?:минобороны|генштаб\w*)\s+\w+", r"(?P<x>зсу|всу)\b"],
)
def test_fast_patterns_find_what_ignorecase_finds(pattern: str) -> None:
    from kursk_map.extract._fast import Fast

    text = "Troops TOOK Sudzha; Минобороны РФ сообщило, ГЕНШТАБ ВСУ заявил; ЗСУ Seized Gornal. Took it."
    rx = re.compile(pattern, re.IGNORECASE)
    assert [m.span() for m in Fast(rx).finditer(text)] == [m.span() for m in rx.finditer(text)]
    assert Fast(rx).low is not None  # the fast path was taken


# --- rules: traps --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Sudzha lies about ten kilometres from the border with Sumy region.",
        "Russia aims to retake Gornal before the spring.",
        "Если ВСУ потеряют Суджу, снабжение станет невозможным.",
        "Ворог планує відбити Суджу до весни.",
        "The Ukrainian General Staff said Russian forces had not taken Gornal.",
        "Войска так и не смогли взять Горналь.",
        "Ukraine first crossed into the region in August 2024, seizing Sudzha within days.",
        "У серпні 2024 року ЗСУ захопили Суджу.",
        "Kyiv says Russian claims that its troops captured Gornal are false.",
        "Если ВСУ не отступят из Суджи, им грозит окружение, считают военные эксперты.",
        "Генштаб поставив завдання звільнити Суджу.",
    ],
    ids=[
        "geography",
        "plan-en",
        "condition-ru",
        "plan-uk",
        "negation-en",
        "negation-ru",
        "background-en",
        "background-uk",
        "quoting-other-side",
        "threat-and-experts-ru",
        "task-uk-infinitive",
    ],
)
def test_traps_give_no_control_claim(ex: Extraction, text: str) -> None:
    got = claims(ex, text, pub=dt.date(2025, 3, 20))
    assert not [c for c in got if c[1] in ("control", "region", "area", "count")]


@pytest.mark.parametrize(
    "text",
    [
        "Если ВСУ не отступят из Суджи, им грозит окружение, считают военные эксперты.",
        "Якщо ЗСУ не вийдуть із Суджі, їм загрожує оточення, вважають експерти.",
    ],
    ids=["ru", "uk"],
)
def test_a_threat_seen_by_experts_gives_nothing(ex: Extraction, text: str) -> None:
    assert claims(ex, text, hint="tass") == []


def test_quoted_claim_is_a_denial_by_the_speaker(ex: Extraction) -> None:
    got = claims(ex, "Kyiv says Russian claims that its troops captured Gornal are false.", pub=PUB)
    assert got == [("ua-general-staff", "denial", "Gornal", "", "2025-03-16")]


def test_headlines_give_nothing(ex: Extraction) -> None:
    assert claims(ex, "Russia Says It Took Gornal\n\nThe weather was cold.") == []


# --- rows ----------------------------------------------------------------------------------------


def test_rows_have_the_ledger_columns_and_review_columns(ex: Extraction) -> None:
    text = "Russia's defence ministry said on Saturday its forces had taken Zaoleshenka, Rubanshchina and Gornal."
    rows = ex.extract_text(text, published=PUB, url="https://example.org/a")
    assert rows
    assert all(list(r) == list(COLUMNS) for r in rows)
    assert len({r["claim_id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["status"] == "proposed"
        assert 0 < float(r["confidence"]) <= 1
        quote = r["evidence"].split(": ", 1)[1].strip('"')
        assert len(quote.replace(" … ", " ").split()) <= 12
        assert r["url"] == "https://example.org/a"
        assert "on Saturday" in r["note"]  # the note says how the date was found


def test_summary_is_template_wording_never_the_article(ex: Extraction) -> None:
    text = (
        "On Saturday Moscow's defence ministry announced that Zaoleshenka and Rubanshchina, two villages "
        "close to Sudzha, were now under the control of its troops."
    )
    words = text.lower().split()
    runs = {" ".join(words[i : i + 5]) for i in range(len(words) - 4)}
    rows = ex.extract_text(text, published=PUB)
    assert [r["settlement"] for r in rows] == ["Zaoleshenka", "Rubanshchina"]
    for r in rows:
        s = r["summary"].lower().split()
        assert not any(" ".join(s[i : i + 5]) in runs for i in range(len(s) - 4)), r["summary"]


def test_namesake_left_undecided_is_noted(ex: Extraction) -> None:
    rows = ex.extract_text("Russia's defence ministry said its forces took Nikolayevka.", published=PUB)
    assert rows[0]["settlement"] == "Nikolayevka"
    assert "namesakes, not decided by the article's other places" in rows[0]["note"]


def test_missing_morphology_gives_an_install_hint(monkeypatch) -> None:
    import sys

    from kursk_map.extract import morph

    morph.analysers.cache_clear()
    monkeypatch.setitem(sys.modules, "pymorphy3", None)  # as if the extra were not installed
    try:
        with pytest.raises(morph.MissingExtraError, match=r"pip install 'kursk_map\[extract\]'"):
            Extraction(GAZ)
    finally:
        morph.analysers.cache_clear()


# --- the command, and validate on reviewed rows ---------------------------------------------------


ARTICLE = "Russia's defence ministry said on Saturday that its forces had taken Zaoleshenka.\n"


def test_cli_extract_writes_proposals_and_refuses_foreign_files(data_dir: Path, tmp_path: Path, capsys) -> None:
    art = tmp_path / "a.txt"
    art.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "proposals.csv"
    args = ["extract", "--data", str(data_dir), str(art), "--published", "2025-03-16", "--url", "https://example.org/a"]
    assert main([*args, "--out", str(out)]) == 0
    assert "wrote 1 proposed claim(s) from 1 article(s)" in capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["source"], r["settlement"], r["controller"], r["date"]) for r in rows] == [
        ("ru-mod", "Zaoleshenka", "RU", "2025-03-15")
    ]
    assert main([*args, "--out", str(out)]) == 0  # its own file may be replaced
    foreign = tmp_path / "notes.csv"
    foreign.write_text("my,own\n1,2\n", encoding="utf-8")
    assert main([*args, "--out", str(foreign)]) == 2  # a refused output path (README: exit status)
    assert "was not written by kursk-map extract; refusing to replace it" in capsys.readouterr().err
    assert foreign.read_text(encoding="utf-8") == "my,own\n1,2\n"


def test_cli_extract_reports_skipped_files_and_bad_hint(data_dir: Path, tmp_path: Path, capsys) -> None:
    art = tmp_path / "a.txt"
    art.write_text(ARTICLE, encoding="utf-8")
    assert main(["extract", "--data", str(data_dir), str(art), str(tmp_path / "nope.txt")]) == 1
    captured = capsys.readouterr()
    assert "skipped " in captured.err and "nope.txt: file not found" in captured.err
    assert "no publication date found; give --published" in captured.err
    assert captured.out.startswith(",".join(COLUMNS))
    assert main(["extract", "--data", str(data_dir), str(art), "--source-hint", "bbc"]) == 1
    assert "--source-hint 'bbc' is not a source" in capsys.readouterr().err


def test_reviewed_rows_validate_once_accepted(data_dir: Path, tmp_path: Path, capsys) -> None:
    art = tmp_path / "a.txt"
    art.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "p.csv"
    main(
        [
            "extract",
            "--data",
            str(data_dir),
            str(art),
            "--published",
            "2025-03-16",
            "--url",
            "https://example.org/a",
            "--out",
            str(out),
        ]
    )
    capsys.readouterr()
    proposals = out.read_text(encoding="utf-8")
    target = data_dir / "claims" / "ru-mod-extracted.csv"
    target.write_text(proposals, encoding="utf-8")
    assert main(["validate", "--data", str(data_dir)]) == 1
    assert "status: still 'proposed': check it against the article, then set status to 'accepted'" in (
        capsys.readouterr().err
    )
    target.write_text(proposals.replace(",proposed,", ",accepted,"), encoding="utf-8")
    assert main(["validate", "--data", str(data_dir)]) == 0
    target.write_text(proposals.replace(",proposed,", ",rejected,"), encoding="utf-8")
    assert main(["validate", "--data", str(data_dir)]) == 1
    assert "'rejected' in review: delete the row" in capsys.readouterr().err


def test_adding_keeps_the_day_of_the_statement(ex: Extraction) -> None:
    text = (
        "Russian forces have not taken Gornal despite weeks of assaults, ISW said on Saturday, "
        "adding that fighting continued in the village."
    )
    assert claims(ex, text) == [("isw", "presence", "Gornal", C, "2025-03-15")]


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # "a day after Moscow claimed ...": that claim is background; only the General Staff's statement is new
        (
            "Ukrainian forces are still fighting in Gornal, Ukraine's General Staff said, "
            "a day after Moscow claimed to have recaptured Sudzha.",
            [("ua-general-staff", "presence", "Gornal", C)],
        ),
        (
            "Russian units were shelling the outskirts of Gornal, DeepState said.",
            [("deepstate", "attack", "Gornal", RU)],
        ),
        (
            "Минобороны сообщило, что российские войска продолжают наступление в районе Горналя.",
            [("ru-mod", "attack", "Gornal", RU)],
        ),
        (
            "Russia's defence ministry said Ukrainian forces had been stopped near Gornal.",
            [("ru-mod", "attack", "Gornal", UA)],
        ),
        (
            "ВСУ продолжают попытки прорваться в направлении Горналя, заявило Минобороны.",
            [("ru-mod", "attack", "Gornal", UA)],
        ),
        ("Журналісти побували в Суджі, яку українські сили контролюють уже півроку.", []),
    ],
    ids=[
        "a-day-after-is-background",
        "shelling-the-outskirts",
        "offensive-in-the-area-ru",
        "stopped-near-en",
        "attempts-to-break-through-ru",
        "which-clause-in-the-outlets-voice-uk",
    ],
)
def test_news_wording_of_session_two(ex: Extraction, text: str, expect: list[tuple[str, ...]]) -> None:
    assert [c[:4] for c in claims(ex, text)] == expect


def test_an_unnamed_source_is_filed_under_the_outlet_that_speaks_for_it() -> None:
    names = {"tass": "TASS (Russian state news agency and the sources it quotes)", "meduza": "Meduza (outlet)"}
    ex2 = Extraction(GAZ, sides={**SIDES, "tass": "RU", "meduza": "independent"}, names=names)
    text = "Штурмовые подразделения вошли в Горналь, сообщил источник в силовых структурах."
    assert [c[:4] for c in claims(ex2, text, hint="tass")] == [("tass", "presence", "Gornal", C)]
    assert claims(ex2, text, hint="meduza") == []  # Meduza does not speak for whom it quotes
