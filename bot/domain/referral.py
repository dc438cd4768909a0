"""Choose the support services for a place or a situation and write the replies, in Swedish.

Plain functions returning `Reply` objects (text and buttons); the action server only sends them.
Wording comes from `content/messages.yml`, services from the registry (`bot.domain.resources`), topic
labels for "Menade du …?" from `content/topics.yml`. Routing for a place, per kind of service:
1. services that serve the place (its municipality, or its whole county);
2. otherwise services elsewhere in the same county, said honestly: access may need an agreement;
3. otherwise no local service: the municipality's social services and the national options.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import yaml

from bot.domain import places, resources
from bot.domain.places import Place
from bot.domain.situation import SELLING_SIDE
from bot.paths import CONTENT

_folder = [CONTENT]  # where messages.yml, topics.yml and resources.yml are read from


@dataclass(frozen=True)
class Reply:
    """One chat message: text and optional buttons ({"title", "payload"})."""

    text: str
    buttons: Tuple[Dict[str, str], ...] = ()


@lru_cache(maxsize=4)
def _yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def messages() -> dict:
    return _yaml(_folder[0] / "messages.yml")


def topics() -> Dict[str, str]:
    return _yaml(_folder[0] / "topics.yml")


def _registry() -> resources.Registry:
    return resources.load(_folder[0] / "resources.yml")


@contextmanager
def content_from(folder: Path) -> Iterator[None]:
    """Write the replies from the content files in `folder` (the content check renders a copy)."""
    _folder.insert(0, Path(folder))
    try:
        yield
    finally:
        _folder.pop(0)


def _fmt(template: str, **fill: str) -> str:
    """Fill a template and fold its YAML line breaks into single spaces."""
    return " ".join(str(template).format(**fill).split())


def _text(key: str, **fill: str) -> str:
    return _fmt(messages()[key], **fill)


def _join(items: Sequence[str], last: str = "och") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def _places_of(prefix: str) -> str:
    """Where the services whose name starts with `prefix` are: "Stockholm, …, Östersund (hela Jämtlands län) …"."""
    found = [r for r in _registry().resources if r.name.startswith(prefix) and r.location]
    return _join([r.location + "".join(f" (hela {c})" for c in r.counties) for r in found])


def _with_home(r: resources.Resource) -> str:
    return r.name if r.location in r.name else f"{r.name} i {r.location}"


def _run_by(listed: Sequence[resources.Resource]) -> str:
    """Who runs services in another municipality: their providers, else "en annan kommun"/"andra kommuner"."""
    texts = messages()["run_by"]
    if all(r.provider for r in listed):
        return _fmt(texts["provider"], provider=_join(list(dict.fromkeys(r.provider for r in listed))))
    return _fmt(texts["one" if len(listed) == 1 else "many"])


def _contacts(listed: Sequence[resources.Resource]) -> List[str]:
    lines = [
        _text("phone_and_email" if r.email else "phone_only", name=r.name, phone=r.phone, email=r.email)
        for r in listed
        if r.phone
    ]
    unknown = [f"”{r.name}”" for r in listed if not (r.phone or r.email or r.web)]
    if unknown:
        lines.append(_text("no_contact", names=_join(unknown, "eller")))
    return lines


def local(place: Place, kind: str) -> Tuple[str, bool]:
    """Where to turn in or near `place` for `kind` ("kast" or "victim_support"); found anything?"""
    municipality = place.name if place.kind == "kommun" else "din kommun"
    in_place = places.in_place(place.name)
    fill = dict(
        place=place.name,
        county=place.county,
        municipality=municipality,
        in_place=in_place,
        In_place=in_place[0].upper() + in_place[1:],
        in_municipality=places.in_place(municipality),
    )
    serving, in_county = _registry().near(place, kind)
    if serving:
        listed, lines = serving, []
        for r in serving:
            key = "here" if r.location == place.name else "serving_county" if place.kind == "län" else "serving"
            lines.append(_text(key, name=r.name, home=r.location, **fill))
    elif in_county:
        listed = in_county
        key = "in_county" if place.kind == "kommun" else "in_county_of_county"
        lines = [_text(key, names=_join([_with_home(r) for r in in_county]), run_by=_run_by(in_county), **fill)]
    else:
        return _fmt(messages()["none"][kind], **fill), False
    notes = list(dict.fromkeys(r.note for r in listed if r.note))
    return " ".join(lines + _contacts(listed) + notes), True


def _kast_buttons() -> Tuple[Dict[str, str], ...]:
    return tuple(dict(b) for b in messages()["kast_buttons"])


def ask_location() -> List[Reply]:
    return [Reply(_text("ask_location"))]


def not_recognised() -> List[Reply]:
    return [Reply(_text("not_recognised"))]


def national_kast() -> List[Reply]:
    """KAST for someone who did not say where they live, or lives where there is none."""
    return [Reply(_text("national_kast", kast_places=_places_of("KAST")), _kast_buttons())]


def for_place(place: Place, situation: Optional[str] = None) -> List[Reply]:
    """KAST for `place`; Mika/Evonhuset instead when the user is on the selling side (`situation`)."""
    if situation in SELLING_SIDE:
        return [Reply(local(place, "victim_support")[0])]
    text, found = local(place, "kast")
    if not found:
        return [Reply(text)] + national_kast()
    return [Reply(text), Reply(_text("about_kast"), _kast_buttons())]


def support(situation: str, place: Optional[Place] = None) -> List[Reply]:
    """The answer for one of the four situations: with the services near `place`, else those in the whole country."""
    text = _fmt(messages()["situations"][situation])
    if place is None:
        national = _fmt(messages()["situations_national"][situation], mika_places=_places_of("Mika"))
        return [Reply(f"{text} {national}"), Reply(_text("ask_place_for_support"))]
    kind = "victim_support" if situation in SELLING_SIDE else "kast"
    return [Reply(text), Reply(local(place, kind)[0])]


def clarify_situation() -> List[Reply]:
    buttons = tuple(dict(b) for b in messages()["clarify_buttons"])
    return [Reply(_text("clarify"), buttons)]


def report(child: bool = False, acute: bool = False, at_work: bool = False) -> List[Reply]:
    """How to tip the police: 114 14 and 112 always; ECPAT for a child; the agency's line at work."""
    parts = messages()["report"]
    keys = ["acute" if acute else "base"] + ["child"] * child + ["professional"] * at_work
    return [Reply(" ".join(_fmt(parts[k]) for k in keys))]


