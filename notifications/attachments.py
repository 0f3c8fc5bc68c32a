"""Files a message carries, made when it is sent (a QR code, a certificate PDF), each under a name.

An app registers a factory under a name; the outbox row stores only that name and the factory's keyword
arguments (`{"name": "registration-qr", "kwargs": {"registration_id": 7}}`), never a code path, so moving or
renaming a function never breaks mail already queued. A name nobody registered makes the message fail on its
own (outbox.send_once marks it failed with the error), never the batch.
"""

from collections.abc import Callable

Factory = Callable[..., tuple[str, bytes, str]]  # keyword arguments -> (file name, content, MIME type)
_factories: dict[str, Factory] = {}


def register(name: str) -> Callable[[Factory], Factory]:
    """Decorator: the factory makes the attachment called `name`."""

    def decorator(factory: Factory) -> Factory:
        _factories[name] = factory
        return factory

    return decorator


def make(spec: dict) -> tuple[str, bytes, str]:
    """The attachment a stored spec names. KeyError for a name no app registered."""
    return _factories[spec["name"]](**spec["kwargs"])
