"""Dates in articles: the publication date of a dateline, and relative dates resolved against it.

Pure functions. Every resolved date says how it was found (``how``), for the note of a row:
``'on Saturday' = the Saturday on or before 2025-03-16 (published)``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ._fast import fast

_MONTHS = {
    **dict.fromkeys(("jan", "january", "янв", "января", "январь", "січ", "січня", "січень"), 1),
    **dict.fromkeys(("feb", "february", "фев", "февраля", "февраль", "лют", "лютого", "лютий"), 2),
    **dict.fromkeys(("mar", "march", "мар", "марта", "март", "бер", "березня", "березень"), 3),
    **dict.fromkeys(("apr", "april", "апр", "апреля", "апрель", "кві", "квітня", "квітень"), 4),
    **dict.fromkeys(("may", "мая", "май", "тра", "травня", "травень"), 5),
    **dict.fromkeys(("jun", "june", "июн", "июня", "июнь", "чер", "червня", "червень"), 6),
    **dict.fromkeys(("jul", "july", "июл", "июля", "июль", "лип", "липня", "липень"), 7),
    **dict.fromkeys(("aug", "august", "авг", "августа", "август", "сер", "серпня", "серпень"), 8),
    **dict.fromkeys(("sep", "sept", "september", "сен", "сентября", "сентябрь", "вер", "вересня", "вересень"), 9),
    **dict.fromkeys(("oct", "october", "окт", "октября", "октябрь", "жов", "жовтня", "жовтень"), 10),
    **dict.fromkeys(("nov", "november", "ноя", "ноября", "ноябрь", "лис", "листопада", "листопад"), 11),
    **dict.fromkeys(("dec", "december", "дек", "декабря", "декабрь", "гру", "грудня", "грудень"), 12),
}
_MONTH_RE = "|".join(sorted((re.escape(k) for k in _MONTHS), key=len, reverse=True))
ISO_RE = re.compile(r"\b(20[0-9]{2})-([01][0-9])-([0-3][0-9])")
_DMY_RE = re.compile(r"\b([0-3]?[0-9])\.([01]?[0-9])\.(20[0-9]{2})\b")
_DAY_MONTH_YEAR = re.compile(
    rf"\b([0-3]?[0-9])(?:st|nd|rd|th)?\.?\s+(?:of\s+)?({_MONTH_RE})\.?,?\s+(20[0-9]{{2}})\b", re.IGNORECASE
)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH_RE})\.?\s+([0-3]?[0-9])(?:st|nd|rd|th)?,?\s+(20[0-9]{{2}})\b", re.IGNORECASE)
#: A line that is a dateline: short, and either mostly a date or introduced as the publication date.
_DATELINE_CUE = re.compile(
    r"^\W*(published|updated|posted|опубликовано|обновлено|опубліковано|оновлено|дата)\b", re.IGNORECASE
)


def find_full_date(text: str) -> tuple[dt.date, str] | None:
    """The first complete date (with its year) written in ``text``, with the text that gave it.

    Examples
    --------
    >>> find_full_date("Fri 7th Feb, 2025")
    (datetime.date(2025, 2, 7), '7th Feb, 2025')
    >>> find_full_date("16 березня 2025 р."), find_full_date("May 21, 2025")[0]
    ((datetime.date(2025, 3, 16), '16 березня 2025'), datetime.date(2025, 5, 21))
    """
    found: list[tuple[int, dt.date, str]] = []
    for rx, order in ((ISO_RE, "ymd"), (_DMY_RE, "dmy"), (_DAY_MONTH_YEAR, "dMy"), (_MONTH_DAY_YEAR, "Mdy")):
        for m in rx.finditer(text):
            a, b, c = m.groups()
            try:
                if order == "ymd":
                    d = dt.date(int(a), int(b), int(c))
                elif order == "dmy":
                    d = dt.date(int(c), int(b), int(a))
                elif order == "dMy":
                    d = dt.date(int(c), _MONTHS[b.lower()], int(a))
                else:
                    d = dt.date(int(c), _MONTHS[a.lower()], int(b))
            except (ValueError, KeyError):
                continue
            found.append((m.start(), d, m[0]))
            break
    if not found:
        return None
    _, d, written = min(found)
    return d, written


def dateline(text: str) -> tuple[dt.date | None, str]:
    r"""The publication date from a dateline among the first lines, and how it was found.

    Only a short line that is mostly a date, or that says it is the publication date, counts:
    a date inside a sentence is an event's date, not the article's.

    Examples
    --------
    >>> dateline("Ukrainian Forces Advance\n\nFri 7th Feb, 2025\n\nThe ISW has reported ...")
    (datetime.date(2025, 2, 7), "dateline 'Fri 7th Feb, 2025'")
    >>> dateline("On Aug. 13, 2024 troops crossed the border near Sudzha and took villages.")
    (None, '')
    """
    for line in text[:3000].splitlines()[:15]:
        s = line.strip()
        if not s or len(s) > 80:
            continue
        hit = find_full_date(s)
        if hit is None:
            continue
        d, written = hit
        rest = s.replace(written, "")
        words = re.findall(r"[^\W\d_]{4,}", rest)
        if _DATELINE_CUE.match(s) or len(words) <= 2:
            return d, f"dateline {s!r}"
    return None, ""


_WEEKDAYS = {
    **dict.fromkeys(("monday", "понедельник", "понеділок", "понеділка"), 0),
    **dict.fromkeys(("tuesday", "вторник", "вівторок", "вівторка"), 1),
    **dict.fromkeys(("wednesday", "среду", "среда", "середу", "середа"), 2),
    **dict.fromkeys(("thursday", "четверг", "четвер", "четверга"), 3),
    **dict.fromkeys(("friday", "пятницу", "пятница", "п'ятницю", "пʼятницю", "п’ятницю", "п'ятниця"), 4),
    **dict.fromkeys(("saturday", "субботу", "суббота", "суботу", "субота"), 5),
    **dict.fromkeys(("sunday", "воскресенье", "неділю", "неділя"), 6),
}
_WEEKDAY_RE = "|".join(sorted((re.escape(k) for k in _WEEKDAYS), key=len, reverse=True))
#: Relative days: the word and how many days before the publication date it means.
_DAYS_BEFORE = {
    "today": 0,
    "сегодня": 0,
    "сьогодні": 0,
    "yesterday": 1,
    "вчера": 1,
    "вчора": 1,
    "учора": 1,
    "накануне": 1,
    "напередодні": 1,
    "позавчера": 2,
    "позавчора": 2,
    "the day before yesterday": 2,
}
#: Phrases that place an event only roughly: the row is dated to the article and the note says so.
_VAGUE = (
    r"last week|this week|earlier this (?:week|month)|over the weekend|at the weekend|this weekend|recently|"
    r"earlier|in recent days|last month|"
    r"на прошлой неделе|на этой неделе|в выходные|на выходных|недавно|ранее|в последние дни|"
    r"минулого тижня|цього тижня|на вихідних|нещодавно|раніше|останніми днями"
)
_RELATIVE = fast(
    re.compile(
        rf"(?P<days>\b(?:the day before yesterday|{'|'.join(k for k in _DAYS_BEFORE if ' ' not in k)})\b)"
        rf"|(?P<wd>\b(?:(?P<last>last|прошлую|прошлое|прошлый|минулої|минулого|минулий)\s+|on\s+|(?:в|во|у)\s+)?"
        rf"(?P<wday>{_WEEKDAY_RE})\b)"
        rf"|(?P<md>\b(?:on\s+)?(?:(?P<mon1>{_MONTH_RE})\.?\s+(?P<day1>[0-3]?[0-9])(?:st|nd|rd|th)?\b"
        rf"|(?:the\s+)?(?P<day2>[0-3]?[0-9])(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon2>{_MONTH_RE})\b\.?)"
        rf"(?:,?\s+(?P<year>20[0-9]{{2}})(?:\s+(?:года|г\.|року|р\.))?)?)"
        rf"|(?P<vague>\b(?:{_VAGUE})\b)",
        re.IGNORECASE,
    )
)


#: A cheap first look: without one of these words a sentence has no date to resolve (the words of
#: every alternative of the pattern above: months, weekdays, relative days, the vague phrases).
_DATE_WORDS = frozenset(
    [
        *_MONTHS,
        *(w.replace("'", "’") for w in _WEEKDAYS),
        *(w.replace("'", "ʼ") for w in _WEEKDAYS),
        *_WEEKDAYS,
        *(k for k in _DAYS_BEFORE if " " not in k),
        "day",
        *(w for w in re.findall(r"[^\W\d_]+", _VAGUE.lower()) if len(w) > 4),
    ]
) - {"прошлой", "минулого", "цього", "этой"} | {"week"}
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)?")


@dataclass(frozen=True)
class DateRef:
    """A date written in a sentence: where, what it resolves to (``None`` if it cannot), and how.

    ``vague`` phrases ("last week", "earlier") resolve to nothing but are still reported.
    """

    start: int
    end: int
    written: str
    date: dt.date | None
    how: str
    vague: bool = False


def find_dates(text: str, published: dt.date | None) -> list[DateRef]:
    """Dates written in ``text``, resolved against the publication date.

    Examples
    --------
    >>> pub = dt.date(2025, 3, 16)  # a Sunday
    >>> [(d.written, str(d.date)) for d in find_dates("said on Saturday that", pub)]
    [('on Saturday', '2025-03-15')]
    >>> [str(d.date) for d in find_dates("сообщило в субботу; у суботу; вчера; on March 13; 13 березня", pub)]
    ['2025-03-15', '2025-03-15', '2025-03-15', '2025-03-13', '2025-03-13']
    >>> find_dates("on December 30", pub)[0].date  # a day after the publication date is last year's
    datetime.date(2024, 12, 30)
    >>> find_dates("said last week", pub)[0].how
    "'last week': no day given; dated to the article (2025-03-16)"
    """
    if _DATE_WORDS.isdisjoint(_WORD.findall(text.lower())):
        return []
    out: list[DateRef] = []
    for m in _RELATIVE.finditer(text):
        written = text[m.start() : m.end()].strip()  # m[0] is lower-cased (see _fast)
        out.append(_resolve(m, written, published))
    return out


def _resolve(m: re.Match[str], written: str, published: dt.date | None) -> DateRef:
    pub = f"{published.isoformat()} (published)" if published else "the publication date (unknown)"

    def ref(date: dt.date | None, how: str, *, vague: bool = False) -> DateRef:
        return DateRef(m.start(), m.end(), written, date, how, vague)

    if m["vague"]:
        when = f"dated to the article ({published.isoformat()})" if published else "no date"
        return ref(published, f"{written!r}: no day given; {when}", vague=True)
    if m["days"]:
        n = _DAYS_BEFORE[m["days"].lower()]
        if published is None:
            return ref(None, f"{written!r} needs the publication date (give --published)")
        return ref(published - dt.timedelta(days=n), f"{written!r} = {n} day(s) before {pub}")
    if m["wday"]:
        wd = _WEEKDAYS[m["wday"].lower().replace("’", "'").replace("ʼ", "'")]
        if published is None:
            return ref(None, f"{written!r} needs the publication date (give --published)")
        back = (published.weekday() - wd) % 7
        if m["last"] and back == 0:
            back = 7
        name = m["wday"].capitalize()
        return ref(published - dt.timedelta(days=back), f"{written!r} = the {name} on or before {pub}")
    mon = (m["mon1"] or m["mon2"] or "").lower()
    day = int(m["day1"] or m["day2"])
    month = _MONTHS[mon]
    if m["year"]:
        try:
            return ref(dt.date(int(m["year"]), month, day), f"{written!r} as written")
        except ValueError:
            return ref(None, f"{written!r} is not a real date")
    if published is None:
        return ref(None, f"{written!r} has no year and the publication date is unknown (give --published)")
    for year in (published.year, published.year - 1):
        try:
            d = dt.date(year, month, day)
        except ValueError:
            continue
        if d <= published:
            return ref(d, f"{written!r} = the last such day on or before {pub}")
    return ref(None, f"{written!r} is not a real date")
