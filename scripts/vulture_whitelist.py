"""Names vulture cannot see used (scripts/dead-code): each group says who uses them.

Views, CLI commands, listeners and framework hooks are excused in pyproject.toml
([tool.vulture]); names the templates read are counted by scripts/dead-code itself.
"""

_ = object()

# Flask-Login reads its settings off the login manager.
_.login_view, _.login_message, _.login_message_category

# Columns of the schema (the migrations create them) that no code reads yet.
_.refreshed_at, _.created_by_id, _.thinkific_user_id, _.received_at

# WTForms renders a field with its class's widgets.
_.widget, _.option_widget

# The emulator's control client: the API the tests drive the emulator with.
_.group_named, _.member_emails, _.send_webhook
_.add_fault, _.clear_faults, _.clear_stats, _.clear_violations

# Fields of Thinkific's answers, parsed whole (API-NOTES), and the client's call counters.
_.course_name, _.completed, _.is_free_trial
_.retries, _.budget_wait_seconds, _.backoff_seconds

# A budget candidate is built from its query row, column by column.
_.pending

# Who changed the notification settings (kept with them; the Settings page does not show it yet).
_.updated_by_id

# aiosmtpd calls its handler's hooks by name.
_.handle_DATA

# RQ jobs enqueued by their dotted name.
_.send_digest

# SQLAlchemy reads a construct's caching flag, and calls its compilers by dialect.
_.inherit_cache, _._among_listed, _._among_array

# Flask opens and saves sessions through the app's session interface.
_.session_interface
