"""HTML responses sent gzipped to browsers that accept it (all do): a page of 50 groups is
~33 KB drawn and ~4.5 KB sent. Level 1: ~0.15 ms for such a page, against ~0.5 ms at the
default level for 10 % fewer bytes. Registered before every other `after_request`, so that it
runs last (Flask runs them in reverse), once the body is whole (flashes appended and all).

BREACH: a compressed page that holds a secret (the CSRF token) and text an attacker chose
(a search term in a crafted link) lets the attacker guess the secret from the sizes. So only
GET pages whose query string is made of our own words and numbers (page, sort…) are
compressed; a search's results, or the answer to a form, are sent as they are."""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

MIN_SIZE = 1400  # smaller bodies fit one packet anyway
SAFE_ARGS = frozenset({"page", "sort", "desc", "load", "live", "since", "run", "ids"})
LEVEL = 1


def init_app(app: Flask) -> None:
    app.after_request(compress)


def compress(response: Response) -> Response:
    if not _worth_compressing(response):
        return response
    response.set_data(gzip.compress(response.get_data(), compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def _worth_compressing(response: Response) -> bool:
    return (
        request.method == "GET"
        and SAFE_ARGS.issuperset(request.args)
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and not response.is_streamed
        and "Content-Encoding" not in response.headers
        and request.accept_encodings["gzip"] > 0
        and (response.content_length or 0) >= MIN_SIZE
    )
