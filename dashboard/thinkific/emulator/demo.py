"""A small, believable school for `make run` demo mode: a few company groups, their learners,
and some courses."""

from __future__ import annotations

from .seeding import seed
from .state import Store

COMPANIES = {
    "Acme Corp": ["wile", "road", "marvin", "daffy", "bugs", "elmer", "tweety", "sylvester"],
    "Globex": ["hank", "frank", "mindy", "homer", "lenny", "carl"],
    "Initech": ["peter", "michael", "samir", "joanna", "milton", "bill", "tom"],
    "Umbrella Training": ["alice", "jill", "chris", "leon", "claire"],
}
COURSES = ["Workplace Safety", "First Aid Basics", "Data Protection 101", "Leadership Essentials"]


def load_demo(store: Store) -> dict:
    """Seed the demo school into an empty store."""
    users, memberships = [], []
    for company, people in COMPANIES.items():
        domain = company.split()[0].lower() + ".example"
        for person in people:
            email = f"{person}@{domain}"
            users.append(
                {
                    "email": email,
                    "first_name": person.capitalize(),
                    "last_name": company.split()[0],
                    "company": company,
                }
            )
            memberships.append({"group_name": company, "email": email})
    return seed(
        store,
        {
            "groups": [{"name": name} for name in COMPANIES],
            "users": users,
            "memberships": memberships,
            "courses": [{"name": name} for name in COURSES],
            "enrollments": [
                {"email": users[i]["email"], "course_name": COURSES[i % len(COURSES)]}
                for i in range(0, len(users), 3)
            ],
        },
    )
