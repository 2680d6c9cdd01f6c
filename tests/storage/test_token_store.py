"""FileTokenStore: private permissions, atomic writes, and errors that never show a token."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import jwt
import pytest

from tests.files import mode
from tui_console.auth.tokens import TokenSet
from tui_console.errors import StorageError
from tui_console.redact import Secret
from tui_console.storage.token_store import FileTokenStore, TokenOwner

API = "https://tenant.example/api/v2/"
ACCESS = "access-token-text-0123456789"
REFRESH = "refresh-token-text-9876543210"


def token_set(audience: str | None = API, access: str = ACCESS) -> TokenSet:
    return TokenSet(
        access_token=Secret(access),
        expires_at=2_000_000_000.0,
        scope=("openid", "read:current_user"),
        refresh_token=Secret(REFRESH),
        id_token=Secret("id-token-text"),
        audience=audience,
        issued_at=1_999_990_000.0,
    )


@pytest.fixture
def store(tmp_path: Path) -> FileTokenStore:
    return FileTokenStore(tmp_path / "state" / "tokens", "default")


class TestPermissions:
    @pytest.mark.usefixtures("permissive_umask")
    def test_directory_is_0700_and_file_is_0600_even_with_umask_0(
        self, store: FileTokenStore
    ) -> None:
        """A write creates a 0700 directory and a 0600 file whatever the umask."""
        store.put(token_set())
        assert mode(store.path.parent) == 0o700
        assert mode(store.path) == 0o600

    def test_a_loose_existing_directory_is_tightened(self, store: FileTokenStore) -> None:
        """An existing group/world-readable token directory is made 0700."""
        store.path.parent.mkdir(parents=True)
        os.chmod(store.path.parent, 0o755)
        store.put(token_set())
        assert mode(store.path.parent) == 0o700

    def test_a_loose_existing_file_is_tightened_on_read(self, store: FileTokenStore) -> None:
        """A token file someone made world-readable is made 0600 when read."""
        store.put(token_set())
        os.chmod(store.path, 0o644)
        assert store.get(API) is not None
        assert mode(store.path) == 0o600

    def test_a_symlinked_directory_is_refused(self, tmp_path: Path) -> None:
        """The token directory may not be a symlink: someone else could point it anywhere."""
        real = tmp_path / "elsewhere"
        real.mkdir(mode=0o700)
        (tmp_path / "tokens").symlink_to(real)
        store = FileTokenStore(tmp_path / "tokens", "default")
        with pytest.raises(StorageError, match="symlink"):
            store.put(token_set())
        with pytest.raises(StorageError, match="symlink"):
            store.load()

    def test_a_symlinked_token_file_is_refused(self, store: FileTokenStore, tmp_path: Path) -> None:
        """The token file is opened without following symlinks."""
        store.path.parent.mkdir(parents=True, mode=0o700)
        target = tmp_path / "planted.json"
        target.write_text(json.dumps({"version": 1, "tokens": {}}))
        store.path.symlink_to(target)
        with pytest.raises(StorageError, match="Could not read the token file"):
            store.load()

    def test_a_directory_in_place_of_the_file_is_a_storage_error(
        self, store: FileTokenStore
    ) -> None:
        """Something unreadable at the token file's path is reported, not an OSError."""
        store.path.mkdir(parents=True)
        with pytest.raises(StorageError, match="Could not read the token file"):
            store.load()

    @pytest.mark.skipif(os.getuid() != 0, reason="needs root to chown to another user")
    def test_a_directory_owned_by_another_user_is_refused(self, store: FileTokenStore) -> None:
        """A token directory that belongs to another uid is refused, not adopted."""
        store.path.parent.mkdir(parents=True, mode=0o700)
        os.chown(store.path.parent, 4242, 4242)
        with pytest.raises(StorageError, match="belongs to another user"):
            store.put(token_set())

    def test_reading_a_missing_store_creates_nothing(self, store: FileTokenStore) -> None:
        """Asking for tokens before any sign-in neither fails nor creates directories."""
        assert store.load() == {}
        assert store.get(API) is None
        assert not store.path.parent.exists()


