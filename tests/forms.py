"""Form data as the list pages' create and edit forms send it (their fields are prefixed)."""

DASH = "\N{EN DASH}"


def new(data: dict) -> dict:
    """Form data as the create form sends it (its fields are prefixed "new-")."""
    return {f"new-{key}": value for key, value in data.items()}


def edit(part: str, record, data: dict) -> dict:
    """Form data as the edit form of `part` of `record` sends it."""
    return {f"{part}-{record.id}-{key}": value for key, value in data.items()}
