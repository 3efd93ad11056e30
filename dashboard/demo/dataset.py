"""The demo dataset, both sides of it: what Thinkific holds and what the dashboard starts with.

Built from the catalogue and a seeded random generator, so every build is the same.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache

from ..models import Direction, SyncMode
from . import catalogue
from .names import FIRST_NAMES, LAST_NAMES

SEED = 2026


@dataclass(frozen=True)
class DemoCourse:
    thinkific_id: int
    name: str
    slug: str


@dataclass(frozen=True)
class DemoTeam:
    name: str
    domain: str
    description: str
    seat_limit: int | None
    course_ids: tuple[int, ...]


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    company: str
    thinkific_id: int | None  # None: not in Thinkific until a sync creates them


@dataclass(frozen=True)
class DemoGroup:
    name: str
    placement: str  # "both", "thinkific" or "dashboard" (see catalogue)
    links: tuple[tuple[str, Direction], ...]
    local_members: tuple[str, ...]  # emails of the dashboard's members
    remote_members: tuple[str, ...]  # emails of Thinkific's members
    thinkific_id: int | None = None
    token: str = ""

    @property
    def in_dashboard(self) -> bool:
        return self.placement != "thinkific"

    @property
    def in_thinkific(self) -> bool:
        return self.placement != "dashboard"


@dataclass(frozen=True)
class DemoData:
    courses: tuple[DemoCourse, ...]
    teams: tuple[DemoTeam, ...]
    users: tuple[DemoUser, ...]
    groups: tuple[DemoGroup, ...]
    by_email: dict[str, DemoUser] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_email", {user.email: user for user in self.users})

    def dashboard_groups(self) -> list[DemoGroup]:
        return [group for group in self.groups if group.in_dashboard]

    def thinkific_groups(self) -> list[DemoGroup]:
        return [group for group in self.groups if group.in_thinkific]

    def thinkific_users(self) -> list[DemoUser]:
        return [user for user in self.users if user.thinkific_id is not None]


@cache
def demo_data() -> DemoData:
    """The demo dataset (built once per process; always the same)."""
    rng = random.Random(SEED)
    courses = _courses()
    teams = _teams(courses)
    pools = _learners(rng, teams)
    groups = [_group(rng, row, pools) for row in catalogue.GROUPS]
    users = _number_users(pools, groups, rng)
    groups = [_number_group(index, group) for index, group in enumerate(groups, start=1)]
    return DemoData(tuple(courses), tuple(teams), users, tuple(groups))


def _courses() -> list[DemoCourse]:
    return [
        DemoCourse(catalogue.COURSE_ID_BASE + index, name, slugify(name))
        for index, name in enumerate(catalogue.COURSES, start=1)
    ]


def _teams(courses: list[DemoCourse]) -> list[DemoTeam]:
    return [
        DemoTeam(name, domain, description, seats, tuple(courses[i].thinkific_id for i in picks))
        for name, domain, _, seats, picks, description in catalogue.TEAMS
    ]


def _learners(rng: random.Random, teams: list[DemoTeam]) -> dict[str, list[DemoUser]]:
    """Learners of each company (key: team name) and the individuals (key: "")."""
    taken: set[str] = set()
    sizes = {row[0]: row[2] for row in catalogue.TEAMS}
    pools = {
        team.name: [_person(rng, taken, team.domain, team.name) for _ in range(sizes[team.name])]
        for team in teams
    }
    domains = catalogue.INDIVIDUAL_DOMAINS
    pools[""] = [
        _person(rng, taken, domains[i % len(domains)], "") for i in range(catalogue.INDIVIDUALS)
    ]
    return pools


def _person(rng: random.Random, taken: set[str], domain: str, company: str) -> DemoUser:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    local = f"{slugify(first, '')}.{slugify(last, '')}"
    email, suffix = f"{local}@{domain}", 1
    while email in taken:
        suffix += 1
        email = f"{local}{suffix}@{domain}"
    taken.add(email)
    return DemoUser(email, first, last, company, None)


def _group(rng: random.Random, row: tuple, pools: dict[str, list[DemoUser]]) -> DemoGroup:
    name, placement, links, size = row[:4]
    pool_names = row[4] if len(row) > 4 else tuple(team for team, _ in links)
    pool = [user.email for key in (pool_names or ("",)) for user in pools[key]]
    chosen = rng.sample(pool, size)
    local, remote = _sides(placement, SyncMode.of([d for _, d in links]), chosen)
    if placement == "both" and SyncMode.of([d for _, d in links]) == SyncMode.PUSH:
        remote = (*remote, rng.choice([email for email in pool if email not in chosen]))
    return DemoGroup(name, placement, links, tuple(local), tuple(remote))


def _sides(placement: str, mode: SyncMode, chosen: list[str]) -> tuple[list[str], list[str]]:
    """(dashboard members, Thinkific members) of a group, so the first sync has work to do."""
    if placement == "thinkific":
        return [], chosen
    if placement == "dashboard":
        return chosen, []
    half = len(chosen) // 2
    if mode == SyncMode.BOTH:  # a few additions on each side; the first sync makes the union
        return chosen[:-2], chosen[:-4] + chosen[-2:]
    if mode == SyncMode.PULL:  # the dashboard knows half; the sync pulls the rest
        return chosen[:half], chosen
    if mode == SyncMode.PUSH:  # Thinkific has half; the sync pushes the rest
        return chosen, chosen[:half]
    return chosen[:-2], chosen[2:]  # not synced: the sides simply differ


def _number_users(
    pools: dict[str, list[DemoUser]], groups: list[DemoGroup], rng: random.Random
) -> tuple[DemoUser, ...]:
    """Give a Thinkific id to everyone Thinkific knows: remote members, learners in no group,
    and about half of the learners only the dashboard has put in a group."""
    remote = {email for group in groups for email in group.remote_members}
    local = {email for group in groups for email in group.local_members}
    users = [user for pool in pools.values() for user in pool]
    numbered = []
    for index, user in enumerate(users, start=1):
        known = user.email in remote or user.email not in local or rng.random() < 0.5
        thinkific_id = catalogue.USER_ID_BASE + index if known else None
        numbered.append(replace(user, thinkific_id=thinkific_id))
    return tuple(numbered)


def _number_group(index: int, group: DemoGroup) -> DemoGroup:
    if not group.in_thinkific:
        return group
    token = hashlib.sha256(group.name.encode()).hexdigest()[:8]
    return replace(group, thinkific_id=catalogue.GROUP_ID_BASE + index, token=token)


def slugify(text: str, separator: str = "-") -> str:
    """Lower-case ASCII letters and digits, words joined by `separator`."""
    text = text.replace("ø", "o").replace("Ø", "O").replace("ß", "ss")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", separator, ascii_text.lower()).strip(separator)


def thinkific_seed(data: DemoData) -> dict[str, list[dict]]:
    """The Thinkific side, in the shape of the emulator's seed (`EmulatorControl.seed`)."""
    return {
        "courses": [{"id": c.thinkific_id, "name": c.name, "slug": c.slug} for c in data.courses],
        "users": [
            {
                "id": u.thinkific_id,
                "email": u.email,
                "first_name": u.first_name,
                "last_name": u.last_name,
                **({"company": u.company} if u.company else {}),
            }
            for u in data.thinkific_users()
        ],
        "groups": [
            {"id": g.thinkific_id, "name": g.name, "token": g.token}
            for g in data.thinkific_groups()
        ],
        "memberships": [
            {"group_id": g.thinkific_id, "user_id": data.by_email[email].thinkific_id}
            for g in data.thinkific_groups()
            for email in g.remote_members
        ],
    }
