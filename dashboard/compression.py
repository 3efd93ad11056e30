"""HTML responses sent gzipped to browsers that accept it (all do): a page of 50 groups is
~33 KB drawn and ~6 KB sent. Level 1: ~0.15 ms for such a page, against ~0.5 ms at the
default level for 10 % fewer bytes. Registered before every other `after_request`, so that it
runs last (Flask runs them in reverse), once the body is whole (flashes appended and all).

BREACH: a compressed page that holds a secret (the CSRF token) and text an attacker chose
(a search term in a crafted link) lets the attacker guess the secret from the sizes. So every
copy of the request's CSRF token is compressed apart: the body is cut at each copy, and each
piece is deflated on its own (a fresh compressor, ending in a full flush), so that no
back-reference joins the secret to any other text of the page, and the size of the rest tells
nothing about it. The answers to forms are still sent as they are, and so is a GET whose query
string holds anything but our own words, numbers and a search.

Since each piece is deflated alone, the same piece always deflates to the same bytes: a page
or a fragment drawn once per data version is sent again and again, so the last few pieces are
kept deflated (per process, LRU), and a page sent again costs a look-up and a checksum."""

from __future__ import annotations

import struct
import zlib
from collections import OrderedDict
from threading import Lock

from flask import Flask, Response, current_app, g, request

MIN_SIZE = 1400  # smaller bodies fit one packet anyway
SAFE_ARGS = frozenset({"q", "page", "sort", "dir", "desc", "load", "live", "since", "run", "ids"})
LEVEL = 1
RAW = -15  # zlib's window bits for a bare deflate stream (the gzip frame is ours)
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # gzip, deflate, no mtime, OS unknown
LAST_BLOCK = b"\x03\x00"  # an empty final block: the stream ends
KEPT = 64  # deflated pieces kept (a page of 50 groups: ~33 KB drawn, ~6 KB sent)
_kept: OrderedDict[bytes, bytes] = OrderedDict()
_lock = Lock()


def init_app(app: Flask) -> None:
    app.after_request(compress)


def compress(response: Response) -> Response:
    if not _worth_compressing(response):
        return response
    response.set_data(gzipped(response.get_data(), _secret()))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def gzipped(body: bytes, secret: bytes | None = None) -> bytes:
    """`body` as a gzip stream; each copy of `secret` in it deflated apart from the rest."""
    deflated = b"".join(_deflated(piece) for piece in _cut(body, secret) if piece)
    trailer = struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF)
    return HEADER + deflated + LAST_BLOCK + trailer


def _cut(body: bytes, secret: bytes | None) -> list[bytes]:
    """`body` cut before and after each copy of `secret`: the pieces, each copy one of them."""
    if not secret:
        return [body]
    pieces = [secret] * (2 * body.count(secret) + 1)
    pieces[::2] = body.split(secret)
    return pieces


def _deflated(piece: bytes) -> bytes:
    """`piece` deflated on its own into blocks that end on a byte (a full flush), so that any
    such pieces joined make one deflate stream; from the last few deflated when kept."""
    with _lock:
        found = _kept.get(piece)
        if found is not None:
            _kept.move_to_end(piece)
            return found
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, RAW)
    found = compressor.compress(piece) + compressor.flush(zlib.Z_FULL_FLUSH)
    with _lock:
        _kept[piece] = found
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return found


def _secret() -> bytes | None:
    """The CSRF token this request drew into its page, if any (Flask-WTF keeps it in `g`)."""
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    return token.encode() if isinstance(token, str) else None


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
