"""First run: no profile yet. Try the built-in demo tenant, or connect a real Auth0 tenant.

The domain and client id are checked as they are typed (the same rules as
:meth:`Profile.validate`, with its messages), then against the tenant itself: the discovery
document must load before anything is saved, so a typo in the domain is reported now, in words,
and not at the first sign-in. What the screen may do (make a session, save the profile, start
the demo tenant) comes from the composition root as a :class:`ProfileSetup`: the UI knows
neither paths nor the dev tenant.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Footer, Input, Static
from textual.worker import Worker, WorkerState

from tui_console.config import (
    DEFAULT_PROFILE,
    Profile,
    issuer_for_domain,
    management_audience,
)
from tui_console.errors import ConfigError, TuiConsoleError
from tui_console.redact import redact
from tui_console.terminal_text import printable
from tui_console.ui.screens.setup_options import ProfileSetup, SetupResult

__all__ = ["ProfileSetup", "SetupResult", "SetupScreen", "issuer_from_entry"]


def issuer_from_entry(text: str) -> str:
    """The issuer for what was typed: an Auth0 domain, or an ``http(s)://`` issuer URL.

    A plain domain becomes ``https://DOMAIN/``. A full ``http://`` URL is kept as it is, so a
    local tenant (``tui-console dev-tenant``) works; :func:`Profile.validate` accepts plain
    http only for loopback hosts.
    """
    entry = text.strip()
    if not entry:
        raise ConfigError("Enter your tenant's domain.", hint="For example acme.eu.auth0.com.")
    if entry.lower().startswith("http://"):
        return entry if entry.endswith("/") else entry + "/"
    return issuer_for_domain(entry)


def _profile(domain: str, client_id: str) -> Profile:
    issuer = issuer_from_entry(domain)
    return Profile(
        name=DEFAULT_PROFILE,
        issuer=issuer,
        client_id=client_id.strip(),
        audience=management_audience(issuer),
    ).validate()


class _DomainValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        try:
            _profile(value, "placeholder")
        except ConfigError as error:
            return self.failure(str(error))
        return self.success()


class _ClientIdValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.failure(
                "Enter the application's client id (Applications → your app → Settings)."
            )
        try:
            _profile("example.com", value)
        except ConfigError as error:
            return self.failure(str(error))
        return self.success()


def _field(label: str, placeholder: str, validator: Validator, id: str) -> ComposeResult:
    """A labelled input checked as it is typed, and the line under it that says what is wrong
    (``#<id>-error``)."""
    yield Static(label, classes="setup-label")
    field = Input(
        placeholder=placeholder,
        validators=[validator],
        validate_on=["changed", "submitted"],
        id=id,
    )
    field.cursor_blink = False
    yield field
    yield Static(id=f"{id}-error", classes="setup-error", markup=False)


class SetupScreen(Screen[SetupResult]):
    """Connect a tenant, or try the demo. Dismissed with the session to sign in with."""

    BINDINGS = [
        Binding(
            "ctrl+t",
            "demo",
            "Try the demo",
            id="setup.demo",
            priority=True,
            tooltip="Start the built-in demo tenant and sign in to it",
        ),
        Binding(
            "ctrl+s",
            "save",
            "Check and save",
            id="setup.save",
            priority=True,
            tooltip="Check the tenant and save the profile",
        ),
    ]
    """
    | Key | Description |
    | :- | :- |
    | ctrl+t | Try the built-in demo tenant. |
    | ctrl+s | Check the domain and client id against the tenant, then save the profile. |
    | tab | Move between the fields and buttons. |
    """

    BINDING_GROUP_TITLE = "Setup"

    AUTO_FOCUS = "#setup-domain"
    """Typing goes into the first field at once (ctrl+t and ctrl+s work from it)."""

    def __init__(self, setup: ProfileSetup) -> None:
        super().__init__()
        self.setup = setup

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="setup"):
            yield Static("Welcome to tui-console", id="setup-title")
            yield Static(
                "There is no profile yet. Try the built-in demo tenant (nothing leaves this "
                "machine), or connect your Auth0 tenant: a Native application with the Device "
                "Code grant (README: Using a real Auth0 tenant).",
                id="setup-intro",
            )
            if self.setup.start_demo is not None:
                yield Button("Try the demo tenant (ctrl+t)", id="setup-demo", variant="primary")
            with Vertical(id="setup-form"):
                yield from _field(
                    "Tenant domain", "your-tenant.eu.auth0.com", _DomainValidator(), "setup-domain"
                )
                yield from _field(
                    "Client id",
                    "the Native application's Client ID",
                    _ClientIdValidator(),
                    "setup-client-id",
                )
        # Outside the scrolling form, above the footer: at 80x24 the button and what the
        # check found are always on screen.
        with Vertical(id="setup-actions"):
            with Horizontal(id="setup-buttons"):
                yield Button("Check and save (ctrl+s)", id="setup-save")
            yield Static(id="setup-status", markup=False)
        yield Footer()

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#setup-status", Static)
        status.update(Content(printable(text)))
        status.set_class(error, "-error")

    @on(Input.Changed)
    def _show_validation(self, event: Input.Changed) -> None:
        """Explain a malformed entry under its field as it is typed."""
        target = f"#{event.input.id}-error"
        result = event.validation_result
        text = (
            ""
            if result is None or result.is_valid or not event.value
            else (" ".join(result.failure_descriptions))
        )
        self.query_one(target, Static).update(Content(text))

    @on(Input.Submitted, "#setup-domain")
    def _next_field(self) -> None:
        self.query_one("#setup-client-id", Input).focus()

    @on(Input.Submitted, "#setup-client-id")
    @on(Button.Pressed, "#setup-save")
    def action_save(self) -> None:
        """Check the entries, then the tenant, then save and go on to sign in."""
        domain = self.query_one("#setup-domain", Input).value
        client_id = self.query_one("#setup-client-id", Input).value
        try:
            profile = _profile(domain, client_id)
        except ConfigError as error:
            self._status(str(error), error=True)
            return
        self._check_and_save(profile)

    @work(exclusive=True, group="setup", exit_on_error=False)
    async def _check_and_save(self, profile: Profile) -> None:
        """Load the tenant's discovery document; save the profile only if it loads."""
        self._status(f"Checking {profile.issuer} …")
        session = self.setup.session_for(profile)
        try:
            metadata = await session.server()
            if not metadata.device_authorization_endpoint:
                self.notify(
                    "This tenant does not offer the device flow; only the browser flow will work.",
                    severity="warning",
                    markup=False,
                )
            self.setup.save(profile)
        except TuiConsoleError as error:
            await session.aclose()
            self._status(
                f"{error.message} {error.hint}".strip()
                + " Check the domain (and the network), then ctrl+s to try again.",
                error=True,
            )
            return
        self._status(f"Saved profile {profile.name!r} for {profile.issuer}.")
        self.dismiss(SetupResult(session))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A bug (not a domain error) ended a check: say so in words, without a traceback."""
        if event.state is not WorkerState.ERROR or event.worker.group != "setup":
            return
        error = event.worker.error
        detail = redact(str(error))[:160] if error is not None else ""
        self._status(
            f"Something went wrong inside the console ({type(error).__name__}: {detail}). "
            "Nothing was saved; try again.",
            error=True,
        )

    @on(Button.Pressed, "#setup-demo")
    def action_demo(self) -> None:
        """Start the built-in demo tenant."""
        if self.setup.start_demo is None:
            self._status("The demo tenant is not available here: run tui-console demo.")
            return
        self._start_demo()

    @work(exclusive=True, group="setup", exit_on_error=False)
    async def _start_demo(self) -> None:
        start = self.setup.start_demo
        assert start is not None
        self._status("Starting the demo tenant on 127.0.0.1 …")
        try:
            session = await start()
        except (TuiConsoleError, OSError) as error:
            self._status(f"The demo tenant did not start: {error}", error=True)
            return
        self.dismiss(SetupResult(session, demo=True))
