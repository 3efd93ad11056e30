"""Notifications to admins by email and chat (DESIGN §7): what each admin chose, the channels
set in Settings, digests and sending.

Runs say what happened by sending `dashboard.runs.signals`; `jobs.notification_events` hears
them, stores each event once and schedules its kind's digest on RQ; sending happens in jobs
(`jobs.notifications`), never in a web request. The screens are in `dashboard.web.notifications`.
"""

from .kinds import Kind

__all__ = ["Kind"]
