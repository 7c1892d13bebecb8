from __future__ import annotations

import pytest

from kursk_map import DataError, derive_point, load_gazetteer, read_gazetteer
from kursk_map.gazetteer import gazetteer_rows_from_geonames, load_layer

from .conftest import SETTLEMENTS

HEAD = SETTLEMENTS.splitlines()[0] + "\n"


def _write(tmp_path, text: str, name: str = "s.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_load_valid(tmp_path) -> None:
    g = load_gazetteer(_write(tmp_path, SETTLEMENTS))
    assert g.crs.to_epsg() == 4326
    assert len(g) == 7
    assert g.loc["486816", "geometry"].x == pytest.approx(35.27082)
    assert g.loc["kmap:unknownpos-sudzhansky", "geometry"] is None
    assert str(g["population"].dtype) == "Int64"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1,A,,,,51.2,35.2,XX,Kursk,,,ref,500,page,", "country: unknown country 'XX'; use one of RU, UA"),
        (
            "1,A,,,,35.2,51.2,RU,Kursk,,,ref,500,page,",
            "lat=35.2 lon=51.2 is outside the region covered (44-53 N, 22-41 E) (lat and lon look swapped)",
        ),
        ("1,A,,,,951.2,35.2,RU,Kursk,,,ref,500,page,", "coordinates out of range: lat=951.2 lon=35.2"),
        (
            "1,A,,,,abc,35.2,RU,Kursk,,,ref,500,page,",
            "lat: not a number: lat='abc' lon='35.2'; give decimal degrees or set method=unplaced",
        ),
        ("1,A,,,,nan,35.2,RU,Kursk,,,ref,500,page,", "lat: not a number: lat='nan'"),
        ("1,A,,,,51.2,35.2,RU,Kursk,,,,500,page,", "ref: empty reference"),
        ("1,A,,,,51.2,35.2,RU,Kursk,,,ref,-5,page,", "precision_m: '-5' is not a positive number of metres"),
        ("1,A,,,,51.2,35.2,RU,Kursk,,,ref,500,guess,", "method: unknown method 'guess'"),
        ("1,A,,,,51.2,35.2,RU,Kursk,,,ref,500,unplaced,", "an unplaced settlement has no coordinates"),
        (",A,,,,51.2,35.2,RU,Kursk,,,ref,500,page,", "id: empty id"),
        ("1,,,,,51.2,35.2,RU,Kursk,,,ref,500,page,", "name: empty name"),
        ("1,A,,,,51.2,35.2,RU,Kursk,,-3,ref,500,page,", "population: '-3' is not a non-negative number"),
    ],
)
def test_row_errors(tmp_path, row: str, message: str) -> None:
    p = _write(tmp_path, HEAD + row + "\n")
    with pytest.raises(DataError, match=r"s\.csv:2: ") as exc:
        load_gazetteer(p)
    assert message in str(exc.value)


def test_duplicate_ids_and_all_problems_at_once(tmp_path) -> None:
    rows = [
        "1,A,,,,51.2,35.2,RU,Kursk,,,https://e.org/a,500,page,",
        "1,B,,,,51.3,35.2,RU,Kursk,,,https://e.org/b,500,page,",
        "2,C,,,,51.3,35.2,XX,Kursk,,,https://e.org/c,500,page,",
    ]
    _, problems = read_gazetteer(_write(tmp_path, HEAD + "\n".join(rows) + "\n"))
    text = [str(p) for p in problems]
    assert any("s.csv:3: id: duplicate id '1' (first on line 2)" in t for t in text)
    assert any("s.csv:4: country:" in t for t in text)
    assert len(problems) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "file is empty"),
        ("id;name;lat\n1;A;5\n", "separated by ';'"),
        ("id,name\n1,A\n", "missing column(s) name_ru"),
    ],
)
def test_file_errors(tmp_path, content: str, message: str) -> None:
    with pytest.raises(DataError, match=r"s\.csv") as exc:
        load_gazetteer(_write(tmp_path, content))
    assert message in str(exc.value)


def test_missing_file(tmp_path) -> None:
    with pytest.raises(DataError, match=r"nope\.csv: file not found"):
        load_gazetteer(tmp_path / "nope.csv")


def test_not_utf8(tmp_path) -> None:
    p = tmp_path / "s.csv"
    p.write_bytes((HEAD + "1,Суджа,,,,51.2,35.2,RU,Kursk,,,ref,500,page,\n").encode("cp1251"))
    with pytest.raises(DataError, match=r"s\.csv:2: not valid UTF-8 .*iconv -f cp1251"):
        load_gazetteer(p)


def test_bom_is_stripped(tmp_path) -> None:
    p = tmp_path / "s.csv"
    p.write_bytes(b"\xef\xbb\xbf" + SETTLEMENTS.encode("utf-8"))
    assert "id" in load_gazetteer(p).columns


@pytest.mark.parametrize(("bearing", "dlat_sign", "dlon_sign"), [(0, 1, 0), (90, 0, 1), (180, -1, 0), (315, 1, -1)])
def test_derive_point_directions(bearing: float, dlat_sign: int, dlon_sign: int) -> None:
    lat, lon = derive_point(51.19, 35.27, distance_km=5, bearing_deg=bearing)
    assert (lat > 51.19 + 1e-3) - (lat < 51.19 - 1e-3) == dlat_sign
    assert (lon > 35.27 + 1e-3) - (lon < 35.27 - 1e-3) == dlon_sign


def test_derive_point_distance() -> None:
    from pyproj import Geod

    lat, lon = derive_point(51.19, 35.27, distance_km=18, bearing_deg=315)
    _, _, dist = Geod(ellps="WGS84").inv(35.27, 51.19, lon, lat)
    assert dist == pytest.approx(18_000, rel=1e-6)


def test_geonames_rows_keep_zone_and_split_scripts() -> None:
    rows = gazetteer_rows_from_geonames(
        [
            {
                "geonameid": 1,
                "name": "Yunakivka",
                "latitude": 51.1,
                "longitude": 35.0,
                "countrycode": "UA",
                "admin1code": "21",
                "population": 1741,
                "alternatenames": ["Юнаківка", "Юнаковка", "Junakivka"],
            },
            {
                "geonameid": 2,
                "name": "Moscow",
                "latitude": 55.7,
                "longitude": 37.6,
                "countrycode": "RU",
                "admin1code": "48",
                "population": 1,
                "alternatenames": [],
            },
        ],
        admin1={("UA", "21"): "Sumy", ("RU", "41"): "Kursk"},
    )
    assert len(rows) == 1
    r = rows[0]
    assert (r["name_uk"], r["name_ru"], r["alt_names"], r["oblast"]) == ("Юнаківка", "Юнаковка", "Junakivka", "Sumy")
    assert r["ref"] == "https://www.geonames.org/1"


def test_load_layer_missing_file_is_empty(tmp_path) -> None:
    assert load_layer(tmp_path / "none.geojson").empty
