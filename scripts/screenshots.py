"""Take the README screenshots from a running `make run` (http://127.0.0.1:8069).

Usage: .venv/bin/python scripts/screenshots.py [DB]
Logs in as admin/admin, opens each board in headless Chromium (DevTools protocol) and
writes docs/<name>.png.
"""

import base64
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import requests
import websocket

BASE = "http://127.0.0.1:8069"
DB = sys.argv[1] if len(sys.argv) > 1 else "crm_demo"
SHOTS = {
    "order_pipeline": "/odoo/action-crm_extension.sale_order_action_pipeline",
    "customer_pipeline": "/odoo/action-crm_extension.res_partner_action_pipeline",
    "invoicing_dashboard": "/odoo/action-account.open_account_journal_dashboard_kanban",
    "quotes_to_invoice": "/odoo/action-crm_extension.sale_order_action_accounting_queue",
    "receivables_analysis": "/odoo/action-crm_extension.crm_receivable_report_action",
}
DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs"


def session_id():
    response = requests.post(
        f"{BASE}/web/session/authenticate",
        json={"params": {"db": DB, "login": "admin", "password": "admin"}},
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

    def close(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    DOCS.mkdir(exist_ok=True)
    chrome = Chrome()
    try:
        chrome.call("Network.enable")
        chrome.call("Network.setCookie", name="session_id", value=session_id(), url=BASE)
        chrome.call(
            "Emulation.setDeviceMetricsOverride",
            width=1440,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )
        chrome.call("Page.navigate", url=BASE + "/odoo")
        time.sleep(10)  # first load compiles and caches the asset bundles
        for name, path in SHOTS.items():
            chrome.call("Page.navigate", url=BASE + path)
            time.sleep(6)  # let the web client load and render the board
            shot = chrome.call("Page.captureScreenshot", format="png")
            (DOCS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))
            print(f"docs/{name}.png")
    finally:
        chrome.close()


if __name__ == "__main__":
    main()
