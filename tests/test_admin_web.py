"""The web view: the decrypted copy, its canned queries, the real Datasette behind a password."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.questionlog.datasette_plugins.login_throttle import LoginThrottle, ThrottlePolicy
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.records import QuestionRecord
from bot.questionlog.store import Store
from bot.questionlog.web import (
    ADMIN_USER,
    CANNED_QUERIES,
    DATABASE_NAME,
    PASSWORD_HASH_ENV,
    PER_DAY_CHART,
    THROTTLE,
    build_view,
    metadata,
)
from bot.questionlog.webchild import (
    CHILD_ENV_NAMES,
    FORWARDED_ENV,
    LOCAL_PROXY,
    child_environment,
)
from bot.questionlog.webfolder import FOLDER_PREFIX

REPO = Path(__file__).resolve().parents[1]
KEY = new_encryption_key()
SECRET = new_hash_secret()
PASSWORD = "correct horse battery"
CHROMIUM = Path("/usr/bin/chromium")
NOW = datetime.now(UTC)

RECORDS = [
    # question, status, posting, topic, score, days ago
    ("Is there a housing allowance?", "fallback", "unep-car-rcu", "benefits", 0.0, 0),
    ("is there a HOUSING allowance", "not_stated", "unep-car-rcu", "benefits", 70.0, 1),
    ("How long is the contract?", "answered", "unesco-clt", "duration", 95.0, 1),
    ("Where is the duty station?", "answered", "unesco-clt", "location", 61.0, 2),
]


def record(
    text: str, status: str, posting: str, topic: str, score: float, days: int
) -> QuestionRecord:
    return QuestionRecord(
        channel="telegram",
        chat_id=123456789,
        lang="en",
        question=text,
        kind="question",
        status=status,
        posting=posting,
        topic=topic,
        score=score,
        suggestions=("Salary",),
        latency_ms=2.0,
        knowledge_version="k1",
        asked_at=NOW - timedelta(days=days),
    )


async def write_log(path: Path) -> Store:
    store = await Store.open(path, hash_secret=SECRET, encryption_key=KEY)
    for values in RECORDS:
        store.log(record(*values))
    await store.flush()
    return store


# --- the decrypted copy ---------------------------------------------------------------


async def test_every_canned_query_runs_on_the_decrypted_copy(tmp_path: Path) -> None:
    store = await write_log(tmp_path / "log.sqlite3")
    copy = tmp_path / "view.db"
    summary = await build_view(store, copy, days=365)
    await store.close()

    assert (summary.records, summary.groups) == (4, 2)
    with sqlite3.connect(copy) as db:
        results = {
            name: db.execute(query["sql"], dict.fromkeys(query.get("params", ()), "")).fetchall()
            for name, query in CANNED_QUERIES.items()
        }
        chats = {row[0] for row in db.execute("SELECT chat FROM questions")}
    assert results["unanswered"][0][:4] == (
        2,
        "Is there a housing allowance?",
        "unep-car-rcu",
        "benefits",
    )
    assert [row[1] for row in results["low_scores"]] == ["Where is the duty station?"]
    assert sum(row[1] for row in results["questions_per_day"]) == 4
    assert ("unesco-clt", "duration", 1, 1, 0, 95.0) in results["by_posting_and_topic"]
    assert len(results["unanswered_questions"]) == 3
    assert all(len(chat) == 12 for chat in chats)
    assert "123456789" not in "".join(chats)


async def test_rebuilding_the_copy_replaces_it_in_place(tmp_path: Path) -> None:
    store = await write_log(tmp_path / "log.sqlite3")
    copy = tmp_path / "view.db"
    await build_view(store, copy, days=365)
    store.log(record("A brand new question?", "fallback", "unesco-clt", "salary", 0.0, 0))
    await store.flush()
    summary = await build_view(store, copy, days=365)
    await store.close()
    assert summary.records == 5
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT count(*) FROM questions").fetchone()[0] == 5


def test_the_metadata_admits_only_the_admin_and_takes_the_hash_from_the_environment() -> None:
    data = metadata()
    assert data["allow"] == {"id": ADMIN_USER}
    plugin = data["plugins"]["datasette-auth-passwords"]
    assert plugin == {
        f"{ADMIN_USER}_password_hash": {"$env": PASSWORD_HASH_ENV},
        "http_basic_auth": True,
    }
    assert set(data["databases"][DATABASE_NAME]["queries"]) == set(CANNED_QUERIES)
    assert PER_DAY_CHART in data["description_html"]


def test_admin_web_without_a_password_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "log.sqlite3"))
    monkeypatch.setenv("LOG_ENCRYPTION_KEY", KEY)
    monkeypatch.setenv("LOG_HASH_SECRET", SECRET)
    monkeypatch.setenv("ADMIN_WEB_PASSWORD", "")
    assert main(["admin-web", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ADMIN_WEB_PASSWORD is not set" in err


# --- the real server ------------------------------------------------------------------


@dataclass
class WebView:
    process: subprocess.Popen[bytes]
    base: str
    database: Path
    temp: Path
    log: Path

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        return self.process.returncode


def children_of(parent: int) -> list[int]:
    """The live (not zombie) processes whose parent is `parent`, from /proc."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # The command name may hold spaces: the fields after its ')' are fixed.
            state, ppid = stat_file.read_text().rsplit(")", 1)[1].split()[:2]
            if int(ppid) == parent and state != "Z":
                found.append(int(stat_file.parent.name))
    return found


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def datasette_pid(view: WebView) -> int:
    """The pid of the Datasette child of a running `jpo-bot admin-web`."""
    children = children_of(view.process.pid)
    assert len(children) == 1, children
    return children[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def basic(password: str) -> str:
    token = base64.b64encode(f"{ADMIN_USER}:{password}".encode()).decode()
    return f"Basic {token}"


def fetch(url: str, password: str | None = PASSWORD) -> tuple[int, str]:
    request = urllib.request.Request(url)
    if password is not None:
        request.add_header("Authorization", basic(password))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


CHILD_SECRETS = {
    "LOG_ENCRYPTION_KEY": KEY,
    "LOG_HASH_SECRET": SECRET,
    "ADMIN_WEB_PASSWORD": PASSWORD,
    "TELEGRAM_BOT_TOKEN": "123456:parent-only-token",
    "JPO_UNRELATED_SETTING": "parent-only-value",
}


def start_web_view(folder: Path, *, temp: Path | None = None) -> WebView:
    """Starts `jpo-bot admin-web` on a log in `folder` and waits until it answers."""
    pytest.importorskip("datasette_auth_passwords", reason="needs the `admin` extra")
    database = folder / "data" / "log.sqlite3"
    if not database.exists():

        async def prepare() -> None:
            await (await write_log(database)).close()

        asyncio.run(prepare())
    temp = temp or folder / "tmp"
    temp.mkdir(exist_ok=True)
    port = free_port()
    log = folder / f"admin-web-{port}.log"
    env = {
        **os.environ,
        **CHILD_SECRETS,
        "PYTHONPATH": str(REPO),
        "TMPDIR": str(temp),
        "DATABASE_PATH": str(database),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "admin-web", "--port", str(port), "--refresh", "0.5"],
            cwd=folder,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    view = WebView(process, f"http://127.0.0.1:{port}", database, temp, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "admin-web did not answer in 30 s"
            with contextlib.suppress(OSError):
                if fetch(view.base + "/", password=None)[0] == 401:
                    return view
            time.sleep(0.2)
    except BaseException:
        view.stop()
        raise


@pytest.fixture(scope="module")
def web_view(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebView]:
    view = start_web_view(tmp_path_factory.mktemp("admin-web"))
    try:
        yield view
    finally:
        view.stop()


@pytest.fixture
def own_web_view(tmp_path: Path) -> Iterator[WebView]:
    """A view for one test: for lock-outs and kills the shared one must not see."""
    view = start_web_view(tmp_path)
    try:
        yield view
    finally:
        left = children_of(view.process.pid)
        view.stop()
        for child in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)


@pytest.mark.parametrize(
    "path",
    ["/", f"/{DATABASE_NAME}/unanswered", f"/{DATABASE_NAME}/questions.json", "/-/static/app.css"],
)
def test_every_page_needs_the_password(web_view: WebView, path: str) -> None:
    assert fetch(web_view.base + path, password=None)[0] == 401
    assert fetch(web_view.base + path, password="wrong")[0] == 401
    assert fetch(web_view.base + path)[0] == 200


def test_the_unanswered_page_lists_decrypted_questions_with_likely_posting_and_topic(
    web_view: WebView,
) -> None:
    status, page = fetch(f"{web_view.base}/{DATABASE_NAME}/unanswered")
    assert status == 200
    assert "Is there a housing allowance?" in page
    assert "unep-car-rcu" in page and "benefits" in page
    assert "/reload" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("questions_per_day", "Questions per day"),
        ("by_posting_and_topic", "unesco-clt"),
        ("low_scores", "Where is the duty station?"),
        ("unanswered_questions", "is there a HOUSING allowance"),
    ],
)
def test_each_canned_query_page_loads(web_view: WebView, query: str, expected: str) -> None:
    status, page = fetch(f"{web_view.base}/{DATABASE_NAME}/{query}")
    assert status == 200
    assert expected in page


