"""Line-level metadata of plain-text reports: bylines, channel headers, date lines, headlines.

Each function looks at one line (markup already cleaned off) and says what metadata
it holds, or None when the line reads as article text:

* ``byline`` reads "By Levant Monitor staff", "By Jane Doe, Example Times",
  "By the Kyiv Independent news desk" and "By Reuters" (a byline naming only a person
  gives no outlet);
* ``outlet_line`` reads an "Outlet | Section" line ("Congo Insight | Security");
* ``is_channel_handle`` spots the "@handle · 12.4K subscribers" line under a
  Telegram-style channel name;
* ``date_line_value`` reads a short metadata-like line holding a date
  ("8 March 2024 | Peace and Security", "👁 48.1K · edited · Mar 9, 2024, 11:02",
  "Posted 12:40, 3 March 2024"), never a sentence that mentions one;
* ``is_headline`` says whether a line reads as a headline (short, no final period).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import MONTH, parse_date

#: Longest byline, in characters, after markup is cleaned off.
BYLINE_MAX = 90
#: Longest headline, in characters.
HEADLINE_MAX = 200

_BYLINE = re.compile(r"^(?:by|BY|By)[ \t]*:?[ \t]+(?P<rest>\S.*)$")
_ROLE_WORD = (r"(?:staff(?:\s+(?:writers?|reporters?|correspondents?))?|correspondents?"
              r"|reporters?|writers?|editors?|news\s*desk|newsdesk|desk|team|bureau|newsroom"
              r"|journalists?|contributors?|wire\s+services?|wires|agencies)")
_ROLE_ADJ = (r"(?:senior|chief|special|foreign|political|diplomatic|military|defen[cs]e"
             r"|security|investigative|regional|local|our|an?|the|own)")
_ROLE = re.compile(rf"(?:^|\s+)(?:{_ROLE_ADJ}\s+)*{_ROLE_WORD}$", re.IGNORECASE)
#: Lowercase words a byline may hold besides names and role words.
_BYLINE_SMALL = frozenset({
    "the", "and", "of", "for", "de", "da", "del", "der", "di", "du", "van", "von", "al", "el",
    "bin", "ibn", "le", "la", "in", "at", "&", "y", "e",
})
_ROLE_TOKENS = frozenset("""
staff writer writers reporter reporters correspondent correspondents editor editors news
newsdesk desk team bureau newsroom journalist journalists contributor contributors wire wires
service services agencies senior chief special foreign political diplomatic military defence
defense security investigative regional local our a an own""".split())
_OWN = re.compile(r"^(?:our|a|an)\s", re.IGNORECASE)
_COMMA = re.compile(r"\s*[,;]\s*")
_FOR = re.compile(r"\s+for\s+")
#: Words that mark a name as an organisation rather than a person.
_ORG_WORDS = frozenset("""
news press post times wire wires agency radio tv television media monitor herald dispatch
journal gazette tribune daily weekly independent telegraph guardian observer network service
report review today chronicle insider express mail star sun standard bulletin courier bureau
institute office ministry magazine broadcasting corporation channel online digest examiner
mirror record notes front watch info center centre group foundation council committee
association organisation organization mission agence presse nation world international
global live""".split())
_NAME_WORD = re.compile(
    r"^[A-Z0-9][\w'’.&-]*$|^(?:al|el|ad|ibn|bin|de|van|von)[-'’][\w'’.-]+$")

_HANDLE = re.compile(r"^@[A-Za-z0-9_]{3,}\b(?:\s*[·•|,-]\s*.*)?$")
_SEGMENTS = re.compile(r"\s*(?:[|·•]|\s[-–—]\s)\s*")
_DATE_LABEL = re.compile(
    r"^(?:first\s+published|last\s+updated|last\s+edited|published|posted|updated|dated|date"
    r"|edited|created|publication\s+date)\b\s*(?:on|at)?\s*:?\s*", re.IGNORECASE)
_DATE_START = re.compile(rf"^(?:\d|{MONTH}|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun))", re.IGNORECASE)
_DATE_WORD = re.compile(
    rf"^(?:{MONTH}|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)(?:day)?|Tue|Wed|Thu|Sat|at|on|of"
    r"|the|am|pm|a|p|m)$", re.IGNORECASE)
_HEADLINE_START = re.compile(r"^[\w\"'“‘«(]")
_NOT_HEADLINE = re.compile(
    r"^(?:photo|image|picture|caption|credits?|file\s+photo|video|watch|listen|read\s+more"
    r"|related|section|category|tags?|keywords|filed|editor['’]s\s+note|note|update[d]?"
    r"|breaking(?:\s+news)?|live)\s*[:|]", re.IGNORECASE)


def is_date_value(value: str) -> bool:
    """True for a value that is a date (and time), not a sentence that holds one."""
    if len(value) > 60 or not _DATE_START.match(value):
        return False
    words = [w for w in re.findall(r"[^\W\d_]+", value)
             if not (_DATE_WORD.match(w) or (w.isupper() and len(w) <= 5))]
    return len(words) <= 1


def date_line_value(line: str) -> str | None:
    """The ISO date of a short metadata-like line, or None for any other line.

    The line is split at ``|``, ``·``, ``•`` and spaced dashes; one part must be a date
    (and time), optionally after a label such as "Posted" or "Updated", and every other
    part must be short (a section name, a view count, "edited").

    Args:
        line: One line, markup cleaned off.

    Returns:
        The ISO date, or None.
    """
    line = line.strip()
    if not line or len(line) > 100 or line.endswith((".", ":", ";", ",")):
        return None
    parts = [p for p in _SEGMENTS.split(line) if p.strip()]
    if len(parts) > 5:
        return None
    found: str | None = None
    for part in parts:
        value = _DATE_LABEL.sub("", part, count=1).strip(" ,")
        if found is None and value and is_date_value(value) and (iso := parse_date(value)):
            found = iso
        elif len(part.split()) > 4 or len(part) > 40:
            return None
    return found


@dataclass(frozen=True, slots=True)
class Byline:
    """What a byline says: the outlet it names (None when it names only people)."""

    outlet: str | None


def _strip_role(part: str) -> tuple[str, bool]:
    stripped = _ROLE.sub("", part).strip()
    return stripped, stripped != part.strip()


def _byline_words_ok(rest: str) -> bool:
    words = rest.replace(",", " ").replace("|", " ").split()
    if not words or len(words) > 12:
        return False
    for word in words:
        bare = word.strip("()\"'“”")
        if not bare or bare in "-–—;":
            continue
        if _NAME_WORD.match(bare) or bare.lower() in _BYLINE_SMALL:
            continue
        if bare.lower() in _ROLE_TOKENS:
            continue
        return False
    return True


def _is_organisation(name: str) -> bool:
    words = name.split()
    if not words:
        return False
    if words[0] == "The" or len(words) == 1:
        return True
    return any(w.strip(".,").lower() in _ORG_WORDS for w in words)


def _person_like(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 4 and not _is_organisation(name)


def byline(line: str) -> Byline | None:
    """Read a byline line: "By Levant Monitor staff", "By Jane Doe, Example Times".

    Role words ("staff", "correspondent", "news desk", "Staff Writer"...) are dropped,
    and a leading lowercase "the" with them; a name with a role word after it, the part
    after a person's name ("Jane Doe, Example Times", "Jane Doe for Example Times"), or a
    name that reads as an organisation ("The Associated Press", "Reuters", "Example
    News") is the outlet. A byline naming only people gives ``Byline(None)``.

    Args:
        line: One line, markup cleaned off.

    Returns:
        The byline, or None when the line is not one (a sentence starting "By ...").
    """
    line = " ".join(line.split())
    m = _BYLINE.match(line)
    if m is None or len(line) > BYLINE_MAX or line.endswith((".", ":", ";", ",", "?", "!")):
        return None
    rest = m["rest"]
    if not _byline_words_ok(rest):
        return None
    parts = [p for segment in _SEGMENTS.split(rest) if segment.strip()
             and not (is_date_value(segment.strip()) and parse_date(segment))
             for p in _COMMA.split(segment) if p.strip()]
    if len(parts) == 1 and (split := _FOR.split(parts[0], maxsplit=1)) and len(split) == 2 \
            and _person_like(split[0]):
        parts = split
    names: list[tuple[str, bool]] = []
    for part in parts:
        if _OWN.match(part):  # "our Kayah correspondent", "a staff reporter": no outlet
            continue
        name, had_role = _strip_role(part)
        name = re.sub(r"^the\s+", "", name).strip()
        if name:
            names.append((name, had_role))
    if not names:
        return Byline(None)
    if len(names) >= 2:
        outlet = names[-1][0]
    else:
        name, had_role = names[0]
        outlet = name if had_role or _is_organisation(name) else None
    if outlet is not None and (" and " in f" {outlet} " and not _is_organisation(outlet)):
        outlet = None
    return Byline(outlet)


def _title_cased(part: str) -> bool:
    words = part.split()
    return (0 < len(words) <= 4 and len(part) <= 40 and words[0][0].isupper()
            and all(w[0].isupper() or w.lower() in _BYLINE_SMALL for w in words)
            and not part.endswith((".", ",", ":", ";")))


def outlet_line(line: str) -> str | None:
    """The outlet of an "Outlet | Section" line ("Congo Insight | Security"), or None.

    Two or three short title-cased parts split by ``|``, ``·`` or ``•``, none a date.

    Args:
        line: One line, markup cleaned off.

    Returns:
        The first part, or None.
    """
    parts = [p.strip() for p in re.split(r"[|·•]", line)]
    if not 2 <= len(parts) <= 3 or not all(_title_cased(p) for p in parts):
        return None
    if any(parse_date(p) or re.search(r"\d", p) for p in parts):
        return None
    return parts[0]


def is_channel_handle(line: str) -> bool:
    """True for the "@handle · 12.4K subscribers" line under a channel name."""
    return _HANDLE.match(line.strip()) is not None


def is_headline(line: str) -> bool:
    """True for a line that reads as a headline: short, no final period, starts with a word.

    Args:
        line: One line, markup cleaned off.

    Returns:
        Whether it could be the title.
    """
    line = " ".join(line.split())
    if not line or len(line) >= HEADLINE_MAX or len(line.split()) < 2:
        return False
    if line.endswith((".", ",", ";", ":", "…")) or not _HEADLINE_START.match(line):
        return False
    if _NOT_HEADLINE.match(line):
        return False
    return "://" not in line and byline(line) is None and date_line_value(line) is None
