"""Users (learners): the list and a user's page. Their search lives in `search.py`."""
