"""``tui-console dev-tenant --plan``: the flag reaches the tenant's settings and its first line."""

from __future__ import annotations

from typing import Any

import pytest

from tui_console import cli
from tui_console.devtenant import TenantSettings


@pytest.mark.parametrize(("argv", "plan"), [([], "enterprise"), (["--plan", "free"], "free")])
def test_the_plan_flag(monkeypatch: pytest.MonkeyPatch, argv: list[str], plan: str) -> None:
    seen: dict[str, Any] = {}

    def fake_run_forever(settings: TenantSettings, **kwargs: Any) -> None:
        seen["settings"] = settings

    monkeypatch.setattr("tui_console.devtenant.run_forever", fake_run_forever)
    assert cli.main(["dev-tenant", *argv]) == 0
    assert seen["settings"].plan == plan


def test_an_unknown_plan_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["dev-tenant", "--plan", "gold"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'gold'" in capsys.readouterr().err


def test_settings_refuse_an_unknown_plan() -> None:
    with pytest.raises(ValueError, match="plan must be one of"):
        TenantSettings(plan="gold")
