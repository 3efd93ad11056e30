"""The run lifecycle, in one package (docs/ARCHITECTURE.md): `starting` begins a run (new or
already running, said explicitly), `progress` says what is running and how far it got,
`lifecycle` tells a live run from a dead one and reaps the dead, `locks` holds the claims and
the heartbeat in Redis, `notes` what a running run waits for, `context` what its steps share."""
