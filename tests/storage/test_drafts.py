"""The metadata draft store: private, atomic, per profile and per user."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.files import mode, umask
from tui_console.errors import StorageError
from tui_console.storage.drafts import Draft, DraftStore, drafts_dir


@pytest.fixture
def store(tmp_path: Path) -> DraftStore:
    return DraftStore("default", directory=tmp_path / "drafts", clock=lambda: 1_700_000_000.0)


class TestRoundTrip:
    def test_nothing_stored_reads_as_none(self, store: DraftStore) -> None:
        """A profile without a draft has none, and the directory is not created by reading."""
        assert store.load() is None
        assert not store.path.parent.exists()

    def test_a_saved_draft_comes_back_exactly(self, store: DraftStore) -> None:
        """Text (even invalid JSON), base, user and time survive the round trip."""
        text = '{\n  "theme": "light",\n  "oops": \n'
        saved = store.save(text, base={"theme": "dark"}, user_id="auth0|1")
        loaded = store.load()
        assert loaded == saved
        assert loaded == Draft(
            text=text, base={"theme": "dark"}, user_id="auth0|1", saved_at=1_700_000_000.0
        )

    def test_saving_again_replaces_the_draft(self, store: DraftStore) -> None:
        """There is one draft per profile: the latest."""
        store.save("{}", base={}, user_id="auth0|1")
        store.save('{"a": 1}', base={}, user_id="auth0|1")
        loaded = store.load()
        assert loaded is not None and loaded.text == '{"a": 1}'

    def test_clear_deletes_it_and_is_idempotent(self, store: DraftStore) -> None:
        """After a successful save the draft is gone; clearing twice is fine."""
        store.save("{}", base={}, user_id=None)
        store.clear()
        store.clear()
        assert store.load() is None
        assert not store.path.exists()

    def test_another_users_draft_is_not_offered(self, store: DraftStore) -> None:
        """A draft saved for one user id is not restored for another signed in on the profile."""
        store.save("{}", base={}, user_id="auth0|ada")
        assert store.load(user_id="auth0|charles") is None
        assert store.load(user_id="auth0|ada") is not None
        assert store.path.exists()

    def test_profiles_have_separate_drafts(self, tmp_path: Path) -> None:
        """Each profile names its own file."""
        one = DraftStore("one", directory=tmp_path)
        two = DraftStore("two", directory=tmp_path)
        one.save('{"x": 1}', base={}, user_id=None)
        assert two.load() is None
        assert one.path.name == "one.json"

    def test_a_bad_profile_name_is_refused(self, tmp_path: Path) -> None:
        """A profile name cannot walk out of the drafts directory."""
        with pytest.raises(StorageError, match="cannot name a draft file"):
            DraftStore("../evil", directory=tmp_path)

    def test_default_location_is_under_the_state_dir(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Drafts live in ``$XDG_STATE_HOME/tui-console/drafts`` by default."""
        monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
        assert drafts_dir() == tmp_path / "tui-console" / "drafts"
        assert DraftStore("p").path == tmp_path / "tui-console" / "drafts" / "p.json"


class TestPermissions:
    def test_file_is_0600_in_a_0700_directory(self, store: DraftStore) -> None:
        """Metadata is personal data: private file, private directory, whatever the umask."""
        with umask(0):
            store.save("{}", base={}, user_id=None)
        assert mode(store.path) == 0o600
        assert mode(store.path.parent) == 0o700

    def test_a_loose_directory_is_tightened(self, store: DraftStore) -> None:
        """A 0755 drafts directory becomes 0700 on the next access."""
        store.path.parent.mkdir(mode=0o755)
        os.chmod(store.path.parent, 0o755)
        store.save("{}", base={}, user_id=None)
        assert mode(store.path.parent) == 0o700

    def test_a_loose_file_is_tightened_on_read(self, store: DraftStore) -> None:
        """A draft someone made world-readable is made 0600 when read."""
        store.save("{}", base={}, user_id=None)
        os.chmod(store.path, 0o644)
        store.load()
        assert mode(store.path) == 0o600

    def test_a_symlinked_directory_is_refused(self, tmp_path: Path) -> None:
        """The drafts directory may not be a symlink to somewhere else."""
        (tmp_path / "elsewhere").mkdir()
        (tmp_path / "drafts").symlink_to(tmp_path / "elsewhere")
        store = DraftStore("default", directory=tmp_path / "drafts")
        with pytest.raises(StorageError, match="symlink"):
            store.save("{}", base={}, user_id=None)
        with pytest.raises(StorageError, match="symlink"):
            store.load()

    def test_a_symlinked_file_is_not_followed(self, store: DraftStore, tmp_path: Path) -> None:
        """A draft file that is a symlink is not read through."""
        store.path.parent.mkdir(mode=0o700)
        (tmp_path / "target.json").write_text("{}")
        store.path.symlink_to(tmp_path / "target.json")
        with pytest.raises(StorageError, match="Could not read the metadata draft"):
            store.load()


class TestAtomicity:
    @pytest.mark.parametrize("failing", ["replace", "fsync"])
    def test_a_failed_write_leaves_the_previous_draft(
        self, store: DraftStore, monkeypatch: pytest.MonkeyPatch, failing: str
    ) -> None:
        """A full disk mid-write keeps the old draft and leaves no temp file behind."""
        store.save('{"old": 1}', base={}, user_id=None)
        before = store.path.read_bytes()

        def crash(*args: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, failing, crash)
        with pytest.raises(StorageError, match="previous draft was left") as caught:
            store.save('{"new": 2}', base={}, user_id=None)
        monkeypatch.undo()
        assert "Your edit is still in the editor" in caught.value.hint
        assert store.path.read_bytes() == before
        assert sorted(p.name for p in store.path.parent.iterdir()) == ["default.json"]

    def test_a_corrupt_draft_is_reported_and_kept(self, store: DraftStore) -> None:
        """An unreadable draft raises a StorageError and is not deleted (it may be an edit)."""
        store.save("{}", base={}, user_id=None)
        store.path.write_text("not json")
        with pytest.raises(StorageError, match="not a draft this console can read") as caught:
            store.load()
        assert "not json" not in str(caught.value)
        assert store.path.exists()

    def test_a_draft_of_another_version_is_refused(self, store: DraftStore) -> None:
        """Only version 1 drafts are read."""
        store.path.parent.mkdir(mode=0o700)
        store.path.write_text('{"version": 2, "text": "{}", "base": {}, "saved_at": 1}')
        with pytest.raises(StorageError):
            store.load()
