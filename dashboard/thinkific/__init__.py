"""Thinkific: the real Admin API client and the emulator that stands in for it in tests/demos."""