class TestContents:
    def test_round_trip_keeps_each_audience_apart(self, store: FileTokenStore) -> None:
        """Tokens are stored per audience, with "" for the userinfo-only token."""
        store.put(token_set(API))
        store.put(token_set(None, access="userinfo-access"))
        assert store.get(API) == token_set(API)
        assert store.get(None) == token_set(None, access="userinfo-access")
        assert set(store.load()) == {API, ""}
        document = json.loads(store.path.read_text())
        assert document["version"] == 1
        assert set(document["tokens"]) == {API, ""}

    def test_put_replaces_only_its_own_audience(self, store: FileTokenStore) -> None:
        """Writing one audience's tokens leaves the other audiences' tokens alone."""
        store.put(token_set(API))
        store.put(token_set(None))
        store.put(token_set(API, access="newer"))
        assert store.get(API) == token_set(API, access="newer")
        assert store.get(None) == token_set(None)

    def test_remove_forgets_one_audience_and_the_last_one_deletes_the_file(
        self, store: FileTokenStore
    ) -> None:
        """Removing an audience keeps the others; removing the last one deletes the file."""
        store.put(token_set(API))
        store.put(token_set(None))
        store.remove(API)
        assert store.get(API) is None
        assert store.get(None) is not None
        store.remove(None)
        assert not store.path.exists()
        store.remove(None)  # nothing left to remove: not an error

    def test_clear_deletes_the_file_but_not_the_lock(self, store: FileTokenStore) -> None:
        """clear() signs out locally; the lock file stays for processes that may hold it."""
        store.put(token_set())
        store.lock_path.touch()
        store.clear()
        assert not store.path.exists()
        assert store.lock_path.exists()
        store.clear()

    def test_paths(self, tmp_path: Path) -> None:
        """The token file is {profile}.json and the lock {profile}.lock, side by side."""
        store = FileTokenStore(tmp_path, "work.eu")
        assert store.path == tmp_path / "work.eu.json"
        assert store.lock_path == tmp_path / "work.eu.lock"


