"""The one module that writes files: atomic writes, the output-path guards and the atlas swap.

Every file kursk_map writes (atlas pages, images, data files, the manifest, ``compare --out``,
``export --out``, ``gazetteer build --out``) goes through :func:`write_atomic`: a temporary file in
the same folder, renamed over the target once complete, so a reader (or a killed run) never sees a
half-written file. Files get ordinary permissions (0644, folders 0755, less whatever the umask
removes).

Whether a target may be written at all is decided here, in one place:

* :func:`check_out_dir` for the atlas folder of ``build``: it is replaced only when it is absent,
  empty, or an atlas this tool wrote (its ``manifest.json`` names kursk_map as ``generator``); never
  the data folder, a folder holding it or inside it, the current folder or one holding it, the
  filesystem root, or a file.
* :func:`check_out_file` for single files: never a folder, a device, an input of the command or a
  file inside the data folder; an existing file only when kursk_map wrote it (or with ``force``).

Each refusal is one :class:`~kursk_map._errors.OutputError` line naming the path and what to do.
The atlas itself is built in a hidden folder beside its target (:func:`staging`) and put in place
with :func:`swap_in`; :func:`tidy` removes what a killed build left, :func:`carry` brings an
unchanged file of the previous atlas into the new one. Paths read from a previous manifest are
checked with :func:`contained`, so a stale entry can never make a build read or write outside it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import json
import os
import secrets
import shutil
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath

from ._errors import OutputError

#: What an atlas's ``manifest.json`` says in ``generator`` (followed by the version).
GENERATOR = "kursk_map"
#: The bytes that mark a single file (image, data, page) as written by kursk_map.
MARK = GENERATOR.encode()
#: Permissions of the files and folders written, before the umask.
FILE_MODE = 0o644
DIR_MODE = 0o755
#: How much of an existing file is read to recognise it as ours.
_SNIFF_BYTES = 4 * 2**20
_MANIFEST_MAX = 256 * 2**20
_RENAME_EXCHANGE = 2


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


# --------------------------------------------------------------------------------------- writing

_OS_HINTS = {
    errno.ENOSPC: "the disk is full; free some space and run it again",
    errno.EDQUOT: "the disk quota is used up; free some space and run it again",
    errno.EROFS: "write somewhere else, or mount it read-write",
    errno.EACCES: "check the permissions of the file and of its folders",
    errno.EPERM: "check the permissions of the file and of its folders",
    errno.ENOENT: "check the path",
    errno.EISDIR: "it is a folder; give a file",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EBUSY: "it is in use by another program; close it and run it again",
    errno.ETXTBSY: "it is in use by another program; close it and run it again",
    errno.ENAMETOOLONG: "the name is too long; choose a shorter one",
    errno.ELOOP: "too many symbolic links; give a plain path",
    errno.EMFILE: "too many open files; raise the limit (ulimit -n) and run it again",
}


def os_error_line(exc: OSError) -> str:
    """One line for an operating-system failure: the path, what went wrong, what to do.

    Examples
    --------
    >>> os_error_line(OSError(28, "No space left on device", "atlas/index.html"))
    'atlas/index.html: No space left on device; the disk is full; free some space and run it again'
    """
    where = ": ".join(str(f) for f in (exc.filename, exc.filename2) if f is not None)
    what = exc.strerror or " ".join(str(exc).split()) or type(exc).__name__
    hint = _OS_HINTS.get(exc.errno or 0, "")
    return f"{where + ': ' if where else ''}{what}{'; ' + hint if hint else ''}"


def _naming(exc: OSError, target: Path) -> OSError:
    """The same failure, naming the file the user asked for rather than its temporary twin."""
    return OSError(exc.errno or errno.EIO, exc.strerror or str(exc), str(target))


def _tmp_name(parent: Path, suffix: str = ".tmp") -> Path:
    # short, so that a target name near the 255-byte limit still leaves room for the temporary one
    return parent / f".kmap-{os.getpid()}-{secrets.token_hex(4)}{suffix}"


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a folder be opened or synced
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def make_dirs(folder: Path) -> None:
    """Create ``folder`` and its missing parents with mode 0755 (less the umask)."""
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)


def write_atomic(
    path: str | Path,
    data: str | bytes | Callable[[Path], object],
    *,
    fsync: bool = True,
    parents: bool = False,
) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it.

    Parameters
    ----------
    path : path
        The file to create or replace.
    data : str, bytes or callable
        The content (``str`` is written as UTF-8 with the line ends it has), or a function that
        writes the file at the path it is given (e.g. a GeoPackage driver); it must create that file.
    fsync : bool
        Flush the file and its folder to disk before returning (a stand-alone output). Files of an
        atlas being built in a private folder skip it: the swap makes them visible all at once.
    parents : bool
        Create missing parent folders (0755). Off for paths a user gave: a missing folder is an error.

    Returns
    -------
    pathlib.Path
        ``path``. The file has mode 0644 (less the umask); on any failure no temporary file is left
        and the previous file, if any, is unchanged.

    Examples
    --------
    >>> import tempfile, pathlib, stat
    >>> p = write_atomic(pathlib.Path(tempfile.mkdtemp()) / "a.txt", "hello")
    >>> p.read_text(), stat.S_IMODE(p.stat().st_mode) == 0o644 & ~_UMASK
    ('hello', True)
    """
    target = Path(path)
    folder = target.parent
    if parents:
        make_dirs(folder)
    if callable(data):
        tmp = _tmp_name(folder, target.suffix)
        try:
            data(tmp)
            tmp.chmod(FILE_MODE & ~_UMASK)
            if fsync:
                _fsync_file(tmp)
            tmp.replace(target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise _naming(exc, target) from exc
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    else:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        for _ in range(100):
            tmp = _tmp_name(folder)
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
            except FileExistsError:
                continue
            except OSError as exc:
                raise _naming(exc, target) from exc
            break
        else:  # pragma: no cover - 100 random names taken
            raise FileExistsError(errno.EEXIST, "cannot pick a temporary name", str(folder))
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(raw)
                if fsync:
                    f.flush()
                    os.fsync(f.fileno())
            tmp.replace(target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise _naming(exc, target) from exc
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    if fsync:
        _fsync_dir(folder)
    return target


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------- guards


def _resolve(path: Path, arg: str) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop (RuntimeError before Python 3.13)
        raise OutputError(f"{path}: cannot follow this path ({_reason(exc)}); give a plain {arg}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _inside(path: Path, folder: Path) -> bool:
    """True if ``path`` is ``folder`` or lies inside it (both resolved)."""
    return path == folder or folder in path.parents


def is_atlas(folder: str | Path) -> bool:
    """True if ``folder`` holds an atlas written by kursk_map (its manifest names it as generator)."""
    manifest = Path(folder) / "manifest.json"
    try:
        st = manifest.lstat()
        if not stat.S_ISREG(st.st_mode) or st.st_size > _MANIFEST_MAX:
            return False
        doc = json.loads(manifest.read_bytes())
    except (OSError, ValueError):
        return False
    gen = doc.get("generator") if isinstance(doc, dict) else None
    return isinstance(gen, str) and (gen == GENERATOR or gen.startswith(GENERATOR + " "))


def written_by_us(path: str | Path) -> bool:
    """True if ``path`` is a regular file that kursk_map wrote (it carries :data:`MARK` near its start).

    Images carry it in their metadata, GeoJSON and GeoPackage files in their description, pages
    in their title, gazetteer files never (``gazetteer build`` asks for ``--force`` instead).
    """
    p = Path(path)
    try:
        if not stat.S_ISREG(p.lstat().st_mode):
            return False
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            head = f.read(_SNIFF_BYTES)
    except OSError:
        return False
    return MARK in head


def _describe(st: os.stat_result) -> str:
    mode = st.st_mode
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _check_parent(target: Path, shown: Path, arg: str) -> None:
    parent = target.parent
    try:
        st = parent.stat()
    except FileNotFoundError:
        raise OutputError(f"{shown}: the folder {parent} does not exist; create it first (mkdir -p {parent})") from None
    except OSError as exc:
        raise OutputError(f"{shown}: cannot reach the folder {parent} ({_reason(exc)})") from None
    if not stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{shown}: {parent} is not a folder; give a {arg} in an existing folder")


def check_out_dir(out: str | Path, *, data: str | Path | None = None) -> Path:
    """Decide whether the atlas may be built into ``out``; return the real folder to build into.

    ``out`` may be absent (it is created), an empty folder, or an atlas kursk_map wrote (it is
    replaced). A symbolic link to a folder is followed: the atlas is built into its target and
    the link stays a link.

    Raises
    ------
    OutputError
        One line naming the folder and what to do, when ``out`` is the data folder, holds it or lies
        inside it, is (or holds) the current folder, is the filesystem root, is a file, a non-empty
        folder that is not an atlas, or its parent folder is missing.

    Examples
    --------
    >>> check_out_dir("/")
    Traceback (most recent call last):
    ...
    kursk_map._errors.OutputError: /: --out is the root of the filesystem; give a new or empty folder, e.g. --out atlas
    """
    if str(out).strip() == "":
        raise OutputError("--out is empty; give a new or empty folder, e.g. --out atlas")
    shown = Path(out)
    given = shown.absolute()
    if given.is_symlink() and not given.exists():
        raise OutputError(f"{shown}: --out is a symbolic link to {given.readlink()}, which does not exist")
    real = _resolve(given, "folder")
    hint = "give a new or empty folder, e.g. --out atlas"
    if real.parent == real:
        raise OutputError(f"{shown}: --out is the root of the filesystem; {hint}")
    if data is not None:
        d = _resolve(Path(data).absolute(), "folder")
        if real == d:
            raise OutputError(f"{shown}: --out is the data folder (--data); the atlas would replace your data; {hint}")
        if _inside(real, d):
            raise OutputError(f"{shown}: --out lies inside the data folder {data}; {hint}")
        if _inside(d, real):
            raise OutputError(f"{shown}: --out holds the data folder {data}; the atlas would replace your data; {hint}")
    cwd = _resolve(Path.cwd(), "folder")
    if real == cwd:
        raise OutputError(f"{shown}: --out is the current folder; {hint}")
    if _inside(cwd, real):
        raise OutputError(f"{shown}: --out holds the current folder; {hint}")
    try:
        home = Path.home().resolve()
    except (OSError, RuntimeError):  # no home folder known
        home = None
    if real == home:
        raise OutputError(f"{shown}: --out is your home folder; {hint}")
    _check_parent(real, shown, "folder")
    _check_replaceable(real, shown)
    return real


def _empty(folder: Path) -> bool:
    with os.scandir(folder) as entries:
        return next(entries, None) is None


def _check_replaceable(real: Path, shown: Path) -> None:
    """Refuse unless ``real`` is absent, an empty folder or an atlas kursk_map wrote."""
    try:
        st = real.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"{shown}: cannot look at it ({_reason(exc)})") from None
    if stat.S_ISREG(st.st_mode):
        raise OutputError(f"{shown}: --out is a file, not a folder; give a new or empty folder, e.g. --out atlas")
    if not stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{shown}: --out is {_describe(st)}, not a folder; give a new or empty folder")
    try:
        empty = _empty(real)
    except OSError as exc:
        raise OutputError(f"{shown}: cannot list this folder ({_reason(exc)})") from None
    if not empty and not is_atlas(real):
        raise OutputError(
            f"{shown}: --out is a folder that is not empty and holds no atlas written by kursk-map "
            "(no manifest.json naming it); refusing to replace it: give a new or empty folder, "
            "or move its files away yourself"
        )


def check_out_file(
    path: str | Path,
    *,
    data: str | Path | None = None,
    inputs: Iterable[str | Path] = (),
    force: bool = False,
    ours: bool = True,
    replaceable: Callable[[Path], str | None] | None = None,
    example: str = "map.png",
) -> Path:
    """Decide whether the single file ``path`` may be written; return the real path to write.

    An existing file is replaced only if kursk_map wrote it (``ours``: it carries :data:`MARK`) or
    with ``force``, and never when it is one of ``inputs`` or lies inside the data folder. With
    ``force``, ``replaceable(path)`` may still refuse a file of the wrong kind (it says why, or
    returns ``None``). A symbolic link to a file is followed (the link stays). ``example`` is the
    file name suggested when ``path`` is a folder.

    Raises
    ------
    OutputError
        One line naming the file and what to do.
    """
    if str(path).strip() == "":
        raise OutputError("--out is empty; give a file name")
    if str(path).endswith(("/", os.sep)) and str(path).strip("/" + os.sep):
        raise OutputError(f"{path}: --out ends in '/', a folder; give a file name, e.g. {Path(path) / example}")
    shown = Path(path)
    given = shown.absolute()
    real = _resolve(given, "file name")
    if real.parent == real:
        raise OutputError(f"{shown}: --out is the root of the filesystem; give a file name")
    for source in inputs:
        try:
            same = real == Path(source).resolve() or (real.exists() and real.samefile(source))
        except (OSError, RuntimeError):
            same = False
        if same:
            raise OutputError(f"{shown}: --out is an input of this command ({source}); write to another file")
    if data is not None:
        d = _resolve(Path(data).absolute(), "folder")
        if _inside(real, d):
            raise OutputError(
                f"{shown}: --out lies inside the data folder {data}; write outputs elsewhere, not among your data"
            )
    _check_parent(real, shown, "file name")
    try:
        st = real.lstat()
    except FileNotFoundError:
        return real
    except OSError as exc:
        raise OutputError(f"{shown}: cannot look at it ({_reason(exc)})") from None
    if stat.S_ISDIR(st.st_mode):
        name = f"{Path(example).stem}{shown.suffix}" if shown.suffix else example
        raise OutputError(f"{shown}: --out is a folder, not a file; give a file name, e.g. {shown / name}")
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(f"{shown}: --out is {_describe(st)}; give the name of a regular file")
    if not force and not (ours and written_by_us(real)):
        what = "was not written by kursk-map" if ours else "exists"
        raise OutputError(
            f"{shown}: the file {what}; refusing to replace it: choose another --out, or add --force to replace it"
        )
    if force and replaceable is not None and (why := replaceable(real)) is not None:
        raise OutputError(f"{shown}: {why}; refusing to replace it: choose another --out")
    return real


def contained(root: Path, rel: object) -> Path | None:
    r"""``root / rel`` if ``rel`` is a plain relative path that stays inside ``root``, else ``None``.

    For paths read from a previous manifest: absolute paths, ``..``, backslashes, NUL bytes and
    symbolic links that lead out of ``root`` are all refused.

    Examples
    --------
    >>> contained(Path("/srv/atlas"), "ru-mod/2025-03-15.html")
    PosixPath('/srv/atlas/ru-mod/2025-03-15.html')
    >>> [contained(Path("/srv/atlas"), r) for r in ("../etc/passwd", "/etc/passwd", "", "a\\..\\b", 3)]
    [None, None, None, None, None]
    """
    if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel:
        return None
    pure = PurePosixPath(rel)
    if pure.is_absolute() or any(part in ("..", "") for part in pure.parts) or str(pure) == ".":
        return None
    path = root / pure
    try:
        real, base = path.resolve(), root.resolve()
    except (OSError, RuntimeError):
        return None
    return path if base in real.parents else None


# ------------------------------------------------------------------------------------- atlas swap


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True) if name else None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    libc = _libc()
    fn = getattr(libc, "renameat2", None) if libc is not None else None
    if fn is None:
        return False
    at_fdcwd = -100
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(rc == 0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _remove_if_ours(folder: Path) -> None:
    """Delete ``folder`` only if it is an atlas kursk_map wrote or an empty folder."""
    with contextlib.suppress(OSError):
        if folder.is_symlink() or not folder.is_dir():
            return
        if is_atlas(folder) or _empty(folder):
            shutil.rmtree(folder, ignore_errors=True)


def tidy(out: Path) -> None:
    """Remove what an interrupted build left beside ``out``; restore ``out`` if a swap was cut short.

    Temporary folders are named ``.<out>.tmp-<pid>-*``: one whose process is gone is stale. The
    previous atlas set aside during a swap (``.<out>.old``) is removed only if it is an atlas.
    """
    old = out.with_name(f".{out.name}.old")
    if not out.exists() and not out.is_symlink() and old.is_dir() and not old.is_symlink() and is_atlas(old):
        old.rename(out)  # killed between the two renames of the fallback swap
    with contextlib.suppress(OSError):
        for p in out.parent.glob(f".{out.name}.tmp-*"):
            pid = p.name.removeprefix(f".{out.name}.tmp-").split("-", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)) and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
    if out.exists():
        _remove_if_ours(old)


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A private folder beside ``out`` to build the new atlas in; removed if the build fails.

    ``out`` is the real folder :func:`check_out_dir` returned. An OS failure while the atlas is
    written (full or read-only disk, permissions) becomes one :class:`OutputError` line naming
    ``out``; the previous atlas is unchanged.
    """
    tidy(out)
    try:
        tmp = _mkdtemp(out)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write in {out.parent}: {os_error_line(exc).split(': ', 1)[-1]}") from None
    try:
        yield tmp
    except OSError as exc:
        line = os_error_line(exc).replace(str(tmp), str(out))
        raise OutputError(f"cannot write the atlas: {line}; the previous atlas, if any, is unchanged") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            if tmp.exists():
                shutil.rmtree(tmp)


def _mkdtemp(out: Path) -> Path:
    import tempfile  # noqa: PLC0415 - only here

    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    tmp.chmod(DIR_MODE & ~_UMASK)  # a web-readable folder, like one made by mkdir
    return tmp


def swap_in(tmp: Path, out: Path) -> None:
    """Put the finished folder ``tmp`` in place of ``out`` so readers never see a partial atlas.

    ``out`` is checked once more (absent, empty, or an atlas kursk_map wrote) right before it is
    replaced: what appeared there during the build is never deleted.
    """
    _check_replaceable(out, out)
    if not out.exists():
        tmp.rename(out)
        return
    if _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)  # now the previous atlas
        return
    old = out.with_name(f".{out.name}.old")
    _remove_if_ours(old)
    if old.exists() or old.is_symlink():
        raise OutputError(f"{old}: is in the way of the swap and is not an atlas; move it away and build again")
    out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def carry(old: Path, new: Path) -> None:
    """Bring an unchanged file of the previous atlas into the new one.

    A hard link (the previous atlas is swapped out whole, never edited in place), or a copy where
    links are not possible. A symbolic link or anything but a regular file is never carried.

    Raises
    ------
    OutputError
        If ``old`` is no longer a regular file (changed while the build ran).
    """
    try:
        regular = stat.S_ISREG(old.lstat().st_mode)
    except OSError:
        regular = False
    if not regular:
        raise OutputError(f"{old}: changed while the build ran (no longer a plain file); build again")
    make_dirs(new.parent)
    try:
        os.link(old, new)
    except OSError:
        shutil.copyfile(old, new, follow_symlinks=False)