def test_the_chart_plugin_is_on_the_per_day_page(web_view: WebView) -> None:
    pytest.importorskip("datasette_vega")
    _, page = fetch(f"{web_view.base}/{DATABASE_NAME}/questions_per_day")
    assert "datasette_vega" in page
    _, rows = fetch(f"{web_view.base}/{DATABASE_NAME}/questions_per_day.json?_shape=array")
    assert sum(row["questions"] for row in json.loads(rows)) == 4


def test_the_decrypted_database_file_cannot_be_downloaded(web_view: WebView) -> None:
    assert fetch(f"{web_view.base}/{DATABASE_NAME}.db")[0] == 403


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
async def test_headless_chromium_draws_the_per_day_chart(web_view: WebView, tmp_path: Path) -> None:
    drawn = await canvases_drawn(web_view.base + PER_DAY_CHART, tmp_path, "per-day-chart.png")
    assert drawn >= 1


async def canvases_drawn(url: str, tmp_path: Path, screenshot: str | None = None) -> int:
    """How many canvases headless chromium draws on the admin page at `url` (logged in),
    saving a screenshot under tmp_path when named."""
    aiohttp = pytest.importorskip("aiohttp")
    token = base64.b64encode(f"{ADMIN_USER}:{PASSWORD}".encode()).decode()
    # A profile under tmp_path: chromium's helpers may still write to it after exit.
    profile = tmp_path / "chromium-profile"
    browser = subprocess.Popen(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1200,1400",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        endpoint = await asyncio.wait_for(asyncio.to_thread(_devtools_endpoint, browser), 30)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{endpoint}/json/list") as response:
                targets = await response.json()
            page_url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
            async with session.ws_connect(page_url, max_msg_size=0) as socket_:
                devtools = _DevTools(socket_)
                await devtools.call("Network.enable")
                await devtools.call(
                    "Network.setExtraHTTPHeaders", headers={"Authorization": f"Basic {token}"}
                )
                await devtools.call("Page.navigate", url=url)
                drawn = await devtools.wait_for("document.querySelectorAll('canvas').length")
                if screenshot is not None:
                    shot = await devtools.call("Page.captureScreenshot")
                    (tmp_path / screenshot).write_bytes(base64.b64decode(shot["data"]))
        return int(drawn)
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
            browser.wait()


