"""What a run tells whoever listens, without knowing who: notifications (`jobs.notification_events`)
hear these. Receivers must never raise into the run that sends."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

run_ended = _signals.signal("run-ended")  # sender: the SyncRun, in its final state
group_paused = _signals.signal("group-paused")  # sender: the SyncRun; group_id=…
