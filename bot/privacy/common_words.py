"""Everyday Swedish (and a little English) words that are never taken for part of a name.

Used where the masking decides how far a name reaches: the name after "jag heter" stops at the
first of these ("jag heter anna och …"), and so does the given name before a street name
("på Birger Jarlsgatan 5" takes in "Birger", not "på"). Lower case, with and without å/ä/ö.
Words that are also common first names (Bo, Per, Eva, Inga, Hans as a name) are deliberately
missing: masking a word too many is better than leaving a name.
"""

from __future__ import annotations

from typing import FrozenSet


def _words(text: str) -> FrozenSet[str]:
    return frozenset(text.split())


COMMON_WORDS: FrozenSet[str] = _words("""
    jag ja jaa du han hon hen vi ni de dom dem den det denna detta dessa man mig mej dig dej
    honom henne oss er sig sej min mitt mina din ditt dina hennes hens vår vårt våra vart vara
    ert era deras sin sitt sina någon nagon något nagot nåt nat några nagra ingen inget ingenting
    alla allt varje vem vad vilken vilket vilka hur varför varfor var när nar
    i på pa till från fran med av för for om under över over efter innan före fore bakom
    framför framfor hos vid mot emot utan genom inom utom åt at kring runt mellan bland sedan sen
    trots ut in upp ner hem borta hemma utanför utanfor nära nara
    och o å men eller att som då da så sa fast eftersom medan tills
    inte int ej icke ju nog väl val bara typ också ocksa även aven alltså alltsa asså assa
    faktiskt egentligen verkligen kanske redan just nu här har där dar hit dit aldrig alltid
    ofta lite mycket mer mest helt ganska jätte jatte väldigt valdigt också fortfarande igen
    ännu annu snart liksom
    är ar e ä va varit blir blev bli bliva har hade haft vill ville kan kunde ska skall skulle
    måste maste får far fick bor bodde jobbar jobbade mår mar behöver behover undrar tänker
    tanker känner kanner tycker tror vet visste säger sager sa heter hette kallas kallar gör gor
    gjorde går gar gick kommer kom köper koper köpte kopte säljer saljer sålde salde ringer
    ringde skriver skrev letar söker soker hjälp hjalp hjälpa hjalpa behöva prata pratar
    hemligt hemlig hemlis anonym anonymt okänd okand oviktigt spelar ingen roll
    hej hejsan hallå halla tja tjena tjenare hallo tack ok okej okay
    en ett två tva tre fyra fem sex sju åtta atta nio tio år
    and or but the a an is am im i'm not my your no yes just me you he she it they
    kille killen tjej tjejen pojke pojken flicka flickan mamma pappa bror syster son dotter
    fru man make sambo pojkvän flickvän kompis vän van chef granne
""")