def _devtools_endpoint(browser: subprocess.Popen[str]) -> str:
    assert browser.stderr is not None
    for line in browser.stderr:
        found = re.search(r"DevTools listening on ws://([^/]+)/", line)
        if found:
            return f"http://{found.group(1)}"
    raise AssertionError("chromium printed no DevTools address")


class _DevTools:
    """A minimal Chrome DevTools Protocol client over one page's websocket."""

    def __init__(self, socket_: object) -> None:
        self._socket = socket_
        self._next = 0

    async def call(self, method: str, **params: object) -> dict[str, object]:
        self._next += 1
        await self._socket.send_json({"id": self._next, "method": method, "params": params})  # type: ignore[attr-defined]
        while True:
            message = await asyncio.wait_for(self._socket.receive_json(), 15)  # type: ignore[attr-defined]
            if message.get("id") == self._next:
                return dict(message.get("result", {}))

    async def wait_for(self, expression: str, timeout: float = 20) -> int:
        deadline = time.monotonic() + timeout
        value = 0
        while time.monotonic() < deadline:
            result = await self.call("Runtime.evaluate", expression=expression)
            value = int(result["result"].get("value") or 0)  # type: ignore[index, union-attr]
            if value:
                break
            await asyncio.sleep(0.2)
        return value


