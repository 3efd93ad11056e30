"""Thinkific webhook deliveries: checking them (`envelope`), recording them and applying them to
the user they name (`service`); the door they come in by is `dashboard.web.webhooks`."""
