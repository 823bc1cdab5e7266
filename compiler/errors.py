"""The adjit error family: compiler-style diagnostics with file:line:col, the source line and a caret."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Loc:
    """A place in the user's source: 1-based line, 0-based columns, and the text of the line."""

    filename: str
    line: int
    col: int
    end_col: int
    text: str
    stmt: str = ""  # the whole statement's source, shown as a comment above generated code
    func: str = ""  # the function the statement belongs to (inlined calls come from others)

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}:{self.col + 1}"


def render_diagnostic(message: str, loc: Loc | None, hint: str | None = None, kind: str = "error") -> str:
    """`file.py:12:8: error: <what>` then the line, a caret under the expression, then a hint."""
    if loc is None:
        text = f"{kind}: {message}"
    else:
        text = f"{loc}: {kind}: {message}"
        if loc.text:
            line = loc.text.rstrip("\n")
            stripped = line.lstrip()
            indent = len(line) - len(stripped)
            width = max(1, min(loc.end_col, len(line)) - loc.col)
            text += "\n    " + stripped + "\n    " + " " * max(0, loc.col - indent) + "^" * width
    if hint:
        text += f"\nhint: {hint}"
    return text


class AdjitError(Exception):
    """Base of every error a user can cause; its message reads like a compiler diagnostic."""

    def __init__(self, message: str, loc: Loc | None = None, hint: str | None = None, notes: tuple = ()):
        self.message = message
        self.loc = loc
        self.hint = hint
        self.notes = tuple(notes)
        text = render_diagnostic(message, loc, hint)
        for note in self.notes:
            text += "\n" + note
        super().__init__(text)

    def located(self, loc: "Loc | None") -> "AdjitError":
        """This error, at `loc` when it has no place of its own (a rule raising while it builds the
        derivative of an op: the op's line)."""
        if self.loc is not None or loc is None:
            return self
        return type(self)(self.message, loc, self.hint, self.notes)

    def called_from(self, loc: Loc, callee: str) -> "AdjitError":
        """The same error with a note pointing at the call (of an inlined function) that led here."""
        note = render_diagnostic(f"in the call of {callee}() from here", loc, kind="note")
        return type(self)(self.message, self.loc, self.hint, self.notes + (note,))


class UnsupportedSyntaxError(AdjitError):
    """The function uses Python or NumPy outside adjit's supported subset."""


class AdjitNameError(AdjitError):
    """A name or function the frontend cannot resolve."""


class AdjitTypeError(AdjitError):
    """A value has a type adjit cannot differentiate or compile (non-float wrt, non-scalar result...)."""


class ShapeError(AdjitError, ValueError):
    """Array shapes are incompatible; found before any compiled loop runs. A ValueError too, as
    NumPy's own shape errors are."""


class ArgumentError(AdjitError):
    """A call passed the wrong number or kind of arguments."""


class InternalCompilerError(Exception):
    """A bug in adjit itself, not in the user's code; carries the IR dump to report."""

    def __init__(self, message: str, ir_dump: str = ""):
        self.ir_dump = ir_dump
        text = f"internal compiler error (a bug in adjit, please report it): {message}"
        if ir_dump:
            text += "\n--- IR ---\n" + ir_dump
        super().__init__(text)
