"""Posting a line outward to an incoming webhook: only when the user configured one.

The URL is a secret: it is never shown in full (see `redact`).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from habit.errors import NetworkError


def redact(url: str) -> str:
    """scheme://host/… plus the last 4 characters: enough to recognise, not to use."""
    parts = urllib.parse.urlsplit(url)
    tail = url[-4:] if len(url) > 12 else ""
    return f"{parts.scheme}://{parts.hostname or '?'}/…{tail}"


def post_text(url: str, text: str, *, timeout: float = 5.0) -> int:
    """POST {"text": text} as JSON; return the HTTP status or raise NetworkError (one line)."""
    body = json.dumps({"text": text}).encode("utf-8")
    request = urllib.request.Request(
        url, data=body, method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "habit"},
    )
    where = redact(url)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as err:
        raise NetworkError(f"{where} answered {err.code}; the text was not posted "
                           "(nothing here was changed).") from None
    except TimeoutError:
        raise NetworkError(f"{where} did not answer within {timeout:g} s; the text was not "
                           "posted (nothing here was changed).") from None
    except urllib.error.URLError as err:
        reason = getattr(err.reason, "strerror", None) or str(err.reason)
        raise NetworkError(f"could not reach {where} ({reason}); the text was not posted "
                           "(nothing here was changed).") from None
    except (OSError, ValueError) as err:
        raise NetworkError(f"could not post to {where} ({err}); nothing here was changed."
                           ) from None
