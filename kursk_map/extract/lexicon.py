"""The words the rules look for, in English, Russian and Ukrainian: one table per job.

Each table is a list of regular expressions (case-insensitive, word-bounded by the caller).
Russian and Ukrainian words are written as stems (``освобо[дж]``) so that every inflected form
matches; the rules in :mod:`kursk_map.extract.rules` say what each match means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Claimant:
    """Who can make a claim: a ledger source slug, the side it speaks for, how it is written.

    ``kind`` is ``"org"`` (a ministry, a staff, an analyst group), ``"person"`` (a named official)
    or ``"state"`` (just "Russia", "Kyiv": the claim is theirs, the exact office unknown).
    """

    slug: str
    side: str
    kind: str
    label: str
    patterns: tuple[str, ...]


_DEF = r"defen[cs]e"
_UA_ADJ = r"(?:ukraine[’']?s|ukrainian|kyiv[’']?s)"
_RU_ADJ = r"(?:russia[’']?s|russian|moscow[’']?s)"

#: Known claimants; the first pattern that matches a span decides (longer spans win over shorter).
CLAIMANTS: Final[tuple[Claimant, ...]] = (
    Claimant(
        "ru-mod",
        "RU",
        "org",
        "the Russian defence ministry",
        (
            rf"{_RU_ADJ}\s+(?:{_DEF}\s+ministry|ministry\s+of\s+{_DEF}|{_DEF}\s+department|mod|general\s+staff|"
            # "Russian military bloggers", "Russian military analysts" are not the ministry
            r"military(?:\s+command)?(?!\s+(?:bloggers?|correspondents?|channels?|analysts?|experts?|observers?))|"
            r"army\s+command|armed\s+forces)",
            rf"(?:the\s+)?ministry\s+of\s+{_DEF}\s+of\s+(?:russia|the\s+russian\s+federation)",
            rf"(?:a\s+)?(?:senior\s+|top\s+)?{_RU_ADJ}\s+(?:{_DEF}|military)\s+officials?",
            r"(?:valery\s+)?gerasimov",
            r"(?:andrei\s+)?belousov",
            r"(?:apti\s+)?alaudinov",
            r"(?:igor\s+)?konashenkov",
            rf"{_RU_ADJ}\s+{_DEF}\s+minister|(?:the\s+)?{_DEF}\s+minister\s+of\s+russia",
            r"минобороны(?:\s+(?:россии|рф))?",
            r"министерств\w*\s+обороны\s+(?:россии|рф|российской\s+федерации)",
            r"российск\w+\s+(?:минобороны|военн\w+\s+ведомств\w*|министерств\w+\s+обороны)",
            r"генштаб\w*\s+(?:вс\s+)?рф|генеральн\w+\s+штаб\w*\s+(?:вс\s+)?рф",
            r"міноборони\s+(?:росії|рф)",
            r"міністерств\w*\s+оборони\s+(?:росії|рф)",
            r"російськ\w+\s+(?:міноборони|міністерств\w+\s+оборони|військов\w+\s+відомств\w*)",
            r"генштаб\w*\s+рф",
            r"герасимов\w*",
            r"белоусов\w*|білоусов\w*",
            r"алаудинов\w*|алаудінов\w*|конашенков\w*",
            r"министр\w*\s+обороны\s+(?:россии|рф)|міністр\w*\s+оборони\s+(?:росії|рф)",
            r"(?:the\s+)?(?:north(?:ern)?|sever)\s+(?:group|grouping)(?:\s+of\s+(?:forces|troops))?",
            r"группировк\w+\s+(?:войск\s+)?[«\"]?север\w*[»\"]?|угрупован\w+\s+(?:військ\s+)?[«\"]?північ\w*[»\"]?",
        ),
    ),
    Claimant(
        "ua-general-staff",
        "UA",
        "org",
        "Ukraine's General Staff",
        (
            rf"{_UA_ADJ}\s+(?:general\s+staff|military(?:\s+leadership|\s+command)?|armed\s+forces|army|"
            r"commander[-\s]in[-\s]chief|top\s+commander|military\s+chief|(?:air\s+force|ground\s+forces|navy|"
            r"air\s+assault\s+forces)(?:\s+(?:commander|command|spokesman|spokesperson))?)",
            r"general\s+staff\s+of\s+(?:ukraine|the\s+armed\s+forces\s+of\s+ukraine|ukraine[’']s\s+armed\s+forces)",
            r"(?:oleksandr\s+)?syrsk(?:yi|yy|iy|y|i)",
            r"генштаб\w*\s+(?:всу|зсу|украины|вс\s+украины)|генеральн\w+\s+штаб\w*\s+(?:всу|зсу|вс\s+украины)",
            r"сырск\w+|главком\w*\s+всу",
            r"генштаб\w*(?:\s+зсу)?|генеральн\w+\s+штаб\w*(?:\s+зсу|\s+збройних\s+сил(?:\s+україни)?)?",
            r"сирськ\w+|головнокомандувач\w*(?:\s+зсу)?",
            r"(?:в|у)\s+(?:зсу|всу)",
        ),
    ),
    Claimant(
        "ua-president",
        "UA",
        "person",
        "Ukraine's president",
        (
            r"(?:volodymyr\s+|wolodymyr\s+)?zelensk(?:yy|iy|yi|y|i)",
            rf"{_UA_ADJ}\s+president|president\s+of\s+ukraine",
            r"(?:andriy\s+)?yermak|(?:the\s+)?(?:presidential\s+office|office\s+of\s+the\s+president)",
            r"зеленск\w+|президент\w*\s+украины",
            r"зеленськ\w+|президент\w*\s+україни|офіс\w*\s+президента|єрмак\w*|ермак\w*",
        ),
    ),
    Claimant(
        "ru-president",
        "RU",
        "person",
        "Russia's president",
        (
            r"(?:vladimir\s+)?putin",
            rf"{_RU_ADJ}\s+president|president\s+of\s+russia",
            r"(?:dmitry\s+)?peskov",
            r"путин\w*|путін\w*|песков\w*|пєсков\w*",
        ),
    ),
    Claimant("ru-president", "RU", "org", "the Kremlin", (r"(?:the\s+)?kremlin", r"кремл\w*")),
    Claimant(
        "isw",
        "independent",
        "org",
        "ISW",
        (
            r"isw",
            r"(?:the\s+)?institute\s+for\s+the\s+study\s+of\s+war",
            r"институт\w*\s+(?:по\s+)?изучени\w+\s+войны",
            r"інститут\w*\s+(?:з\s+)?вивчення\s+війни",
        ),
    ),
    Claimant(
        "deepstate",
        "independent",
        "org",
        "DeepState",
        (r"deep\s?state(?:\s?map)?", r"дипстейт\w*|діпстейт\w*"),
    ),
    Claimant(
        "kursk-authorities",
        "RU",
        "person",
        "the Kursk regional authorities",
        (
            r"(?:acting\s+)?(?:kursk\s+)?(?:regional\s+)?governor(?:\s+(?:alexei|alexey|alexander|aleksandr))?"
            r"(?:\s+(?:smirnov|khinshtein|khinstein))?",
            r"khinshtein|khinstein|(?:alexei\s+)?smirnov",
            r"kursk\s+regional\s+(?:leadership|authorities|administration|government)",
            r"(?:врио\s+)?губернатор\w*(?:\s+курской\s+области)?|хинштейн\w*|смирнов\w*",
            r"(?:тво\s+)?губернатор\w*(?:\s+курської\s+області)?|хінштейн\w*",
            r"власт\w+\s+курской\s+области|влад\w+\s+курської\s+області",
        ),
    ),
    Claimant(
        "ru-military-bloggers",
        "RU",
        "org",
        "Russian military bloggers",
        (
            r"rybar|(?:the\s+)?two\s+majors|(?:yuri\s+)?podolyak[ai]?|(?:roman\s+)?alekhin|(?:vladimir\s+)?romanov",
            r"(?:pro-russian\s+|russian\s+|pro-war\s+|pro-kremlin\s+)?(?:military\s+)?bloggers?|milbloggers?",
            r"(?:russian\s+|pro-war\s+)?war\s+correspondents?|pro-war\s+telegram\s+channels?|z-bloggers?",
            r"рыбар\w*|рибар\w*|два\s+майора|двоє\s+майорів|подоляк\w*|алехин\w*|альохін\w*",
            r"военкор\w*|воєнкор\w*|военн\w+\s+блогер\w*|військов\w+\s+блогер\w*|z-блогер\w*|zблогер\w*",
            r"военблогер\w*|воєнблогер\w*|провоенн\w+\s+(?:блогер\w*|канал\w*)|провоєнн\w+\s+(?:блогер\w*|канал\w*)",
        ),
    ),
    Claimant("tass", "RU", "org", "TASS", (r"tass", r"тасс", r"тасс\w*")),
    Claimant(
        "ru-duma",
        "RU",
        "org",
        "the State Duma",
        (
            r"(?:the\s+)?state\s+duma",
            r"госдум\w*|государственн\w+\s+дум\w*",
            r"держдум\w*|державн\w+\s+дум\w*",
        ),
    ),
    Claimant(
        "ru-duma",
        "RU",
        "person",
        "a State Duma deputy",
        (
            r"(?:andrei\s+|andrey\s+)?kartapolov|(?:vyacheslav\s+)?volodin",
            r"(?:андрей\s+)?картаполов\w*|(?:вячеслав\w*\s+)?володин\w*|(?:андрій\s+)?картаполов\w*|володін\w*",
        ),
    ),
    Claimant(
        "ua-defence-ministry",
        "UA",
        "org",
        "Ukraine's defence ministry",
        (
            rf"{_UA_ADJ}\s+(?:{_DEF}\s+ministry|ministry\s+of\s+{_DEF})",
            r"міноборони\s+україни|міністерств\w*\s+оборони\s+україни|минобороны\s+украины",
        ),
    ),
    Claimant(
        "ua-defence-ministry",
        "UA",
        "person",
        "Ukraine's defence minister",
        (
            rf"(?:rustem\s+)?umerov|{_UA_ADJ}\s+{_DEF}\s+minister",
            r"(?:рустем\s+)?(?:умєров\w*|умеров\w*)|міністр\w*\s+оборони\s+україни|министр\w*\s+обороны\s+украины",
        ),
    ),
    Claimant(
        "ua-cpd",
        "UA",
        "org",
        "Ukraine's Center for Countering Disinformation",
        (
            r"(?:the\s+)?cent(?:er|re)\s+for\s+countering\s+disinformation",
            r"центр\w*\s+протидії\s+дезінформації|цпд|центр\w*\s+противодействия\s+дезинформации",
        ),
    ),
    Claimant(
        "ua-cpd",
        "UA",
        "person",
        "the head of Ukraine's Center for Countering Disinformation",
        (
            r"(?:andriy\s+|andrii\s+)kovalenko",
            r"(?:андрій|андрея|андрей|андрія)\s+коваленк\w*",
        ),
    ),
    Claimant("us-president", "independent", "person", "the US president", (r"(?:donald\s+)?trump", r"трамп\w*")),
    Claimant("cit", "independent", "org", "the Conflict Intelligence Team", (r"conflict\s+intelligence\s+team",)),
    Claimant("black-bird-group", "independent", "org", "the Black Bird Group", (r"black\s+bird\s+group",)),
    Claimant("meduza", "independent", "org", "Meduza", (r"meduza", r"медуз[аыеу]")),
    Claimant("reuters", "independent", "org", "Reuters", (r"reuters", r"рейтер\w*")),
    Claimant("afp", "independent", "org", "AFP", (r"afp|agence\s+france[-\s]presse",)),
    # The states themselves: "Russia said", "Kyiv denies". Coded as their usual voice, flagged as generic.
    Claimant(
        "ru-mod",
        "RU",
        "state",
        "Russia",
        (
            r"russia|moscow|russian\s+officials|(?:the\s+)?russian\s+side",
            r"росси[яиюей]|россией|москв[аыеуо]|москвой|росі[яїюєі]|росією|москв[аиіуою]|москвою|рф",
        ),
    ),
    Claimant(
        "ua-general-staff",
        "UA",
        "state",
        "Ukraine",
        (
            r"ukraine|kyiv|kiev|ukrainian\s+officials|(?:the\s+)?ukrainian\s+side",
            r"украин[аыеуо]|украиной|киев[аеу]?|києв[аіу]?|київ|україн[аиіуо]|україною",
            r"всу|зсу|сил\w*\s+оборони(?:\s+україни)?",
        ),
    ),
)

#: Claimants written only in capitals (a lower-case "cit" is not the Conflict Intelligence Team).
CASE_SENSITIVE: Final = {"cit": r"CIT"}

#: Phrases that point back to a claimant named before ("the ministry said", "it added"), with the
#: claimants each can mean (a set of slugs, a kind, or ``None`` for any).
COREFERENCE: Final[tuple[tuple[str, frozenset[str] | str | None], ...]] = (
    (
        rf"(?:the\s+)?(?:{_DEF}\s+)?(?:ministry|department)|ведомств\w*|министерств\w*|відомств\w*|міністерств\w*",
        frozenset({"ru-mod", "ua-defence-ministry"}),
    ),
    (r"(?:the\s+)?general\s+staff|генштаб\w*", frozenset({"ua-general-staff", "ru-mod"})),
    (
        r"(?:the\s+)?(?:military|army|armed\s+forces|command)|военн\w+|військов\w+|командовани\w+|командуванн\w+",
        frozenset({"ua-general-staff", "ru-mod"}),
    ),
    (r"(?:the\s+)?(?:institute|think\s+tank)|институт\w*|інститут\w*", frozenset({"isw"})),
    (
        r"(?:the\s+)?(?:monitoring\s+)?(?:group|project|map)|проект\w*|мапа|карта",
        frozenset({"deepstate", "black-bird-group", "cit"}),
    ),
    (r"(?:the\s+)?governor|губернатор\w*", frozenset({"kursk-authorities"})),
    (r"(?:the\s+)?(?:president|leader)|президент\w*", frozenset({"ua-president", "ru-president", "us-president"})),
    (r"(?:the\s+)?(?:bloggers?|channels?)|блогер\w*|канал\w*", frozenset({"ru-military-bloggers"})),
    (r"(?:the\s+)?(?:statement|report|update|briefing|assessment|post)|заявлени\w+|сводк\w+|заяв\w+|зведенн\w+", None),
    (r"he|she|он|она|він|вона", "person"),
    (r"they|it|они|оно|вони|воно", None),
)

#: Attribution generic enough to be the outlet's own voice ("according to open-source maps").
GENERIC_ATTRIBUTION: Final = (
    r"(?:open[-\s]source\s+)?(?:maps?|reports?|sources?|analysts?|observers?|media|figures|numbers|estimates)",
    r"(?:battlefield|frontline)\s+maps?",
    # the evidence itself: "footage suggested", "according to videos reviewed by ..."
    r"(?:geolocated\s+|satellite\s+|published\s+|new\s+|combat\s+)?(?:footage|videos?|images?|imagery|photos?|"
    r"photographs?|data|tally|analysis)",
    r"(?:геолоцированн\w+\s+|опубликованн\w+\s+|спутников\w+\s+)?(?:видео\w*|кадр\w*|снимк\w*|фото\w*|данн\w+)",
    r"(?:геолоковані\w*\s+|геолокован\w+\s+|опублікован\w+\s+|супутников\w+\s+)?(?:відео\w*|кадр\w*|знімк\w*|"
    r"фото\w*|дан\w+)",
)

#: Someone who is not a claimant of the ledger: what such a person says is not the outlet's claim.
UNKNOWN_SPEAKERS: Final = (
    r"soldiers?|residents?|locals?|analysts?|experts?|observers?|commentators?|witness(?:es)?|journalists?|"
    r"volunteers?|villagers?|sources?\s+(?:close|familiar)|an?\s+(?:\w+\s+){0,2}?sources?|an?\s+official|officials|"
    r"(?:\w+\s+)?sources?\s+(?:in|at|within)\s+the\s+\w+|commanders?\s+on\s+the\s+ground|servicem[ae]n|"
    r"(?:the\s+)?(?:state\s+)?border\s+(?:guards?|service)(?:\s+spokes(?:man|woman|person))?|iaea|grossi|"
    r"(?:the\s+)?(?:sumy|kharkiv|belgorod)\s+(?:regional\s+)?(?:military\s+)?administration|mayors?|"
    r"(?:the\s+)?(?:foreign|interior)\s+ministry|prosecutors?|diplomats?|"
    r"солдат\w*|военнослужащ\w+|жител\w+|местн\w+|аналитик\w*|эксперт\w*|наблюдател\w+|свидетел\w+|журналист\w*|"
    r"волонтер\w*|источник\w*|собеседник\w*|военный|военные|боец|бойцы|погранслужб\w+|пограничник\w*|магатэ|гросси|"
    r"МИД\w*|мэр(?:а|ом|у)?|глав\w+\s+сумской\s+\w+|"
    r"солдат\w*|військовослужбов\w+|мешкан\w+|місцев\w+|аналітик\w*|експерт\w*|спостерігач\w*|свідк\w+|"
    r"журналіст\w*|волонтер\w*|джерел\w+|співрозмовник\w*|військовий|військові|боєць|бійці|дпсу|демченк\w*|"
    r"прикордонн\w+\s+служб\w+|прикордонник\w*|магате|гроссі|мзс|сумськ\w+\s+ова|ова|обладміністраці\w*|"
    r"голов\w+\s+сумськ\w+\s+\w+|мер\w*",
)

#: Speech verbs and phrases: they mark who is talking and split what is said from who says it.
SPEECH: Final = (
    r"said|says|say|saying|stated|states|stating|claimed|claims|claim|claiming|reported|reports|reporting|announced|"
    r"announces|confirmed|confirms|declared|declares|insisted|insists|told|wrote|writes|posted|added|adds|noted|"
    r"notes|noting|acknowledged|acknowledges|admitted|admits|assessed|assesses|assessment|indicated|indicates|"
    r"asserted|asserts|showed|shows|marks|marked|cited|citing|announcing|confirming|adding|insisting|according\s+to|"
    r"in\s+(?:a|its|his|her|their)\s+(?:statement|report|update|briefing)|published|publishes|estimated|estimates|"
    r"suggested|suggests|calculated|counted|explained|stressed|emphasi[sz]ed|conceded|boasted|"
    r"(?:mapped|map(?:s)?)\s+(?:\w+\s+)?as|(?:updated|updates)\s+(?:its|their)\s+maps?",
    # verbs only: "заявил" speaks, "заявление" (a statement) does not
    r"заяви(?:л|ла|ли|ло|т|ть)\w*|заявля\w+|сообщи(?:л|ла|ли|ло|т)\w*|сообща\w+|утвержда\w+|"
    r"подтверди(?:л|ла|ли|ло)\w*|подтвержда\w+|объяви(?:л|ла|ли|ло)\w*|объявля\w+|доложи\w+|докладыва\w+|"
    r"рассказа(?:л|ла|ли|ло)|отмети(?:л|ла|ли|ло)|отмеча\w+|написа(?:л|ла|ли|ло)|пишет|пишут|"
    r"призна(?:л|ла|ли|ло|ет|ют)\w*|оценива\w+|говорится|по\s+данным|по\s+словам|по\s+информации|согласно|"
    r"по\s+оценк\w+|показыва\w+|показа(?:л|ла|ли|ло)|обознача\w+|обозначи(?:л|ла|ли|ло)|отмечает\s+на\s+карте|"
    r"опубликова(?:л|ла|ли|ло)|публику\w+|подчеркну(?:л|ла|ли|ло)|подчеркива\w+|уточни(?:л|ла|ли|ло)|"
    r"поясни(?:л|ла|ли|ло)|сказа(?:л|ла|ли|ло)|добави(?:л|ла|ли|ло)|передает|передают|подсчита(?:л|ла|ли|ло)|"
    r"фиксиру\w+|зафиксирова(?:л|ла|ли|ло)|доклад(?:ывал|ывали)|сообщало|сообщали|счита(?:ет|ют|л|ла|ли)",
    r"заяви(?:в|ла|ли|ло|ть)|заявля\w+|повідоми(?:в|ла|ли|ло|ть)|повідомля\w+|стверджу\w+|вважа(?:є|ють|в|ла|ли)|"
    r"підтверди(?:в|ла|ли|ло)|підтверджу\w+|оголоси(?:в|ла|ли|ло)|доповіда\w+|доповів|доповіла|доповіли|"
    r"розповіда\w+|розповів|розповіла|зазнач(?:ив|ила|или|ає|ають)|написа(?:в|ла|ли)|пише|пишуть|"
    r"визна(?:в|ла|ли|є|ють)|оціню\w+|йдеться|за\s+даними|за\s+словами|за\s+інформацією|згідно\s+з|"
    r"за\s+оцінк\w+|показу\w+|показа(?:в|ла|ли|ло)|позначає|позначають|позначи(?:в|ла|ли|ло)|"
    r"опублікува(?:в|ла|ли|ло)|публіку\w+|наголоси(?:в|ла|ли|ло)|наголошу\w+|підкресли(?:в|ла|ли|ло)|"
    r"уточни(?:в|ла|ли|ло)|поясни(?:в|ла|ли|ло)|сказа(?:в|ла|ли|ло)|дода(?:в|ла|ли|ло)|підрахува(?:в|ла|ли|ло)|"
    r"фіксу\w+|зафіксува(?:в|ла|ли|ло)|інформу\w+|поінформува(?:в|ла|ли|ло)",
)

#: Words for a side's troops. Each pattern gives the side it names ("own"/"enemy": the claimant's or not).
SIDES: Final = (
    (
        r"(?:ukrainian|ukraine[’']?s|kyiv[’']?s)\s+(?:\w+\s+)?(?:forces|troops|units|soldiers|army|military|fighters|"
        r"brigades?|defenders|marines|paratroopers|servicemen|formations|groups?|assault\s+groups?|columns?|armou?r|"
        r"tanks|vehicles|infantry|detachments?|battalions?|regiments?|companies|drones?|aircraft|aviation|artillery)",
        "UA",
    ),
    (r"ukraine|kyiv|kiev|the\s+ukrainians", "UA"),
    (
        r"(?:russian|russia[’']?s|moscow[’']?s|north\s+korean)\s+(?:\w+\s+)?(?:forces|troops|units|soldiers|army|"
        r"military|fighters|brigades?|servicemen|formations|groups?|paratroopers|marines|columns?|armou?r|tanks|"
        r"vehicles|infantry|detachments?|battalions?|regiments?|companies|drones?|aircraft|aviation|artillery)",
        "RU",
    ),
    (r"russia|moscow|the\s+russians|north\s+koreans", "RU"),
    (r"(?:north|northern|sever)\s+(?:group|grouping)(?:\s+of\s+forces)?", "RU"),
    (r"всу|зсу|украинск\w+\s+(?:войск\w*|военн\w+|подразделени\w+|сил\w*|боевик\w*|формировани\w+)", "UA"),
    (
        r"украин\w+|киев\w*|україн\w+|київ\w*|сил\w+\s+оборони|українськ\w+\s+(?:військ\w*|військов\w+|підрозділ\w*|"
        r"сил\w*|захисник\w*|воїн\w*|бійц\w*)",
        "UA",
    ),
    (
        r"российск\w+\s+(?:войск\w*|военн\w+|подразделени\w+|сил\w*|арми\w+|бойц\w*)|вс\s+рф|армия\s+россии|"
        r"группировк\w+\s+(?:войск\s+)?[«\"]?север\w*[»\"]?",
        "RU",
    ),
    (
        r"російськ\w+\s+(?:військ\w*|військов\w+|підрозділ\w*|сил\w*|армі\w+|окупант\w*)|окупант\w*|оккупант\w*|"
        r"росіян\w*|россиян\w*|росси\w+|росі\w+|рф|угрупован\w+\s+(?:військ\s+)?[«\"]?північ\w*[»\"]?",
        "RU",
    ),
    (r"(?:its|their|his|our)\s+(?:own\s+)?(?:forces|troops|units|soldiers|fighters|defenders|servicemen)", "own"),
    (
        r"наш\w*\s+(?:войск\w*|подразделени\w+|бойц\w*|военн\w+|сил\w*)|наш\w*\s+(?:військ\w*|підрозділ\w*|воїн\w*|"
        r"захисник\w*|сил\w*|бійц\w*)",
        "own",
    ),
    (r"(?:the\s+)?enemy(?:\s+(?:forces|troops|units))?|противник\w*|враг\w*|неприятел\w*|ворог\w*|ворож\w+", "enemy"),
)

#: Trigger words, by what they say about a place. Each is (pattern, class).
#: capture: the actor takes it; retake: the actor takes it back (its owner, when no actor is named);
#: hold: the actor holds it; lose: the actor leaves it; presence: fighting or troops in or near it;
#: attack: an attempted advance or a strike near it (never a change of control); advance: a move of N km.
TRIGGERS: Final = (
    # English
    (
        r"(?:took|take[ns]?|taking|gained|gains?|established|establish(?:es)?|seized?|assumed|extended)\s+(?:full\s+)?"
        r"control\s+(?:of|over)",
        "capture",
    ),
    (
        r"captur(?:ed|es|e|ing)|took|tak(?:en|es|ing)|seiz(?:ed|es|e|ing)|occup(?:ied|ies|y|ying)|overran|overrun",
        "capture",
    ),
    (r"fell\s+to|fallen\s+to", "capture"),
    (
        r"(?:drove|driven|pushed|forced|kicked|ousted)\s+(?:\w+\s+){0,3}?(?:out|back)\s+(?:of|from)|"
        r"(?:ousted|expelled|dislodged|evicted)\s+(?:\w+\s+){0,3}?from",
        "expel",
    ),
    (
        r"(?:re)?gain(?:ed)?\s+control|retook|retak(?:en|es|ing)|recaptur(?:ed|es|e|ing)|regain(?:ed|s)?|"
        r"reclaim(?:ed|s|ing)?|won\s+back|liberat(?:ed|es|e|ing|ion\s+of)|freed|cleared\s+(?=(?-i:[A-Z]))|"
        r"(?:fully|completely)\s+cleared|completed\s+(?:the\s+)?(?:liberation|clearing|capture)",
        "retake",
    ),
    (
        r"hold(?:s|ing)?|held|control(?:s|led|ling)?|retain(?:s|ed)?|"
        r"(?:remain(?:s|ed)?|is|are|was|were)\s+(?:still\s+|now\s+|partly\s+|partially\s+|largely\s+|fully\s+){0,2}"
        r"(?:in|under)\s+(?:\w+\s+){0,2}(?:control|hands)",
        "hold",
    ),
    (
        r"withdr(?:ew|awn|aws|aw)\s+from|withdrawal\s+from|pull(?:ed|s|ing)?\s+(?:back|out)\s+(?:of|from)|"
        r"retreat(?:ed|s|ing)?\s+from|lost|los(?:es|ing)|abandon(?:ed|s)?|left|"
        r"(?:were|was|been)\s+(?:driven|pushed|forced|kicked|ousted)\s+(?:\w+\s+)?(?:out|back)\s+(?:of|from)",
        "lose",
    ),
    (
        r"(?:fight(?:ing|s)?|battl(?:es?|ing)|clash(?:es)?|combat|skirmish(?:es)?|firefights?|hostilities|"
        r"operations)\s+(?:(?!with\b|alongside\b|on\b|against\b)\w+\s+){0,2}?"
        r"(?:in|for|near|around|at|on\s+the\s+outskirts\s+of|outside|inside)|"
        r"(?:fighting|combat|battles?|clashes|hostilities)\s+(?:is|was|are|were)\s+(?:also\s+|still\s+)?"
        r"(?:under\s+way|underway|ongoing|continuing|raging|going\s+on)\s+(?:in|near|around|for)",
        "presence",
    ),
    (
        r"entered|broke\s+into|advanc(?:ed|ing)\s+(?:in|into|inside)|positions?\s+(?:in|near|around|at)|"
        r"(?:pushed|pressed|moved|forced\s+(?:their|its)\s+way|fought\s+(?:their|its)\s+way)\s+(?:deeper\s+|further\s+)?"
        r"(?:into|inside)|(?:are|is|were)\s+(?:now|already)\s+(?:in|inside)|"
        r"(?:reached|on|at|to)\s+the\s+(?:outskirts|edges?)\s+of|mop(?:ping)?[-\s]up\s+(?:operations\s+)?in|"
        r"clearing\s+(?=(?-i:[A-Z]))|"
        r"clearing\s+operations\s+in|"
        r"(?:encircl|surround)(?:ed|ing|es)|(?:grey|gray)\s+zone|contested|holding\s+out\s+in|"
        r"defend(?:ing|s)?\s+(?:\w+\s+)?(?:in|near)|"
        r"(?:are|is|were|remain(?:s|ed)?|still|continue\s+to\s+be)\s+(?:present|operating|active|fighting|entrenched|dug\s+in)\s+"
        r"(?:in|near|around)|(?:are|is|were)\s+still\s+(?:in|inside)|(?:still\s+)?remain(?:s|ed|ing)?\s+(?:in|inside)|"
        r"there\s+(?:are|is|were|remain)\s+(?:still\s+)?(?:\w+\s+){0,2}(?:units|troops|forces|soldiers|groups|fighters)\s+"
        r"(?:in|near|around)",
        "presence",
    ),
    (
        r"(?:repell?(?:ed|s|ing)?|repuls(?:ed|es|e|ing)|beat(?:en)?\s+(?:off|back)|fended\s+off|fought\s+off|"
        r"thwart(?:ed|s)?|"
        r"halt(?:ed|s)?|stopp?(?:ed|s)?|foil(?:ed|s)?)\s+(?:\w+\s+){0,5}?(?:attacks?|assaults?|attempts?|advances?|"
        r"offensives?|counter-?attacks?|counter-?offensives?|raids?|pushe?s?)",
        "attack",
    ),
    (
        r"(?:attempt(?:ed|s|ing)?|tr(?:ied|ying|ies)|sought|seeking)\s+to\s+(?!say|deny|claim|hide|explain)\w+|"
        r"(?:press(?:ed|es|ing)?|push(?:ed|es|ing)?|driv(?:e|es|ing)|mov(?:ed|ing))\s+(?:on\s+)?towards?|"
        r"clos(?:ed|ing)\s+in\s+on|approach(?:ed|ing)|"
        r"(?:broke|broken|breaking)\s+through\s+(?:\w+\s+){0,2}?(?:to|towards?|near|around|"
        r"(?:north|south|east|west)\w*\s+of)|"
        r"(?:counter-?)?attack(?:s|ed|ing)?\s+(?:on|towards?|near|in\s+the\s+direction\s+of|in\s+the\s+area\s+of)|"
        # "attacked Ukrainian positions near X": an attack there, not positions held (rule 13)
        r"(?:counter-?)?attack(?:s|ed|ing)?\s+(?:\w+\s+){0,3}?positions?\s+(?:in|near|around|at|close\s+to|outside)|"
        r"advanc(?:ed|ing|es?)\s+(?:(?![0-9]|in\b|into\b|inside\b|and\b|up\b)\w+\s+){0,3}?(?:near|around|towards?|"
        r"to(?!\s+(?:within|about|some|around|\d))|close\s+to|"
        r"(?:north|south|east|west)\w*\s+(?:of|from))|"
        r"assaults?\s+(?:on|towards?|near|against)|storm(?:ed|ing|s)?|offensive\s+(?:on|towards?)|"
        # "Ukrainian forces had been stopped near X": the side stopped attacked there
        r"(?:were|was|had\s+been|have\s+been|been)\s+(?:\w+ly\s+)?(?:stopped|halted|beaten\s+back|pushed\s+back|"
        r"held\s+off)\s+(?:near|at|around|outside|close\s+to|on\s+the\s+approaches\s+to)",
        "attack",
    ),
    (
        r"(?:struck|hit|strik(?:es|ing)|shell(?:ed|ing)|target(?:ed|ing)|pounded|destroyed|eliminated|wiped\s+out|"
        r"(?:air\s*)?strikes?\s+(?:on|against))\s+(?:\w+\s+){0,7}?"
        r"(?:near|around|in\s+the\s+area\s+of|in\s+the\s+areas\s+of|close\s+to|in|at|(?:outskirts|edges?)\s+of)",
        "strike",
    ),
    (r"advanc(?:ed|es|ing|ements?)|advance|push(?:ed|ing)|moved\s+forward|progress(?:ed)?|gain(?:s|ed)?", "advance"),
    # Russian
    (r"освобо[дж]\w*|освободи\w*|вызвол\w*", "retake"),
    (r"отби(?:ли|л|та|т)\s+(?:у\s+\w+\s+)?(?:сел\w+|посел\w+|населенн\w+|населённ\w+|деревн\w+|хутор\w*)", "retake"),
    (
        r"верну\w+\s+(?:под\s+)?контроль|восстанови\w+\s+контроль|зачисти(?:ли|л|ла|ть)\w*|зачищен\w*|"
        r"(?:заверши\w+|закончи\w+)\s+зачистку",
        "retake",
    ),
    (r"взя(?:л|ли|ла|т|то|ты)\b|взяти\w*|захват\w*|захвач\w*|овладе\w+|заня(?:л|ли|ла|т|то|ты)\b", "capture"),
    (r"(?:установи\w+|взя\w+)\s+(?:полный\s+)?контроль|перешл\w+\s+под\s+контроль", "capture"),
    (r"выбил\w*|вытесни\w+", "expel"),
    (
        r"(?:(?:находит|наход|оста[её]т|остаются|остава)\w*\s+)?под\s+(?:\w+\s+)?контролем|контролир\w+|удержива\w+|"
        r"удерж\w+|подконтрольн\w+",
        "hold",
    ),
    (
        r"отступи\w+|отош(?:ли|ел|ёл)|отход\w*|выш(?:ли|ел)\s+из|покину\w+|покида\w+|оставил\w*|потеря\w+|"
        r"вытеснен\w*|выдавлен\w*|выбит[ыао]?\s+из",
        "lose",
    ),
    (
        r"бо(?:и|ёв|ев|ях|й|ем|ями)\b|сражени\w*|столкновени\w*|боестолкновени\w*|боев\w+\s+действи\w+|"
        r"вош(?:ли|ел|ёл)\s+в|зашл?и\s+в|закрепи\w+|позици\w+\s+(?:в|во|на|у|под|около|возле|близ)|окружен\w*|окружи\w+|блокирова\w+|"
        r"сер\w+\s+зон\w*|присутств\w+|наход\w+\s+в|оста\w+\s+в|обороня\w+\s+в|"
        r"продвину\w+\s+(?:в|у)\b|зачистк\w+|зачища\w+|(?:действуют|действовали|действует)\s+(?:\w+\s+)?в\b|"
        r"(?:контр)?наступательн\w+\s+действи\w+\s+в\b|продвижени\w+\s+(?:\w+\s+){0,2}?в\s+(?:\w+\s+)?(?:част\w+|"
        r"центр\w*)|(?:вышли|вышел|подошли|подошел|подошёл)\s+(?:к|на)\s+"
        r"(?:окраин\w+|околиц\w+)|на\s+окраин\w+|(?:ведут|ведет|ведёт|идут|идет|идёт)\s+бо\w+|операци\w+\s+(?:\w+\s+){0,2}?в\b",
        "presence",
    ),
    (
        # "атаковали позиции ВСУ у X": an attack there, not positions held (before the bare "атак\w+")
        r"атак\w+\s+(?:\S+\s+){0,3}?позици\w+\s+(?:в|во|на|у|под|около|возле|близ)|"
        r"(?:отрази\w+|отраж\w+|отби(?:ли|л|ты|та|то))\s+(?:\S+\s+){0,3}?(?:атак|штурм|наступ|попыт|контратак)\w*|"
        r"отрази\w+|отраж\w+|сорва\w+|попытк\w+\s+(?:прорыва|наступлени\w+|"
        r"атак\w+|контратак\w+)|пыта\w+\s+(?:прорваться|наступать|атаковать|продвинуться|контратаковать|выбить|"
        r"вытеснить|окружить|захватить|взять|отбить)|пыта\w+\s+(?:\w+\s+)?\w+(?:ть|ться)\b|атак\w+|контратак\w+|"
        r"наступлени\w+\s+(?:на|в\s+районе|в\s+направлении|под|у|около)|наступа\w+\s+на|"
        r"штурм\w*(?!\s+(?:подразделени|групп|отряд|бригад|батальон|рот)\w*)|пресеч\w+|"
        r"прорыв\w*\s+(?:к|в\s+район\w*|в\s+направлении)|прорва\w+\s+(?:к|в\s+район\w*|в\s+направлении)|"
        r"попытк\w+\s+(?:прорваться|прорыва\w*|наступать|продвинуться|атаковать)|"
        r"останов(?:лен\w*|или|ил)\s+(?:\S+\s+){0,2}?(?:у|под|около|возле|близ|на\s+подступах\s+к)|"
        r"продвину\w+\s+(?:(?![0-9]|в\b|у\b|и\b|километр|км\b|метр)\w+\s+)?(?:под|около|возле|к|в\s+районе|в\s+направлении|севернее|южнее|западнее|"
        r"восточнее|северо-\w+|юго-\w+)\b|"
        r"пресек\w+",
        "attack",
    ),
    (r"нанес\w+\s+поражени\w+|пораже\w+|пораз\w+|удар\w*\s+по|уничтож\w+|ликвидир\w+", "strike"),
    (r"продвину\w+|продвига\w+|продвижени\w+", "advance"),
    # Ukrainian
    (r"звільн\w+|визвол\w+", "retake"),
    (
        r"відби(?:ли|в|то)\s+(?:\w+\s+)?(?:сел\w+|селищ\w+|населен\w+|хутір|хутор\w*)|поверну\w+\s+під\s+контроль|"
        r"зачисти(?:ли|в|ла|ти)\w*|зачищен\w*|(?:заверши\w+|закінчи\w+)\s+зачистку",
        "retake",
    ),
    (r"захопи\w+|захопл\w+|заволоді\w+|зайня(?:ли|в|ла|то)\b|взя(?:ли|в|ла|то)\b|окупува\w+|окупова\w+", "capture"),
    (r"(?:встанови\w+|взя\w+)\s+(?:повний\s+)?контроль|перейш\w+\s+під\s+контроль", "capture"),
    (r"вибили|витісни\w+", "expel"),
    (
        r"(?:(?:перебува|залиша)\w*\s+)?під\s+(?:\w+\s+)?контролем|контролю\w+|утриму\w+|підконтрольн\w+",
        "hold",
    ),
    (
        r"відступи\w+|відійш\w+|відхід|відход\w+|вийш(?:ли|ов)\s+з|покину\w+|залиши\w+|втрати\w+|витіснен\w*|"
        r"вибиті\s+з",
        "lose",
    ),
    (
        r"бо(?:ї|їв|ях|ями)\b|бій\b|зіткнен\w+|боєзіткнен\w+|бойов\w+\s+ді\w+|зайш(?:ли|ов)\s+в|увійш(?:ли|ов)\s+в|"
        r"закріпи\w+|позиці\w+\s+(?:в|у|на|біля|поблизу|під)|оточен\w*|оточи\w+|заблоков\w+|сір\w+\s+зон\w*|присутн\w+|"
        r"перебува\w+\s+(?:в|у)|залиша\w+\s+(?:в|у)|обороня\w+\s+(?:в|у)|просуну\w+\s+(?:в|у)\b|"
        r"зачистк\w+|зачища\w+|(?:вийшли|вийшов|підійшли|підійшов)\s+(?:до|на)\s+(?:околиц\w+|окраїн\w+)|"
        r"на\s+околиц\w+|(?:ведуть|веде|тривають|точаться)\s+бо\w+|операці\w+\s+(?:\w+\s+){0,2}?(?:в|у)\b|"
        r"(?:діють|діяли|діє)\s+(?:\w+\s+)?(?:в|у)\b|наступальн\w+\s+ді\w+\s+(?:в|у)\b|"
        r"просуванн\w+\s+(?:(?!на\b)\w+\s+){0,2}?(?:в|у)\s+(?:(?-i:[а-яіїєґ])\w*\s+)?(?:частин\w+|центр\w*|межах)",
        "presence",
    ),
    (
        r"атак\w+\s+(?:\S+\s+){0,3}?позиці\w+\s+(?:в|у|на|біля|поблизу|під)|"
        r"відби(?:ли|в|то|ті|та)\s+(?:\S+\s+){0,3}?(?:атак|штурм|наступ|спроб|контратак)\w*|відбива\w+|зірва\w+|спроб\w+\s+(?:прориву|наступу|атак\w+|"
        r"просуван\w+)|намага\w+\s+(?:\w+\s+)?\w+(?:ти|тися|тись)\b|атак\w+|контратак\w+|"
        r"наступ\w*\s+(?:на|в\s+районі|у\s+районі|в\s+напрямку|у\s+напрямку|біля|під)|"
        r"штурм\w*(?!\s+(?:підрозділ|груп|загон|бригад|батальйон|рот)\w*)|"
        r"прорив\w*\s+(?:до|в\s+район\w*|у\s+напрямку)|прорва\w+\s+(?:до|в\s+район\w*|[ву]\s+напрямку)|"
        r"спроб\w+\s+прорватися|зупин(?:ен\w*|или|ив)\s+(?:\S+\s+){0,2}?(?:біля|під|поблизу|на\s+підступах\s+до)|"
        r"просун\w+\s+(?:(?![0-9]|в\b|у\b|та\b|і\b|й\b|кілометр|км\b|метр)\w+\s+){0,4}?(?:під|біля|поблизу|до|в\s+районі|в\s+напрямку|північніше|південніше|"
        r"східніше|західніше|на\s+(?:північ|південь|схід|захід|північний\s+\w+|південний\s+\w+)\s+від)\b|"
        r"просуван\w+\s+(?:(?![0-9]|в\b|у\b|та\b|і\b|й\b|кілометр|км\b|метр)\w+\s+){0,4}?(?:під|біля|поблизу|на\s+(?:північ|південь|схід|захід)\w*\s+від)\b|"
        # "просування ... у лісосмузі на північ від X": a compass direction makes it an advance near X
        r"просу\w+\s+(?:(?![0-9]|кілометр|км\b|метр)\w+\s+){0,5}?(?:на\s+(?:північ|південь|схід|захід)\w*\s+від|"
        r"північніше|південніше|східніше|західніше)\b",
        "attack",
    ),
    (r"уразил\w*|ураж\w+|завда\w+\s+(?:\w+\s+)?(?:удар\w*|ураженн\w+)|знищ\w+|ліквідува\w+", "strike"),
    (r"просуну\w+|просува\w+|просуванн\w+", "advance"),
)

#: With one of these near it, a "hold" verb means a foothold, not the whole place: presence.
PARTIAL: Final = (
    r"footholds?|positions?|parts?\s+of|pockets?|bridgeheads?|outskirts|edges?\s+of|partly|partially|partial|"
    r"cent(?:re|er)\s+of",
    r"част\w*|окраин\w*|позици\w+|плацдарм\w*|центр\w*",
    r"частин\w*|окраїн\w*|позиці\w+|плацдарм\w*|центр\w*",
)

#: Negation: just before a trigger, it turns the statement round.
NEGATION: Final = (
    r"not|n[’']t|never|no|neither|nor|failed\s+to|without",
    r"не|ни|нет|никак|никогда",
    r"не|ні|немає|жодн\w+|ніколи",
)

#: A plan, a wish, a condition or a forecast: not a claim about the ground.
MODAL: Final = (
    r"could|would|might|may|will|shall|should|must|plans?\s+to|planning\s+to|planned\s+to|aims?\s+to|aiming\s+to|"
    r"aimed\s+to|intends?\s+to|intended\s+to|wants?\s+to|wanted\s+to|hopes?\s+to|hoping\s+to|seeks?\s+to|"
    r"ready\s+to|threaten(?:s|ed)?\s+to|expected\s+to|in\s+order\s+to|if|unless|once|prepar(?:es|ed|ing)\s+to|"
    r"preparing|goal|objective|vowed\s+to|promised\s+to|pledged\s+to|to\s+(?=retake|recapture|capture|take|regain)|"
    r"expects?\s+(?:\w+\s+){0,3}?to|expected|poised\s+to|whether|ordered\s+(?:\w+\s+){0,3}?to|tasked\s+with",
    r"может|могут|мог\w*|смож\w+|планир\w+|намерен\w*|намерева\w+|хоч\w+|хот\w+|собира\w+|готов\w*|будет|будут|"
    r"если|чтобы|цель\w*|попытает\w*|попытаться|обеща\w+|пообеща\w+|не\s+исключа\w+|не\s+исключено|"
    r"вероятно|возможно|задач\w+|приказ\w*|поручи\w+|поручени\w+|ожида\w+|прогноз\w*|грози\w+|угрожа\w+",
    r"може|можуть|міг|могли|змож\w+|планує|планують|плану\w+|має\s+намір|мають\s+намір|хоче|хочуть|збира\w+|"
    r"готов\w*|буде|будуть|якщо|щоб|мет\w+|обіця\w+|пообіця\w+|спробу(?:є|ють|вати)|не\s+виключа\w+|не\s+виключено|"
    r"ймовірно|можливо|завданн\w+|наказ\w*|доручи\w+|доручен\w+|очікуют\w*|очікує|прогноз\w*|загрож\w+",
)

#: Background: the clause restates an earlier event instead of claiming something new.
BACKGROUND: Final = (
    r"originally|initially|first|previously|once|last\s+year|earlier\s+(?:this|last)\s+year|"
    r"last\s+(?:summer|autumn|fall|winter|spring)|"
    r"since\s+the\s+(?:start|beginning)\s+of|"
    r"when\s+(?:ukraine|kyiv|russia|moscow)\s+(?:launched|began|started)|in\s+(?:early|mid|late)\s+\w+|"
    r"(?:in|since|last)\s+(?:january|february|march|april|may|june|july|august|september|october|november|december)"
    r"(?:\s+20[0-9]{2})?|(?:a|one|two|three|several|a\s+few)\s+(?:days?|hours?|weeks?)\s+after",
    r"ранее|прежде|изначально|первоначально|в\s+прошлом\s+году|прошлым\s+летом|летом\s+20[0-9]{2}|"
    r"через\s+(?:день|сутки|два\s+дня|неделю)\s+после|на\s+следующий\s+день\s+после|"
    r"прошлой\s+(?:осенью|зимой|весной)|"
    r"в\s+(?:начале|середине|конце)\s+\w+|в\s+(?:январе|феврале|марте|апреле|мае|июне|июле|августе|сентябре|"
    r"октябре|ноябре|декабре)(?:\s+20[0-9]{2})?|с\s+августа|недавно|когда-то",
    r"раніше|спочатку|первісно|минулого\s+року|торік|влітку\s+20[0-9]{2}|на\s+початку\s+\w+|"
    r"через\s+(?:день|добу|два\s+дні|тиждень)\s+після|наступного\s+дня\s+після|"
    r"минулого\s+літа|минулої\s+(?:осені|зими|весни)|"
    r"у\s+(?:січні|лютому|березні|квітні|травні|червні|липні|серпні|вересні|жовтні|листопаді|грудні)"
    r"(?:\s+20[0-9]{2})?|із\s+серпня|з\s+серпня|нещодавно",
)

#: Denial verbs: the claimant rejects what someone else said.
DENIAL: Final = (
    r"den(?:ied|ies|y|ying)|dismiss(?:ed|es|ing)?|refut(?:ed|es|e|ing)|reject(?:ed|s|ing)?|disput(?:ed|es|e|ing)|"
    r"rebuff(?:ed|s)?|(?:called|calling|branded|branding|labell?ed|described\s+as|dismissed\s+as)\s+(?:[^.;]{0,80}?\s)?"
    r"[\"“«']?(?:false|untrue|fake|lies|a\s+lie|propaganda|a\s+propaganda\s+\w+|(?:a\s+)?bluff|nonsense|fiction|"
    r"(?:a\s+)?fabrication|disinformation)|"
    r"(?:is|are|was|were)\s+(?:false|untrue|not\s+true|fake|a\s+lie)|do(?:es)?\s+not\s+reflect|did\s+not\s+reflect",
    r"опроверг\w*|опроверга\w+|отверг\w*|отрица\w+|назва\w+\s+(?:\w+\s+)?(?:ложью|фейком|неправдой|вбросом)|"
    r"не\s+соответству\w+\s+действительности|фейк\w*",
    r"спростува\w+|спростову\w+|запереч\w+|відкину\w+|відкида\w+|назва\w+\s+(?:\w+\s+)?(?:брехнею|фейком|неправдою|"
    r"вкидом)|не\s+відповіда\w+\s+дійсності|фейк\w*",
)

#: "Claims that ...": what follows is someone else's claim (quoted, reported or denied).
REPORTED_CLAIM: Final = (
    r"(?:claims?|reports?|statements?|assertions?|allegations?|announcements?|accounts?|assurances?)\s+"
    r"(?:(?:by|of)\s+(?:\S+\s+){0,3}?)?(?:of|that|about)|"
    # the noun only ("Russia's claim to have retaken X"); "the ministry claims to have" is its own claim
    r"(?:\w+[’']s|the|its|their|his|her)\s+claims?\s+to\s+have|"
    r"alleged(?:ly)?|so-called",
    r"(?:заявлени\w+|утверждени\w+|сообщени\w+)\s+(?:\S+\s+){0,3}?(?:о|об|что)|якобы|так\s+называем\w+",
    r"(?:заяв(?:а|и|у|ою|ам|ами|ах)?|твердженн\w+|повідомленн\w+)\s+(?:\S+\s+){0,3}?(?:про|що)|нібито|"
    r"так\s+зван\w+",
)

#: Encirclement words: "not surrounded", "no encirclement" deny a claim of encirclement.
ENCIRCLEMENT: Final = (
    r"surround\w*|encircl\w*|trapped|cut\s+off|cauldron",
    r"окружен\w*|котел|котл\w+",
    r"оточен\w*|котел|котл\w+",
)

#: The whole region: "the region", "the territory", used with a liberation or operations verb.
REGION_WORDS: Final = (
    r"the\s+(?:region|territory|oblast|area|border\s+region|whole\s+region|entire\s+region)",
    r"регион\w*|территори\w+|област\w+",
    r"регіон\w*|територі\w+|област\w+",
)

#: Compass directions, with their bearings in degrees.
DIRECTIONS: Final = {
    "north": 0,
    "north-east": 45,
    "northeast": 45,
    "east": 90,
    "south-east": 135,
    "southeast": 135,
    "south": 180,
    "south-west": 225,
    "southwest": 225,
    "west": 270,
    "north-west": 315,
    "northwest": 315,
    "север": 0,
    "северо-восток": 45,
    "восток": 90,
    "юго-восток": 135,
    "юг": 180,
    "юго-запад": 225,
    "запад": 270,
    "северо-запад": 315,
    "північ": 0,
    "північний схід": 45,
    "північно-схід": 45,
    "схід": 90,
    "південний схід": 135,
    "південно-схід": 135,
    "південь": 180,
    "південний захід": 225,
    "південно-захід": 225,
    "захід": 270,
    "північний захід": 315,
    "північно-захід": 315,
}

#: Units of figures: pattern -> (ledger unit, kind of figure).
UNITS: Final = (
    (r"square\s+kilomet(?:er|re)s?|sq\.?\s*km|km2|km²|kilomet(?:er|re)s?\s+squared|square\s+km", "km2", "area"),
    (r"кв(?:адратн\w+)?\.?\s*(?:км|кілометр\w*|километр\w*)|км2|км²", "km2", "area"),
    (r"square\s+miles?|sq\.?\s*mi(?:les?)?|квадратн\w+\s+мил\w*|кв\.?\s*мил\w*", "sq mi", "area"),
    (r"hectares?|га\b|гектар\w*", "ha", "area"),
    (
        r"(?:\w+\s+){0,2}?(?:settlements|villages|towns|localities|hamlets|communities|"
        r"settlement|village|town|locality)",
        "settlements",
        "count",
    ),
    (
        r"(?:\w+\s+)?(?:населенн\w+|населённ\w+)\s+пункт\w*|сел(?:а|ениях|ений)?\b|деревен\w*|сёл|сел\b",
        "settlements",
        "count",
    ),
    (r"(?:\w+\s+)?населен\w+\s+пункт\w*|сіл\b|села\b|селищ\w*", "settlements", "count"),
    (r"kilomet(?:er|re)s?|km\b|км\b|километр\w*|кілометр\w*", "km", "distance"),
    (r"miles?\b", "mi", "distance"),
    (r"met(?:er|re)s?\b|метр\w*", "m", "distance"),
)

#: Small numbers written as words.
NUMBER_WORDS: Final = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "dozen": 12,
    "a dozen": 12,
    "один": 1,
    "одного": 1,
    "два": 2,
    "двух": 2,
    "три": 3,
    "трех": 3,
    "трёх": 3,
    "четыре": 4,
    "пять": 5,
    "пяти": 5,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "десять": 10,
    "десяти": 10,
    "дві": 2,
    "двох": 2,
    "чотири": 4,
    "п'ять": 5,
    "п’ять": 5,
    "пʼять": 5,
    "шість": 6,
    "сім": 7,
    "вісім": 8,
}


def alternation(patterns: tuple[str, ...] | list[str]) -> str:
    """One non-capturing alternation of several patterns."""
    return "(?:" + "|".join(f"(?:{p})" for p in patterns) + ")"


def compile_words(patterns: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    r"""A case-insensitive pattern matching any of ``patterns`` as whole words.

    Examples
    --------
    >>> bool(compile_words(NEGATION).search("has not taken")), bool(compile_words(NEGATION).search("notably"))
    (True, False)
    """
    return re.compile(r"(?<![\w-])" + alternation(patterns) + r"(?![\w])", re.IGNORECASE)
