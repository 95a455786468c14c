"""The exceptions samestory raises. Each message names the input and the problem.

Hierarchy (the CLI and the HTTP service map these in one place each):

    SamestoryError
      InputError            bad input: the caller can fix it
        EmptyInputError, BinaryInputError, EncodingError, TooLargeError,
        MalformedInputError, NoArticleTextError, UnsupportedFormatError,
        FetchError (a URL could not be fetched), FetchDisabledError (the service does not fetch)
      VersionMismatchError  analyses/fingerprints from different analyser versions
      ModelError            a packaged model could not be loaded
"""

from __future__ import annotations


class SamestoryError(Exception):
    """Base class of every error samestory raises on purpose."""


class InputError(SamestoryError, ValueError):
    """Input that cannot be read as an article. ``source`` names it (a path, '<stdin>', 'file.jsonl:12')."""

    problem = "bad input"

    def __init__(self, source: str, detail: str = ""):
        self.source = source
        self.detail = detail
        super().__init__(f"{source}: {self.problem}" + (f": {detail}" if detail else ""))


class EmptyInputError(InputError):
    problem = "empty input"


class BinaryInputError(InputError):
    problem = "binary data, not text"


class EncodingError(InputError):
    problem = "cannot decode the text"


class TooLargeError(InputError):
    problem = "too large"


class MalformedInputError(InputError):
    problem = "malformed input"


class NoArticleTextError(InputError):
    problem = "no article text found"


class UnsupportedFormatError(InputError):
    problem = "unsupported format"


class FetchError(InputError):
    problem = "cannot fetch"


class FetchDisabledError(InputError):
    problem = "not fetched"


class VersionMismatchError(SamestoryError):
    """Two results made by different analyser versions were about to be compared."""


class ModelError(SamestoryError):
    """A model shipped in a package could not be loaded."""
