"""kursk_map: layered, checkable maps of competing territorial-control claims.

The public API, chosen in one place. Data flows one way::

    load (gazetteer, claims) -> validate -> resolve (names, state) -> render -> atlas/
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kursk_map")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

from ._errors import DataError, KurskMapError, Problem, UnplacedClaimsError
from .area_import import import_areas, read_area_layers, read_deepstate_archive, write_areas
from .claims import load_claims, load_sources, read_claims, read_sources
from .control_areas import load_areas, read_areas
from .dataset import Dataset, check_dataset, load_dataset
from .diagnostics import conflicts, far_from_group
from .gazetteer import derive_point, load_gazetteer, load_layer, read_gazetteer
from .importers import read_geonames_dump, read_point_file, write_gazetteer
from .names import Resolution, Resolver, normalise, skeleton, transliterate
from .resolution import ResolvedLedger, resolve_claims
from .state import compute_state, iter_states, source_dates
from .theatre import Theatre, load_theatre, read_theatre

__all__ = [
    "DataError",
    "Dataset",
    "KurskMapError",
    "Problem",
    "Resolution",
    "ResolvedLedger",
    "Resolver",
    "Theatre",
    "UnplacedClaimsError",
    "__version__",
    "check_dataset",
    "compute_state",
    "conflicts",
    "derive_point",
    "far_from_group",
    "import_areas",
    "iter_states",
    "load_areas",
    "load_claims",
    "load_dataset",
    "load_gazetteer",
    "load_layer",
    "load_sources",
    "load_theatre",
    "normalise",
    "read_area_layers",
    "read_areas",
    "read_claims",
    "read_deepstate_archive",
    "read_gazetteer",
    "read_geonames_dump",
    "read_point_file",
    "read_sources",
    "read_theatre",
    "resolve_claims",
    "skeleton",
    "source_dates",
    "transliterate",
    "write_areas",
    "write_gazetteer",
]