class TestAtomicWrites:
    @pytest.mark.parametrize("failing", ["replace", "fsync"])
    def test_a_crash_mid_write_leaves_the_previous_file(
        self, store: FileTokenStore, monkeypatch: pytest.MonkeyPatch, failing: str
    ) -> None:
        """If writing fails before the rename, the old file is intact and no temp file is left."""
        store.put(token_set(access="old-access"))
        before = store.path.read_bytes()

        def crash(*args: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, failing, crash)
        with pytest.raises(StorageError, match="previous file was left") as caught:
            store.put(token_set(access="new-access"))
        monkeypatch.undo()
        assert "new-access" not in str(caught.value)
        assert store.path.read_bytes() == before
        assert sorted(p.name for p in store.path.parent.iterdir()) == ["default.json"]

    def test_the_write_goes_through_a_temp_file_and_os_replace(
        self, store: FileTokenStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The new content appears by one rename of a 0600 file from the same directory."""
        seen: list[tuple[Path, int]] = []
        real_replace = os.replace

        def spy(src: str, dst: Path) -> None:
            seen.append((Path(src), mode(Path(src))))
            real_replace(src, dst)

        monkeypatch.setattr(os, "replace", spy)
        store.put(token_set())
        [(temp, temp_mode)] = seen
        assert temp.parent == store.path.parent
        assert temp_mode == 0o600


class TestErrors:
    def test_corrupt_json_names_the_file_and_the_remedy_not_the_content(
        self, store: FileTokenStore
    ) -> None:
        """A corrupt file gives a StorageError with the path and a next step, never its bytes."""
        store.path.parent.mkdir(parents=True, mode=0o700)
        store.path.write_text('{"version": 1, "tokens": {"x": {"access_token": "' + ACCESS)
        with pytest.raises(StorageError) as caught:
            store.load()
        text = str(caught.value)
        assert str(store.path) in text
        assert "sign in again" in text
        assert ACCESS not in text
        assert caught.value.__cause__ is None
        assert caught.value.__suppress_context__

    @pytest.mark.parametrize(
        "document",
        [
            [],
            {"version": 1},
            {"version": 1, "tokens": {API: {"no_access_token": ACCESS}}},
            {"version": 1, "tokens": {API: "just-a-string-" + ACCESS}},
        ],
    )
    def test_a_malformed_layout_is_a_storage_error(
        self, store: FileTokenStore, document: object
    ) -> None:
        """Valid JSON in the wrong shape is reported as such, without the content."""
        store.path.parent.mkdir(parents=True, mode=0o700)
        store.path.write_text(json.dumps(document))
        with pytest.raises(StorageError) as caught:
            store.get(API)
        assert ACCESS not in str(caught.value)

    def test_a_newer_format_version_says_to_upgrade(self, store: FileTokenStore) -> None:
        """A file from a newer tui-console is not misread."""
        store.path.parent.mkdir(parents=True, mode=0o700)
        store.path.write_text(json.dumps({"version": 2, "tokens": {}}))
        with pytest.raises(StorageError, match="Upgrade tui-console"):
            store.load()

    @pytest.mark.parametrize(
        "name", ["", "../evil", "a/b", "a\\b", ".hidden", "-flag", "with space", "x" * 65, "é"]
    )
    def test_profile_names_that_are_not_plain_file_names_are_refused(
        self, tmp_path: Path, name: str
    ) -> None:
        """A profile name can't escape the token directory or hide the file."""
        with pytest.raises(StorageError, match="cannot name a token file"):
            FileTokenStore(tmp_path, name)

    @pytest.mark.parametrize("name", ["default", "work-eu", "a.b_c", "Tenant2", "x" * 64])
    def test_plain_profile_names_are_accepted(self, tmp_path: Path, name: str) -> None:
        """Letters, digits, '-', '_' and '.' make a profile name."""
        assert FileTokenStore(tmp_path, name).path.name == f"{name}.json"

    def test_repr_and_str_show_the_path_only(self, store: FileTokenStore) -> None:
        """The store's repr names its file and never a token."""
        store.put(token_set())
        for text in (repr(store), str(store)):
            assert str(store.path) in text
            assert ACCESS not in text
            assert REFRESH not in text


TENANT = TokenOwner("https://tenant.example/", "client-a")
OTHER = TokenOwner("https://x.invalid/", "x")


def _id_token(claims: Mapping[str, object]) -> Secret:
    """An unsigned JWT with ``claims``: the store reads only the payload of a stored ID token."""
    return Secret(jwt.encode(dict(claims), key="", algorithm="none"))


class TestOwner:
    """A token file is shown and used only with the issuer and client it was issued for."""

    def test_the_owner_is_recorded_beside_the_tokens(self, store: FileTokenStore) -> None:
        """A store opened for an owner writes its issuer and client id into the file."""
        store.owned_by(TENANT).put(token_set())
        document = json.loads(store.path.read_text())
        assert (document["issuer"], document["client_id"]) == (TENANT.issuer, TENANT.client_id)
        assert store.owned_by(TENANT).get(API) == token_set()
        assert store.owned_by(TENANT).foreign_owner() is None

    def test_another_owner_sees_no_tokens_and_learns_whose_they_are(
        self, store: FileTokenStore
    ) -> None:
        """Another issuer or client id reads an empty store, and foreign_owner() names the owner."""
        store.owned_by(TENANT).put(token_set())
        for other in (OTHER, TokenOwner(TENANT.issuer, "x"), TokenOwner(OTHER.issuer, "client-a")):
            assert store.owned_by(other).load() == {}
            assert store.owned_by(other).get(API) is None
            assert store.owned_by(other).foreign_owner() == TENANT
        assert store.owned_by(TENANT).get(API) == token_set()  # untouched by the lookups

    def test_a_sign_in_for_another_owner_replaces_the_file(self, store: FileTokenStore) -> None:
        """Writing for another owner keeps none of the previous owner's tokens."""
        store.owned_by(TENANT).put(token_set(API))
        store.owned_by(TENANT).put(token_set(None))
        store.owned_by(OTHER).put(token_set(API, access="other-access"))
        assert set(store.owned_by(OTHER).load()) == {API}
        assert store.owned_by(TENANT).foreign_owner() == OTHER
        assert store.owned_by(TENANT).load() == {}

    def test_a_store_opened_for_no_owner_keeps_the_recorded_one(
        self, store: FileTokenStore
    ) -> None:
        """A write through a store opened without an owner does not drop the recorded owner."""
        store.owned_by(TENANT).put(token_set(API))
        store.put(token_set(None))
        assert store.owned_by(OTHER).foreign_owner() == TENANT

    def test_an_old_file_without_an_owner_is_read_by_anyone(self, store: FileTokenStore) -> None:
        """A file from before owners were recorded, with no readable ID token, is taken as is."""
        store.put(token_set())  # no owner; the ID token is not a JWT
        assert "issuer" not in json.loads(store.path.read_text())
        assert store.owned_by(OTHER).get(API) == token_set()

    def test_an_old_file_takes_its_owner_from_the_stored_id_token(
        self, store: FileTokenStore
    ) -> None:
        """For an old file, the validated ID token's iss and aud say whose session it is."""
        claims = {"iss": TENANT.issuer, "aud": TENANT.client_id, "sub": "auth0|1"}
        store.put(replace(token_set(), id_token=_id_token(claims)))
        assert store.owned_by(OTHER).load() == {}
        assert store.owned_by(OTHER).foreign_owner() == TENANT
        assert set(store.owned_by(TENANT).load()) == {API}

    @pytest.mark.parametrize("fields", [{"issuer": 5, "client_id": "x"}, {"issuer": "https://a/"}])
    def test_an_owner_that_is_not_text_is_a_damaged_file(
        self, store: FileTokenStore, fields: dict[str, object]
    ) -> None:
        """Owner fields of the wrong type (or half of them) make the file damaged, named."""
        store.put(token_set())
        document = json.loads(store.path.read_text())
        store.path.write_text(json.dumps({**document, **fields}))
        with pytest.raises(StorageError, match=str(store.path)):
            store.owned_by(TENANT).load()
