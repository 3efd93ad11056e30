"""The hand-written part of the demo: courses, customer companies and their groups.

Where each group lives at the start decides what the first sync does with it:
- `both`: in Thinkific and already known to the dashboard (as if imported earlier), with
  members that differ between the sides, so the sync adds (and, pushing, opens manual removals);
- `thinkific`: only in Thinkific, so the first sync imports it;
- `dashboard`: only in the dashboard, so a pushing link makes the sync create it in Thinkific.
"""

from __future__ import annotations

from ..models import Direction

BOTH = Direction.BIDIRECTIONAL
PUSH = Direction.DASHBOARD_TO_THINKIFIC
PULL = Direction.THINKIFIC_TO_DASHBOARD
OFF = Direction.DISABLED

COURSE_ID_BASE = 2_210_000
GROUP_ID_BASE = 418_000
USER_ID_BASE = 7_100_000

COURSES = (
    "Workplace Safety Essentials",
    "Data Privacy and GDPR Fundamentals",
    "Leading Remote Teams",
    "Customer Service Excellence",
    "Excel for Analysts",
    "Cybersecurity Awareness",
    "Manual Handling and Ergonomics",
)

# name, email domain, learners, seat limit, courses (by position in COURSES), description
TEAMS = (
    (
        "Northwind Logistics",
        "northwind.example.com",
        70,
        150,
        (0, 6, 1),
        "Freight and warehousing across 14 depots; safety and compliance training for depot staff "
        "and drivers.",
    ),
    (
        "Contoso Health",
        "contoso-health.example.com",
        55,
        80,
        (1, 3, 5),
        "Regional clinic network; privacy and patient-care training for nurses and front-desk "
        "staff.",
    ),
    (
        "Fabrikam Manufacturing",
        "fabrikam.example.com",
        50,
        None,
        (0, 6, 4),
        "Two plants making precision parts; supervisors, engineers and the apprentice intake.",
    ),
    (
        "Tailspin Airlines",
        "tailspin.example.com",
        45,
        60,
        (3, 0),
        "Regional airline; recurrent training for cabin crew and ground handling.",
    ),
    (
        "Litware Software",
        "litware.example.com",
        40,
        None,
        (2, 5, 4),
        "Product company of 300 people; management and security training.",
    ),
    (
        "Adatum Consulting",
        "adatum.example.com",
        25,
        40,
        (2, 1),
        "Management consultancy; consultants and partners on the leadership track.",
    ),
)

INDIVIDUAL_DOMAINS = ("mail.example.org", "post.example.net", "example.com")
INDIVIDUALS = 40  # learners who bought a course on their own (no company)

# name, placement, links (team, direction), members, pool (team names; empty: individuals)
GROUPS = (
    ("Northwind · Depot Leads", "both", (("Northwind Logistics", BOTH),), 14),
    ("Northwind · Warehouse Operatives", "both", (("Northwind Logistics", PULL),), 24),
    ("Northwind · Drivers North", "both", (("Northwind Logistics", PUSH),), 16),
    ("Northwind · Drivers South", "both", (("Northwind Logistics", PUSH),), 15),
    ("Northwind · New Starters 2026", "dashboard", (("Northwind Logistics", BOTH),), 9),
    ("Northwind · Health & Safety Reps", "thinkific", (), 8, ("Northwind Logistics",)),
    ("Contoso · Nursing Cohort A", "both", (("Contoso Health", BOTH),), 18),
    ("Contoso · Nursing Cohort B", "both", (("Contoso Health", BOTH),), 17),
    ("Contoso · Front Desk", "both", (("Contoso Health", PULL),), 12),
    ("Contoso · Clinic Managers", "both", (("Contoso Health", OFF),), 8),
    ("Contoso · Locum Staff", "dashboard", (), 7, ("Contoso Health",)),
    ("Contoso · Pharmacy Team", "thinkific", (), 9, ("Contoso Health",)),
    ("Fabrikam · Plant 1 Supervisors", "both", (("Fabrikam Manufacturing", BOTH),), 12),
    ("Fabrikam · Plant 2 Supervisors", "both", (("Fabrikam Manufacturing", BOTH),), 11),
    ("Fabrikam · Quality Engineers", "both", (("Fabrikam Manufacturing", PULL),), 10),
    ("Fabrikam · Apprentices 2026", "dashboard", (("Fabrikam Manufacturing", PUSH),), 8),
    ("Fabrikam · Maintenance Crew", "thinkific", (), 13, ("Fabrikam Manufacturing",)),
    ("Tailspin · Cabin Crew Recurrent", "both", (("Tailspin Airlines", BOTH),), 20),
    ("Tailspin · Ground Handling", "both", (("Tailspin Airlines", PUSH),), 12),
    ("Tailspin · Customer Care", "both", (("Tailspin Airlines", PULL),), 10),
    ("Tailspin · Crew Trainers", "dashboard", (("Tailspin Airlines", BOTH),), 6),
    ("Litware · Engineering Managers", "both", (("Litware Software", BOTH),), 10),
    ("Litware · Support Engineers", "both", (("Litware Software", BOTH),), 14),
    ("Litware · Sales Enablement", "thinkific", (), 9, ("Litware Software",)),
    ("Litware · Security Champions", "dashboard", (), 6, ("Litware Software",)),
    ("Adatum · Consultants", "both", (("Adatum Consulting", BOTH),), 14),
    ("Adatum · Partners", "both", (("Adatum Consulting", OFF),), 6),
    ("Adatum · Graduate Programme", "dashboard", (("Adatum Consulting", PUSH),), 5),
    (
        "Leadership Masterclass 2026",
        "both",
        (("Northwind Logistics", BOTH), ("Adatum Consulting", PULL)),
        12,
    ),
    ("Open Enrollment · Spring 2026", "thinkific", (), 18, ()),
    ("Webinar Attendees", "thinkific", (), 22, ()),
    ("Reseller Partners", "thinkific", (), 7, ()),
    ("Scholarship Recipients", "thinkific", (), 6, ()),
    ("Beta Testers", "thinkific", (), 5, ()),
    ("Instructors", "thinkific", (), 4, ()),
)
