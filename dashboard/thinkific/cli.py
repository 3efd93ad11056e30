"""`flask --app wsgi thinkific-emulator`: run the Thinkific emulator in the foreground."""

from __future__ import annotations

import click

from .emulator import EmulatorServer, create_emulator
from .emulator.settings import DEFAULT_ACCESS_TOKEN, DEFAULT_API_KEY, DEFAULT_SUBDOMAIN


@click.command("thinkific-emulator")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8910, show_default=True, type=click.IntRange(0, 65535))
@click.option("--api-key", default=DEFAULT_API_KEY, show_default=True)
@click.option("--subdomain", default=DEFAULT_SUBDOMAIN, show_default=True)
@click.option("--access-token", default=DEFAULT_ACCESS_TOKEN, show_default=True)
@click.option("--rate-limit", default=120, show_default=True, type=click.IntRange(1))
@click.option("--state-file", type=click.Path(dir_okay=False), help="Keep the site in this file.")
@click.option("--demo/--empty", default=True, show_default=True, help="Seed a demo school.")
@click.option("--strict", is_flag=True, help="Check every request and response against the spec.")
@click.option("--graphql", is_flag=True, help="Serve the (unverified) GraphQL endpoint too.")
@click.option("--quiet", is_flag=True, help="Do not log each request.")
def thinkific_emulator(
    host,
    port,
    api_key,
    subdomain,
    access_token,
    rate_limit,
    state_file,
    demo,
    strict,
    graphql,
    quiet,
) -> None:
    """Run the Thinkific emulator (a stand-in for api.thinkific.com) until Ctrl-C."""
    if bool(api_key) != bool(subdomain):
        raise click.BadParameter("give --api-key and --subdomain together")
    app = create_emulator(
        {
            "API_KEY": api_key,
            "SUBDOMAIN": subdomain,
            "ACCESS_TOKENS": [access_token],
            "RATE_LIMIT": rate_limit,
            "STATE_FILE": state_file,
            "DEMO_DATA": demo,
            "STRICT": strict,
            "GRAPHQL_ENABLED": graphql,
        }
    )
    server = EmulatorServer(app, host, port, quiet=quiet)
    click.echo(describe(server, api_key, subdomain, access_token))
    try:
        server.server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopping the Thinkific emulator.")
    finally:
        server.server.server_close()


def describe(server: EmulatorServer, api_key: str, subdomain: str, access_token: str) -> str:
    return "\n".join(
        [
            "Thinkific emulator",
            f"  THINKIFIC_API_URL={server.api_url}",
            f"  THINKIFIC_API_KEY={api_key}",
            f"  THINKIFIC_SUBDOMAIN={subdomain}",
            f"  THINKIFIC_ACCESS_TOKEN={access_token}",
            f"  THINKIFIC_GRAPHQL_URL={server.graphql_url}",
            f"  control API: {server.url}/_emulator/",
        ]
    )
