"""Invented but realistic player names and their normalized ``player_lookup`` keys.

The sample never uses real players' names: the names are drawn from common first and
last names (with the suffixes, apostrophes, hyphens and diacritics real rosters have), so
the name-normalization paths of the pipeline are exercised without pretending to be data
about real people.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

_FIRST = """
Aaron Adrian Alec Alex Alijah Amari Andre Anthony Austin Bam Ben Bennett Bobby Brandon Brook
Bruce Bryce Cade Caleb Cam Cameron Chris Christian Cody Cole Collin Corey Dalen Damian Daniel
Dante Darius David De'Andre De'Aaron Dean Dejounte Denzel Derrick Desmond Devin Dillon Dominick
Donovan Dorian Drew Dwight Dyson Eric Evan Gary Georges Grant Harrison Isaac Isaiah Ivica Jabari
Jaden Jake Jalen Jamal Jaren Jarrett Javon Jaylen Jayson Jeremy Jerome Jimmy Jonas Jordan Jose
Josh Jrue Julius Justin Kai Keegan Keldon Kelly Kendrick Kenneth Kevin Khris Killian Kris Kyle
Lamar Larry Lonnie Luka Luke Malik Marcus Mark Mason Matisse Max Miles Mikal Mitchell Moses Naji
Nassir Nic Nick Nikola Norman Obi Onyeka Oscar Pascal Patrick Paul Quentin RJ Reggie Robert Royce
Russell Saddiq Scottie Seth Shai Spencer Stephen Talen Taurean Terance Terry Theo Thomas Tim Tobias
Torrey Trae Trey Tyler Tyrese Tyus Victor Walker Wendell Xavier Zach Zion Dario Bogdan Goran Jusuf
""".split()

_LAST = """
Adams Aldridge Allen Anderson Anthony Bagley Ball Barnes Bates Beasley Bell Bennett Bey Bridges
Brooks Brown Bryant Burks Butler Caldwell Carter Clarke Collins Cook Craig Crawford Cunningham
Daniels Davis Dawson Dixon Dunn Edwards Ellis Evans Fields Fleming Flynn Ford Foster Fox Freeman
Gardner Garrett Gibson Gordon Graham Grant Green Griffin Hall Hamilton Harden Harris Hart Hayes
Henderson Hill Holiday Holmes Hood Howard Hughes Hunter Jackson James Jenkins Johnson Jones Jordan
Kennedy King Knight Lamb Lewis Little Lowe Lyles Mann Marshall Martin Mathews McCollum McDaniels
Miller Mitchell Monroe Moore Morris Murphy Murray Nance Nelson Okafor Oliver Parker Payne Perry
Pierce Porter Powell Price Reed Reid Rhodes Richards Riley Roberts Robinson Rose Ross Russell
Sanders Scott Simmons Simpson Smart Smith Stevens Stewart Sullivan Tate Taylor Thomas Thompson
Townsend Tucker Turner Vaughn Walker Wallace Ward Warren Washington Watson Webb Wells White
Williams Wilson Wright Young Bogdanović Dončić Jokić Valančiūnas Nurkić Šarić Vučević Özdemir
Diallo Sy Ndiaye Okoro Okongwu Adebayo Antetokounmpo Gilgeous Achiuwa Olynyk Poeltl Embiid Sengün
O'Neale O'Connor Smith-Jones Walker-Kelly Nembhard Wembanyama Mobley Kuminga
""".split()

_SUFFIXES = np.array(["", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
                      " Jr.", " II", " III"])


def player_lookup(name: str) -> str:
    """Normalize a display name the way the pipeline does: ASCII lowercase letters only.

    Example:
        >>> player_lookup("Luka Dončić")
        'lukadoncic'
        >>> player_lookup("De'Andre Hunter-Smith Jr.")
        'deandrehuntersmithjr'
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_name.lower())


def draw_names(rng: np.random.Generator, count: int, taken: set[str]) -> list[str]:
    """Draw ``count`` new display names whose lookups are distinct and not in ``taken``.

    The new lookups are added to ``taken``.
    """
    names: list[str] = []
    seen = taken
    while len(names) < count:
        need = (count - len(names)) * 2
        first = rng.choice(_FIRST, need)
        last = rng.choice(_LAST, need)
        suffix = rng.choice(_SUFFIXES, need)
        for f, la, s in zip(first, last, suffix):
            name = f"{f} {la}{s}"
            key = player_lookup(name)
            if key not in seen and len(names) < count:
                seen.add(key)
                names.append(name)
    return names


def last_first(name: str) -> str:
    """``"Killian Hayes Jr."`` -> ``"Hayes Jr., Killian"`` (the injury-report PDF format)."""
    first, _, rest = name.partition(" ")
    return f"{rest}, {first}"
