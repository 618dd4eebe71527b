"""A real CKAN web server on the test services, and a real headless Chromium, shared by the browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from ckan.lib import search
from ckan.tests import helpers

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
DEMO_DATASETS = 6
ADMIN = ("smoke-admin", "smoke-password-1234")


@dataclass(frozen=True)
class Portal:
    url: str
    admin: str
    password: str
    token: str
    demo_count: int

    def __str__(self) -> str:
        return self.url

    def __add__(self, path: str) -> str:
        return self.url + path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn serving CKAN with the configuration in env (CKAN_INI, CKAN_* overrides) on a free
    port, once it answers; the caller terminates it."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--chdir", str(REPO_ROOT / "deploy" / "ckan"),
         "wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120"],
        env=dict(env, CKAN_SITE_URL=url), stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    for _ in range(120):
        try:
            if requests.get(f"{url}/api/3/action/status_show", timeout=2).ok:
                return server, url
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or the worker is still loading CKAN
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited: {log.read_text()[-2000:]}")
        time.sleep(0.5)
    server.terminate()
    pytest.fail(f"gunicorn did not answer: {log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def serve_ckan():
    """serve() for tests that run a second portal (e.g. the ckanapi round trip)."""
    return serve


@pytest.fixture(scope="session")
def portal(tmp_path_factory) -> Portal:
    """A real CKAN web server on the test database and Solr core, holding Thai demo data."""
    helpers.reset_db()
    ini = str(REPO_ROOT / "test.ini")
    subprocess.run([str(Path(sys.executable).parent / "ckan"), "-c", ini, "db", "pending-migrations", "--apply"],
                   check=True, capture_output=True)
    search.clear_all()

    # Browsers post the portal's forms as people do, so CSRF protection is on here; test.ini
    # turns it off only for CKAN's in-process test client.
    portal_ini = tmp_path_factory.mktemp("ini") / "portal.ini"
    portal_ini.write_text(f"[app:main]\nuse = config:{ini}\nWTF_CSRF_ENABLED = true\n")
    server, url = serve(dict(os.environ, CKAN_INI=str(portal_ini)), tmp_path_factory.mktemp("web") / "gunicorn.log")
    env = dict(os.environ, CKAN_INI=str(portal_ini), CKAN_SITE_URL=url)
    try:
        sysadmin = helpers.call_action(
            "user_create", {"ignore_auth": True},
            name=ADMIN[0], email="smoke@example.go.th", password=ADMIN[1],
        )
        from ckan import model

        model.User.get(sysadmin["id"]).sysadmin = True
        model.repo.commit()
        token = helpers.call_action(
            "api_token_create", {"user": ADMIN[0], "ignore_auth": True}, user=ADMIN[0], name="smoke"
        )["token"]
        subprocess.run([str(Path(sys.executable).parent / "ckan"), "-c", ini, "thgov", "create-categories"],
                       check=True, capture_output=True, env=env)
        token_file = tmp_path_factory.mktemp("token") / "token"
        token_file.write_text(token)
        subprocess.run(
            [sys.executable, str(REPO_ROOT / "deploy" / "demo" / "load_demo.py"), "--url", url,
             "--token-file", str(token_file), "--limit", str(DEMO_DATASETS)],
            check=True, env=env,
        )
        yield Portal(url=url, admin=ADMIN[0], password=ADMIN[1], token=token, demo_count=DEMO_DATASETS)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="session")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--window-size=1280,1600", "--lang=th"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def screenshots() -> Path:
    """Where screenshots go, for people to look at (artifacts/screenshots/)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def log_in(portal, browser):
    """Logs the browser in through the real login form: ``log_in(user, password)``."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def call(user: str, password: str) -> None:
        browser.delete_all_cookies()
        browser.get(portal + "/user/login")
        browser.find_element(By.ID, "field-login").send_keys(user)
        browser.find_element(By.ID, "field-password").send_keys(password)
        browser.find_element(By.XPATH, "//input[@id='field-login']/ancestor::form//button[@type='submit']").click()
        WebDriverWait(browser, 30).until(lambda b: "/user/login" not in b.current_url)

    return call
