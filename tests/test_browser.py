"""Real-browser test: JupyterLab on localhost driven by headless Chromium (Playwright).

Opens a copy of an exercise solution, runs all cells, and checks that the KANO
widget rendered and that the check said the answer is correct.  A screenshot
goes to ``tests/artifacts/`` (git-ignored).  Uses Debian's Chromium at
``/usr/bin/chromium`` (``make browser`` installs it); never downloads browsers.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
EXERCISE = "05_kano_by_hand.ipynb"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
TIMEOUT_MS = 180_000
# Lab settings for a quiet, predictable page: every cell kept in the DOM (no windowing), no news pop-up.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_server(url: str, process: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"JupyterLab did not answer {url} within {seconds} s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def jupyterlab(tmp_path):
    root = tmp_path / "lab"
    root.mkdir()
    shutil.copy(ROOT / "exercises" / "solutions" / EXERCISE, root / EXERCISE)
    for name, values in LAB_SETTINGS.items():
        path = tmp_path / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "KITLIB_DATASETS": str(ROOT / "datasets"),
    }
    log = tmp_path / "jupyterlab.log"
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={tmp_path / 'settings'}", f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for_server(f"http://127.0.0.1:{port}/api/status?token={token}", process, log)
        yield f"http://127.0.0.1:{port}", token
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_exercise_runs_in_jupyterlab_with_widget_and_check(jupyterlab):
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (run 'make browser' as root)")
    from playwright.sync_api import sync_playwright

    base, token = jupyterlab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(f"{base}/lab/tree/{EXERCISE}?token={token}")
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", state="visible")
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", state="attached")
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

            classifier = page.locator(".kitlib-kano-classifier")
            classifier.wait_for(state="attached")
            classifier.scroll_into_view_if_needed()
            classifier.wait_for(state="visible")
            assert classifier.locator("select").count() == 2
            verdict = page.locator(".kitlib-kano-verdict")
            verdict.wait_for(state="visible")
            assert "O" in verdict.inner_text()

            check = page.locator(".kitlib-check", has_text="全部正确")
            check.wait_for(state="attached")
            assert "12" in check.inner_text()

            # the widget reacts in the browser: choose "expect it" when present -> must-be
            classifier.locator("select").first.select_option(value=None, label="2 理应如此")
            page.wait_for_function("document.querySelector('.kitlib-kano-verdict').innerText.includes('M')")
            classifier.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "browser_kano_exercise.png"), full_page=False)
            assert "必备型" in verdict.inner_text()
        finally:
            browser.close()
