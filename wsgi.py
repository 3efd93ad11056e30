"""Entry point for gunicorn (`wsgi:app`) and the flask CLI (`flask --app wsgi ...`)."""

import gc

from dashboard import create_app

app = create_app()
# What start-up made (models, templates, routes: ~150,000 objects) lives as long as the process:
# frozen out of the garbage collector's sight, so that a full collection, which otherwise walks
# all of it every few thousand requests (~80 ms of one request's time), walks only what requests
# made (bench/groups_peer.py: ~7 % of a kept Groups page's CPU time on average).
gc.freeze()
