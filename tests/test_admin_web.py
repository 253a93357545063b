"""The web view: the decrypted copy, its canned queries, the real Datasette behind a password."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import signal
import socket
import sqlite3
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
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.records import QuestionRecord
from bot.questionlog.store import Store
from bot.questionlog.web import (
    ADMIN_USER,
    CANNED_QUERIES,
    DATABASE_NAME,
    PASSWORD_HASH_ENV,
    PER_DAY_CHART,
    build_view,
    metadata,
)

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
            name: db.execute(query["sql"]).fetchall() for name, query in CANNED_QUERIES.items()
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, password: str | None = PASSWORD) -> tuple[int, str]:
    request = urllib.request.Request(url)
    if password is not None:
        token = base64.b64encode(f"{ADMIN_USER}:{password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def web_view(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebView]:
    pytest.importorskip("datasette_auth_passwords", reason="needs the `admin` extra")
    folder = tmp_path_factory.mktemp("admin-web")
    database = folder / "data" / "log.sqlite3"

    async def prepare() -> None:
        await (await write_log(database)).close()

    asyncio.run(prepare())
    temp = folder / "tmp"
    temp.mkdir()
    port = free_port()
    log = folder / "admin-web.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "TMPDIR": str(temp),
        "DATABASE_PATH": str(database),
        "LOG_ENCRYPTION_KEY": KEY,
        "LOG_HASH_SECRET": SECRET,
        "ADMIN_WEB_PASSWORD": PASSWORD,
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
                    break
            time.sleep(0.2)
        yield view
    finally:
        view.stop()


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
                await devtools.call("Page.navigate", url=web_view.base + PER_DAY_CHART)
                drawn = await devtools.wait_for("document.querySelectorAll('canvas').length")
                shot = await devtools.call("Page.captureScreenshot")
                (tmp_path / "per-day-chart.png").write_bytes(base64.b64decode(shot["data"]))
        assert drawn >= 1
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


def test_stopping_the_view_ends_datasette_and_deletes_the_decrypted_copy(
    web_view: WebView,
) -> None:
    assert web_view.stop() == 0
    assert list(web_view.temp.iterdir()) == []
    assert "Admin web view on http://127.0.0.1:" in web_view.log.read_text()