async def test_with_refresh_a_question_logged_meanwhile_appears(web_view: WebView) -> None:
    store = await Store.open(web_view.database, hash_secret=SECRET, encryption_key=KEY)
    store.log(record("Asked while the view was running?", "fallback", "unesco-clt", "", 0.0, 0))
    await store.close()
    page = ""
    deadline = time.monotonic() + 15
    while "Asked while the view was running?" not in page and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        _, page = await asyncio.to_thread(
            fetch, f"{web_view.base}/{DATABASE_NAME}/unanswered_questions"
        )
    assert "Asked while the view was running?" in page


def test_the_datasette_child_sees_only_its_whitelisted_environment(web_view: WebView) -> None:
    pid = datasette_pid(web_view)
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    environment = dict(entry.split("=", 1) for entry in raw.decode().split("\0") if entry)
    unexpected = {
        name
        for name in environment
        if name not in CHILD_ENV_NAMES
        and not name.startswith("LC_")
        and name not in {PASSWORD_HASH_ENV, FORWARDED_ENV}
    }
    assert unexpected == set()
    assert environment[PASSWORD_HASH_ENV].startswith("pbkdf2_sha256$")
    assert environment[FORWARDED_ENV] == ""  # no --behind-tls: no proxy is believed
    for name, value in CHILD_SECRETS.items():
        assert name not in environment
        assert value.encode() not in raw
    assert PASSWORD.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes()


def test_the_decrypted_copy_is_0600_in_a_0700_folder(web_view: WebView) -> None:
    (folder,) = web_view.temp.iterdir()
    assert folder.name.startswith(f"{FOLDER_PREFIX}{web_view.process.pid}-")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = {file.name: stat.S_IMODE(file.stat().st_mode) for file in folder.iterdir()}
    assert {f"{DATABASE_NAME}.db", "metadata.json"} <= set(files)
    assert files == dict.fromkeys(files, 0o600)


def test_stopping_the_view_ends_datasette_and_deletes_the_decrypted_copy(
    web_view: WebView,
) -> None:
    assert web_view.stop() == 0
    assert list(web_view.temp.iterdir()) == []
    assert "Admin web view on http://127.0.0.1:" in web_view.log.read_text()


def test_repeated_failed_logins_lock_out_that_client_and_no_other(own_web_view: WebView) -> None:
    url = f"{own_web_view.base}/{DATABASE_NAME}/unanswered"
    failures = [fetch(url, password="wrong guess")[0] for _ in range(THROTTLE.max_failures)]
    assert failures == [401] * THROTTLE.max_failures

    request = urllib.request.Request(url, headers={"Authorization": basic(PASSWORD)})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 429
    assert 1 <= int(refused.value.headers["Retry-After"]) <= THROTTLE.lockout_seconds
    assert "Too many failed logins" in refused.value.read().decode()
    assert fetch(url, password="another guess")[0] == 429
    # Without --behind-tls a forged X-Forwarded-For does not make a new client.
    forged = urllib.request.Request(
        url, headers={"Authorization": basic(PASSWORD), "X-Forwarded-For": "10.9.8.7"}
    )
    with pytest.raises(urllib.error.HTTPError) as still_refused:
        urllib.request.urlopen(forged, timeout=30)
    assert still_refused.value.code == 429

    # Another client address on the loopback is not locked out.
    other = http.client.HTTPConnection(
        "127.0.0.1", int(own_web_view.base.rsplit(":", 1)[1]), source_address=("127.0.0.2", 0)
    )
    try:
        other.request(
            "GET", f"/{DATABASE_NAME}/unanswered", headers={"Authorization": basic(PASSWORD)}
        )
        assert other.getresponse().status == 200
    finally:
        other.close()


def test_killing_admin_web_kills_datasette_and_the_next_start_removes_the_stale_copy(
    own_web_view: WebView, tmp_path: Path
) -> None:
    child = datasette_pid(own_web_view)
    (stale,) = own_web_view.temp.iterdir()
    try:
        os.kill(own_web_view.process.pid, signal.SIGKILL)
        own_web_view.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while is_running(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not is_running(child), "Datasette outlived its SIGKILLed parent"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
    assert (stale / f"{DATABASE_NAME}.db").exists()  # what a killed run leaves behind

    restarted = start_web_view(tmp_path, temp=own_web_view.temp)
    try:
        assert not stale.exists()
        (current,) = own_web_view.temp.iterdir()
        assert current.name.startswith(f"{FOLDER_PREFIX}{restarted.process.pid}-")
        assert fetch(restarted.base + "/")[0] == 200
    finally:
        assert restarted.stop() == 0
    assert list(own_web_view.temp.iterdir()) == []


# --- start-up checks --------------------------------------------------------------------


@pytest.fixture
def admin_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "log.sqlite3"))
    monkeypatch.setenv("LOG_ENCRYPTION_KEY", KEY)
    monkeypatch.setenv("LOG_HASH_SECRET", SECRET)
    monkeypatch.setenv("ADMIN_WEB_PASSWORD", "")


