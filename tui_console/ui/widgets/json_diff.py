"""Showing a ``user_metadata`` change before it is sent, and two versions side by side.

:class:`~tui_console.account.MetadataChanges` (the edit's rules, in the core) holds the keys to
set and to delete. Auth0 merges ``user_metadata`` at the top level only (auth0-reference.md
§6.3), so a changed nested object is sent whole, and a removed key is sent as ``null``.
:class:`PatchPreview` shows exactly that, key by key in words ("add", "change", "delete") and
as the request body. :class:`ConflictScreen` shows Auth0's current copy next to the editor's
when someone changed it in the meantime, and lets the person choose.

Every value here came from a server or a person: it is rendered as :class:`rich.text.Text`,
never parsed as markup.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, Static

from tui_console.account import MetadataChanges, metadata_changes
from tui_console.terminal_text import printable
from tui_console.ui.widgets.dialog import Dialog, DialogBody, button_row

__all__ = [
    "ConflictChoice",
    "ConflictScreen",
    "PatchPreview",
    "render_changes",
    "render_version",
]


def _one_line(value: Any) -> str:
    return printable(json.dumps(value, ensure_ascii=False))


def _pretty(value: Any, indent: int) -> list[str]:
    lines = printable(json.dumps(value, ensure_ascii=False, indent=2)).splitlines()
    return [" " * indent + line for line in lines]


def _value_lines(value: Any, *, indent: int, width: int) -> tuple[str, list[str]]:
    """A short value on the same line, or a nested one pretty-printed on the lines below."""
    text = _one_line(value)
    if len(text) <= width or not isinstance(value, dict | list):
        return text, []
    return "", _pretty(value, indent)


_VERB_STYLE = {"add": "bold green", "change": "bold yellow", "delete": "bold red"}


def render_changes(
    base: Mapping[str, Any],
    changes: MetadataChanges,
    body: Mapping[str, Any],
    *,
    reverts: tuple[str, ...] = (),
) -> Text:
    """The change in words, key by key, then the exact request body.

    ``reverts`` are keys you did not edit that the save changes anyway (overwriting a newer
    copy on Auth0 turns the other side's change back); they are named first.
    """
    text = Text()
    if reverts:
        text.append(
            "⚠ This also changes keys you did not edit, undoing the change made on Auth0: "
            + ", ".join(printable(key, one_line=True) for key in reverts)
            + "\n",
            style="bold yellow",
        )
    text.append("Keys not listed stay as they are on Auth0.\n\n")
    for key, value in changes.set.items():
        verb = "add" if key in changes.added else "change"
        text.append(f"{verb:<7}", style=_VERB_STYLE[verb])
        text.append(f" {printable(key, one_line=True)}")
        if isinstance(value, dict):
            text.append(" (the whole object is sent)", style="dim")
        new = _one_line(value)
        old = _one_line(base[key]) if verb == "change" else ""
        if verb == "change" and len(old) + len(new) <= 48:
            text.append(f": {old} → {new}\n")
        elif verb == "add" and len(new) <= 56:
            text.append(f": {new}\n")
        else:
            text.append(":\n")
            if verb == "change":
                shown = old if len(old) <= 56 else old[:55] + "…"
                text.append(f"{'':<8}was {shown}\n", style="dim")
                text.append(f"{'':<8}now\n")
            text.append("\n".join(_pretty(value, 10)) + "\n")
    for key in changes.unset:
        text.append(f"{'delete':<7}", style=_VERB_STYLE["delete"])
        text.append(f" {printable(key, one_line=True)}")
        text.append(" (sent as null, which deletes it)\n", style="dim")
    text.append("\nRequest body (PATCH /api/v2/users/{id}):\n", style="bold")
    text.append(printable(json.dumps(body, ensure_ascii=False, indent=2)))
    return text


class PatchPreview(Static):
    """What a save will send: each key with add/change/delete, then the request body."""

    DEFAULT_CSS = """
    PatchPreview { height: auto; }
    """

    def __init__(
        self,
        base: Mapping[str, Any],
        changes: MetadataChanges,
        body: Mapping[str, Any],
        *,
        reverts: tuple[str, ...] = (),
        id: str | None = None,
    ) -> None:
        super().__init__(render_changes(base, changes, body, reverts=reverts), markup=False, id=id)
        self.changes = changes
        self.body = body
        self.reverts = reverts


def render_version(metadata: Mapping[str, Any], other: Mapping[str, Any]) -> Text:
    """``metadata`` key by key; keys whose value differs in ``other`` (or is absent) get ``*``."""
    text = Text()
    if not metadata:
        text.append("(no metadata)", style="dim")
        return text
    for key in sorted(metadata):
        differs = key not in other or other[key] != metadata[key]
        text.append("* " if differs else "  ", style="bold yellow" if differs else "")
        text.append(f"{printable(key, one_line=True)}: ", style="bold" if differs else "")
        inline, below = _value_lines(metadata[key], indent=4, width=28)
        text.append((inline or "") + "\n")
        if below:
            text.append("\n".join(below) + "\n")
    missing = [key for key in sorted(other) if key not in metadata]
    for key in missing:
        text.append("* ", style="bold yellow")
        text.append(f"{printable(key, one_line=True)}: (absent)\n", style="dim")
    return text


ConflictChoice = Literal["reload", "overwrite", "cancel"]


class ConflictScreen(Dialog[ConflictChoice]):
    """Auth0's copy changed since it was loaded: show theirs and yours, then let the person pick.

    Dismisses with ``"reload"`` (take theirs into the editor), ``"overwrite"`` (make Auth0's copy
    equal yours; the change is shown again before sending) or ``"cancel"`` (send nothing).

    | Key | Action |
    | --- | --- |
    | `r` | Reload theirs |
    | `o` | Overwrite with yours (the change is shown before anything is sent) |
    | `c`, `n`, `escape` | Cancel: send nothing, keep editing |
    """

    DEFAULT_CSS = """
    ConflictScreen {
        & > #dialog { width: 100%; max-width: 116; border: thick $warning; }
        & #explain { height: auto; }
        & #versions { height: auto; margin-top: 1; }
        & .version { width: 1fr; height: auto; border-top: solid $secondary; }
        & .version-title { text-style: bold; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "choose('cancel')",
            "Cancel",
            id="conflict.cancel",
            tooltip="Send nothing and keep editing",
        ),
    ]

    def __init__(
        self,
        *,
        base: Mapping[str, Any],
        theirs: Mapping[str, Any],
        yours: Mapping[str, Any],
    ) -> None:
        super().__init__()
        self.base = base
        self.theirs = theirs
        self.yours = yours

    def compose(self) -> ComposeResult:
        elsewhere = metadata_changes(self.base, self.theirs)
        explain = (
            "Someone (or another console) changed your metadata on Auth0 after you loaded it: "
            f"{elsewhere.describe()}. Nothing was sent. Keys marked * differ between the two "
            "versions."
        )
        with DialogBody(id="dialog"):
            yield Label("Your metadata changed on Auth0 since you loaded it", id="title")
            yield Static(Content(explain), markup=False, id="explain")
            with Horizontal(id="versions"):
                with Vertical(classes="version", id="theirs"):
                    yield Static("Theirs (on Auth0 now)", markup=False, classes="version-title")
                    yield Static(
                        render_version(self.theirs, self.yours), markup=False, id="theirs-text"
                    )
                with Vertical(classes="version", id="yours"):
                    yield Static("Yours (in the editor)", markup=False, classes="version-title")
                    yield Static(
                        render_version(self.yours, self.theirs), markup=False, id="yours-text"
                    )
            yield button_row(
                Button("Cancel", id="cancel"),
                Button("Reload theirs", id="reload", variant="primary"),
                Button("Overwrite with yours", id="overwrite", variant="error"),
            )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        choice = event.button.id
        if choice in ("reload", "overwrite", "cancel"):
            self.dismiss(choice)  # type: ignore[arg-type]

    def action_choose(self, choice: ConflictChoice) -> None:
        """Close with ``choice``."""
        self.dismiss(choice)
