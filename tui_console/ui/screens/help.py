"""The help screen (F1 or ?): every key, grouped by the screen or pane it works on.

It is built from the ``BINDINGS`` of the classes themselves, so it cannot drift from what the
keys do, and it honours the keymap (a remapped key shows as remapped). Each key shows its
binding id in brackets, the name a ``[keymap]`` entry in config.toml rebinds it by. Typing
filters the list by key, id or words, as lazygit's searchable ``?`` menu does (ux-notes.md
P13), and says so when nothing matches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

__all__ = ["HelpScreen", "HelpSection", "KeyHelp"]


@dataclass(frozen=True)
class KeyHelp:
    """One line of help: the key as shown, and what it does."""

    key: str
    description: str
    binding_id: str = ""
    """The id a ``[keymap]`` entry rebinds this key by (empty: not rebindable)."""
    raw_keys: str = ""
    """The keys as Textual names them (``ctrl+s``), for the filter."""

    def matches(self, needle: str) -> bool:
        """Whether ``needle`` (lower case) is in the key, its name, its id or its words."""
        return any(
            needle in part.lower()
            for part in (self.key, self.raw_keys, self.binding_id, self.description)
        )


@dataclass(frozen=True)
class HelpSection:
    """The keys of one screen or pane."""

    title: str
    keys: tuple[KeyHelp, ...]

    @classmethod
    def from_bindings(
        cls,
        title: str,
        bindings: Iterable[BindingType],
        *,
        key_display: Callable[[Binding], str] | None = None,
        keymap: dict[str, str] | None = None,
        extra: Sequence[tuple[str, str]] = (),
    ) -> HelpSection:
        """A section from a ``BINDINGS`` list; keys bound to one action are joined (``f1 ?``)."""
        merged: dict[tuple[str, str], list[Binding]] = {}
        for binding in Binding.make_bindings(bindings):
            if binding.system:
                continue
            if keymap and binding.id and binding.id in keymap:
                binding = binding.with_key(keymap[binding.id])
            text = binding.tooltip or binding.description or binding.action
            merged.setdefault((binding.action, text), []).append(binding)
        keys = []
        for (_, text), group in merged.items():
            shown = [key_display(b) if key_display else b.key for b in group]
            keys.append(
                KeyHelp(
                    " ".join(dict.fromkeys(shown)),
                    text,
                    binding_id=" ".join(dict.fromkeys(b.id for b in group if b.id)),
                    raw_keys=" ".join(b.key for b in group),
                )
            )
        keys += [KeyHelp(key, text) for key, text in extra]
        return cls(title, tuple(keys))


class HelpScreen(ModalScreen[None]):
    """All keys by screen, filtered by what is typed."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="help.close", tooltip="Close the help"),
        Binding("f1", "dismiss", "Close", id="help.close_f1", show=False),
    ]
    """
    | Key | Description |
    | :- | :- |
    | escape, f1 | Close the help. |
    | (typing) | Filter by key (`ctrl+s`, `^s`), binding id (`metadata.save`) or words. |
    """

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > #help {
            width: 90%;
            max-width: 100;
            height: 90%;
            border: round $primary;
            border-title-align: left;
            border-subtitle-align: right;
            background: $surface;
            padding: 0 1;
        }
        .help-title {
            text-style: bold;
            color: $accent;
            margin-top: 1;
        }
        .help-keys {
            padding-left: 1;
        }
    }
    """

    def __init__(self, sections: Sequence[HelpSection], *, context: str | None = None) -> None:
        super().__init__()
        self.sections = tuple(sections)
        self.context = context

    def compose(self) -> ComposeResult:
        with Vertical(id="help") as box:
            box.border_title = "Keys"
            box.border_subtitle = "escape closes"
            search = Input(placeholder="type to filter keys…", id="help-filter", compact=True)
            search.cursor_blink = False
            yield search
            with VerticalScroll(id="help-body"):
                for index, section in enumerate(self.sections):
                    yield Static(Content(section.title), classes="help-title", id=f"help-s{index}")
                    yield Static(classes="help-keys", id=f"help-k{index}")
                yield Static(
                    "No key, id or description matches. Backspace to widen the search.",
                    markup=False,
                    id="help-none",
                )

    def on_mount(self) -> None:
        self._show("")
        self.query_one("#help-filter", Input).focus()

    @staticmethod
    def _lines(section: HelpSection, needle: str) -> list[str]:
        width = max((len(k.key) for k in section.keys), default=0)
        return [
            f"{k.key:<{width}}  {k.description}" + (f"  [{k.binding_id}]" if k.binding_id else "")
            for k in section.keys
            if not needle or k.matches(needle) or needle in section.title.lower()
        ]

    def _show(self, needle: str) -> None:
        needle = needle.strip().lower()
        shown = 0
        for index, section in enumerate(self.sections):
            lines = self._lines(section, needle)
            shown += len(lines)
            self.query_one(f"#help-s{index}").display = bool(lines)
            keys = self.query_one(f"#help-k{index}", Static)
            keys.display = bool(lines)
            keys.update(Content("\n".join(lines)))
        self.query_one("#help-none").display = shown == 0

    @on(Input.Changed, "#help-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._show(event.value)

    @property
    def text(self) -> str:
        """Everything the help lists, as plain text (for tests)."""
        return "\n".join(
            f"{section.title}\n" + "\n".join(self._lines(section, "")) for section in self.sections
        )
