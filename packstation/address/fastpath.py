"""A shortcut for the commonest address shape: full names from the start, down to the
district (浙江省杭州市西湖区…, 北京 北京市 朝阳区…, 杭州市滨江区…).

Every such prefix is pre-parsed once with the general matcher and stored in a table, so
most addresses of an import are answered with a few dictionary look-ups of their first
characters instead of several matcher steps. Only prefixes on which the general matcher
decides the same whatever follows are stored (see `build_prefixes`); a test compares both
on every stored prefix with many different continuations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from packstation.address.divisions import (
    CITY_SUFFIXES,
    DISTRICT_SUFFIXES,
    PROVINCE_SUFFIXES,
    DivisionIndex,
    DivPath,
    short_name,
)

Parser = Callable[[DivisionIndex, str], tuple[list[DivPath], list[str]]]
Resolver = Callable[[list[DivPath], tuple[str, ...]], Any]


@dataclass(frozen=True, slots=True, eq=False)
class Prefixes:
    """Pre-parsed prefixes (glued and single-spaced, as `clean` leaves them)."""

    results: dict[str, Any]  # prefix → its finished result
    lengths: dict[str, tuple[int, ...]]  # first three characters → prefix lengths, longest first


def prefix_forms(path: DivPath) -> list[tuple[list[str], bool]]:
    """The ways addresses write a district's prefix: (names, closed). An open prefix ends
    with the district's full name; a closed one (a short district name, or a district
    alone) is stored with the space after it. Either way nothing after the prefix can
    change the reading."""
    province, city, district = path
    assert city is not None and district is not None
    p_short = short_name(province, PROVINCE_SUFFIXES)
    c_short = short_name(city, CITY_SUFFIXES) if city != province else None
    d_short = short_name(district, DISTRICT_SUFFIXES)
    forms: list[tuple[list[str], bool]] = [
        ([province, city, district], False),
        ([city, district], False),
        ([district], True),
    ]
    for p in (province, p_short):
        for c in (city, c_short):
            if p and c and ([p, c, district], False) not in forms:
                forms.append(([p, c, district], False))
    if c_short:
        forms.append(([c_short, district], False))
    if d_short:
        forms += [([c, d_short], True) for c in (city, c_short) if c]
        if p_short and c_short:
            forms.append(([p_short, c_short, d_short], True))
    return forms


def _longer_token_exists(ix: DivisionIndex, name: str) -> bool:
    """True if some token starts with `name` and goes on (then what follows could matter)."""
    return any(t.text != name and t.text.startswith(name) for t in ix.tokens.get(name[:2], ()))


@lru_cache(maxsize=4)
def build_prefixes(ix: DivisionIndex, parse: Parser, resolve: Resolver) -> Prefixes:
    """Pre-parse every district prefix form; keep those `parse` resolves to that district,
    each with its finished result (`resolve` of the path and the names)."""
    results: dict[str, Any] = {}
    paths = {p for toks in ix.tokens.values() for t in toks for p in t.full if p[2] is not None}
    for path in paths:
        open_ok = not _longer_token_exists(ix, path[2] or "")
        for names, closed in prefix_forms(path):
            if not (closed or open_ok):
                continue
            for sep in ("", " ") if len(names) > 1 else ("",):
                text = sep.join(names) + (" " if closed else "")
                found, evidence = parse(ix, text)
                if found == [path] and evidence == names:
                    results[text] = resolve(found, tuple(names))
    lengths: dict[str, set[int]] = {}
    for text in results:
        lengths.setdefault(text[:3], set()).add(len(text))  # every prefix has ≥ 3
    return Prefixes(results, {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()})


def lookup(prefixes: Prefixes, text: str) -> Any:
    """The stored result for the longest stored prefix of `text`, or None."""
    results = prefixes.results
    for length in prefixes.lengths.get(text[:3], ()):
        found = results.get(text[:length])
        if found is not None:
            return found
    return None
