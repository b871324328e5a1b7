"""Take the README screenshots from a running `make run` (http://127.0.0.1:8069).

Usage: .venv/bin/python scripts/screenshots.py [DB] [options]
Logs in (admin/admin by default), opens each screen in headless Chromium (DevTools
protocol) and writes docs/<name>.png.

  --login L          log in as L (password L, as the demo users: sofia, marco, mia, arne)
  --size WxH         viewport, e.g. 390x844 for a phone (default 1440x900)
  --only NAME=PATH   take only this screen (repeatable), e.g. my_day=/odoo/action-...
  --out DIR          write there instead of docs/ (to look without touching the README's)
"""

import argparse
import base64
import json
import pathlib
import shutil
import subprocess
import tempfile
import time

import requests
import websocket

BASE = "http://127.0.0.1:8069"
SHOTS = {
    "order_pipeline": "/odoo/action-crm_extension.sale_order_action_pipeline",
    "customer_pipeline": "/odoo/action-crm_extension.res_partner_action_pipeline",
    "invoicing_dashboard": "/odoo/action-account.open_account_journal_dashboard_kanban",
    "quotes_to_invoice": "/odoo/action-crm_extension.sale_order_action_accounting_queue",
    "receivables_analysis": "/odoo/action-crm_extension.crm_receivable_report_action",
}
DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs"


def session_id(db, login):
    response = requests.post(
        f"{BASE}/web/session/authenticate",
        json={"params": {"db": db, "login": login, "password": login}},
        timeout=30,
    )
    response.raise_for_status()
    return response.cookies["session_id"]


class Chrome:
    def __init__(self):
        self.profile = tempfile.mkdtemp()
        binary = shutil.which("chromium") or shutil.which("google-chrome")
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--remote-debugging-port=9333",
                f"--user-data-dir={self.profile}",
                "--window-size=1440,900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _i in range(50):
            try:
                pages = requests.get("http://127.0.0.1:9333/json", timeout=2).json()
                url = next(p for p in pages if p["type"] == "page")["webSocketDebuggerUrl"]
                break
            except (requests.ConnectionError, StopIteration):
                time.sleep(0.2)
        self.ws = websocket.create_connection(url, timeout=60)
        self.counter = 0

    def call(self, method, **params):
        self.counter += 1
        self.ws.send(json.dumps({"id": self.counter, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.counter:
                return message.get("result", {})

    def wait_ready(self, timeout=60):
        """Until the page is rendered and nothing is loading (then a moment to settle)."""
        # the web client: an action rendered; a public page (e.g. a request form): loaded
        ready = (
            "document.querySelector('.o_web_client')"
            " ? !!document.querySelector('.o_action_manager .o_action')"
            " && !document.querySelector('.o_loading_indicator, .o_blockUI')"
            " : document.readyState === 'complete'"
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = self.call("Runtime.evaluate", expression=ready, returnByValue=True)
            if result.get("result", {}).get("value"):
                break
            time.sleep(0.5)
        time.sleep(1.5)

    def close(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("db", nargs="?", default="crm_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--size", default="1440x900")
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--out", type=pathlib.Path, default=DOCS)
    args = parser.parse_args()
    shots = dict(item.split("=", 1) for item in args.only) or SHOTS
    width, height = (int(n) for n in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    chrome = Chrome()
    try:
        chrome.call("Network.enable")
        chrome.call(
            "Network.setCookie", name="session_id", value=session_id(args.db, args.login), url=BASE
        )
        chrome.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 768,
        )
        for name, path in shots.items():
            chrome.call("Page.navigate", url=BASE + path)
            chrome.wait_ready()
            shot = chrome.call("Page.captureScreenshot", format="png")
            (args.out / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))
            print(args.out / f"{name}.png")
    finally:
        chrome.close()


if __name__ == "__main__":
    main()