@pytest.mark.usefixtures("admin_env")
def test_a_password_shorter_than_12_characters_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ADMIN_WEB_PASSWORD", "elevenchars")
    # Refused by the settings at start-up (SystemExit) or by admin-web itself (return code).
    try:
        code = main(["admin-web", "--port", "1"])
    except SystemExit as stop:
        code = stop.code
    assert code == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1
    assert "ADMIN_WEB_PASSWORD" in err and "12" in err
    assert "elevenchars" not in err


@pytest.mark.usefixtures("admin_env")
@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.org"])
def test_a_non_loopback_host_is_refused_unless_behind_tls(
    host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["admin-web", "--host", host, "--port", "1"]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1
    assert host in err and "--behind-tls" in err

    # With --behind-tls the host passes; the next check (the password) speaks instead.
    assert main(["admin-web", "--host", host, "--behind-tls", "--port", "1"]) == 2
    _, err = capsys.readouterr()
    assert "ADMIN_WEB_PASSWORD is not set" in err and "--behind-tls" not in err


@pytest.mark.usefixtures("admin_env")
@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_a_loopback_host_needs_no_behind_tls(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["admin-web", "--host", host, "--port", "1"]) == 2
    _, err = capsys.readouterr()
    assert "ADMIN_WEB_PASSWORD is not set" in err


def test_the_help_says_behind_tls_is_only_for_a_tls_reverse_proxy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["admin-web", "--help"])
    assert exited.value.code == 0
    text = "".join(capsys.readouterr().out.split())  # argparse wraps at spaces and hyphens
    assert "--behind-tls" in text and "onlybehindaTLS-terminatingreverseproxy" in text


# --- the throttle's rule, on a fake clock -------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


POLICY = ThrottlePolicy(
    max_failures=3, window_seconds=60, lockout_seconds=300, delay_step_seconds=0.5
)


def test_each_failure_waits_longer_and_the_last_allowed_one_locks_the_client_out() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(POLICY, clock)
    assert [throttle.failed("10.0.0.1") for _ in range(3)] == [0.5, 1.0, 1.5]
    assert throttle.locked_for("10.0.0.1") == 300
    assert throttle.locked_for("10.0.0.2") == 0
    clock.now += 299
    assert throttle.locked_for("10.0.0.1") == 1
    clock.now += 1
    assert throttle.locked_for("10.0.0.1") == 0
    assert throttle.failed("10.0.0.1") == 0.5  # a fresh start after the lockout


def test_failures_older_than_the_window_are_forgotten() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(POLICY, clock)
    for _ in range(2):
        throttle.failed("10.0.0.1")
    clock.now += 61
    assert throttle.failed("10.0.0.1") == 0.5
    assert throttle.locked_for("10.0.0.1") == 0


def test_a_successful_login_forgets_the_failures_but_not_a_running_lockout() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(POLICY, clock)
    throttle.failed("10.0.0.1")
    throttle.failed("10.0.0.1")
    throttle.succeeded("10.0.0.1")
    assert throttle.failed("10.0.0.1") == 0.5
    for _ in range(2):
        throttle.failed("10.0.0.1")
    throttle.succeeded("10.0.0.1")
    assert throttle.locked_for("10.0.0.1") == 300


def test_the_child_environment_keeps_the_whitelist_and_trusts_a_local_proxy_behind_tls() -> None:
    parent = {**CHILD_SECRETS, "PATH": "/usr/bin", "HOME": "/home/bot", "LC_ALL": "C.UTF-8"}
    plain = child_environment("hash", parent=parent)
    assert plain == {
        "PATH": "/usr/bin",
        "HOME": "/home/bot",
        "LC_ALL": "C.UTF-8",
        PASSWORD_HASH_ENV: "hash",
        FORWARDED_ENV: "",
    }
    behind = child_environment("hash", behind_proxy=True, parent=parent)
    assert behind[FORWARDED_ENV] == LOCAL_PROXY