def handoff() -> List[Reply]:
    return [Reply(_text("handoff"))]


def label(intent: str) -> str:
    """Swedish label of an intent ("faq/law" → "Vad säger sexköpslagen?")."""
    return topics().get(intent) or topics().get(intent.split("/")[0]) or intent


def affirmation(intents: Sequence[str]) -> List[Reply]:
    """ "Menade du: «…»?" with one button per candidate intent and "Nej, något annat"."""
    buttons = [{"title": label(i), "payload": f"/{i}"} for i in intents]
    buttons.append({"title": messages()["affirmation_deny"], "payload": "/out_of_scope"})
    if not intents:
        return [Reply(_text("affirmation_none"), tuple(buttons))]
    text = _text("affirmation", label=label(intents[0])).replace("?”?", "?”")  # label is a question
    return [Reply(text, tuple(buttons))]


def ask_rephrase() -> List[Reply]:
    """ "Kan du skriva det på ett annat sätt?" with topic buttons (two-stage fallback)."""
    buttons = tuple(dict(b) for b in messages().get("ask_rephrase_buttons") or [])
    return [Reply(_text("ask_rephrase"), buttons)]


def action_server_down() -> List[Reply]:
    """The national lines, for when an answer from the action server cannot be had."""
    return [Reply(_text("action_server_down"))]
