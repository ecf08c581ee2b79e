#!/usr/bin/env python3
"""Three Qabilet servers over one PostgreSQL primary and its streaming standby.

Started by scripts/multinode-test with QABILET_BIN (the `qabilet` binary). It
makes, in temporary directories, a PostgreSQL primary and a standby cloned from
it with `pg_basebackup -R` (a second cluster on another port), loads the demo
data set into the primary, and starts three servers: A and B on the primary, C
reading from the standby (`--replica-url`). Then it checks, and exits non-zero
naming the first thing that does not hold:

1. every HRM event reaches a loopback webhook receiver, each under one
   Idempotency-Key, while server A is killed (SIGKILL) in the middle of delivery;
   at most the event A had in flight arrives twice (same key, for the receiver to
   deduplicate), and none is lost;
2. a session opened on A works on B and C;
3. a consent revocation made on B leaves talent search on all three servers
   within 2 seconds;
4. nothing is lost: every server's audit log verifies, every index has caught
   up, the event feed is the same everywhere.

Only the standard library: it runs wherever the suite runs.
"""

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BIN = os.environ["QABILET_BIN"]
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
AS_ROOT = os.geteuid() == 0
processes = []
started = time.time()


def log(message):
    print(f"[{time.time() - started:6.1f} s] {message}", flush=True)


def fail(message):
    print(f"MULTI-NODE TEST FAILED: {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(args, **kw):
    """Runs a PostgreSQL tool as the postgres user (initdb refuses root)."""
    cmd = (["runuser", "-u", "postgres", "--"] if AS_ROOT else []) + args
    out = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if os.environ.get("MULTINODE_VERBOSE"):
        log(f"{os.path.basename(args[0])} done")
    if out.returncode != 0:
        fail(f"{' '.join(args[:1])}: {out.stderr.strip() or out.stdout.strip()}")
    return out


def qabilet(data_dir, *args, replica=None):
    cmd = [BIN, "--data-dir", data_dir, "--database-url", DB]
    if replica:
        cmd += ["--replica-url", replica]
    out = subprocess.run(cmd + list(args), capture_output=True, text=True, env=ENV)
    if out.returncode != 0:
        fail(f"qabilet {' '.join(args)}: {out.stderr.strip()}")
    return out.stdout


def http(method, url, token=None, body=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            text = r.read().decode()
            return r.status, (json.loads(text) if text.startswith(("{", "[")) else text)
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, text
    except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
        # Not listening (yet, or any more).
        return 0, str(e)


def wait_for(what, check, timeout=60, every=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = check()
        if got:
            return got
        time.sleep(every)
    fail(f"timed out waiting for {what}")


# --- The loopback HRM receiver: records every delivery's Idempotency-Key. ---
deliveries = []
deliveries_lock = threading.Lock()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        # Slow enough that servers are caught in the middle of a delivery.
        time.sleep(0.15)
        with deliveries_lock:
            deliveries.append(self.headers.get("Idempotency-Key"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    global DB, ENV
    root = tempfile.mkdtemp(prefix="qabilet-multinode-")
    os.chmod(root, 0o755)
    primary, standby = os.path.join(root, "primary"), os.path.join(root, "standby")
    p_port, s_port = free_port(), free_port()
    try:
        # --- PostgreSQL: a primary and a streaming standby made with pg_basebackup -R.
        for d in (primary, standby):
            os.mkdir(d, 0o700)
            if AS_ROOT:
                shutil.chown(d, "postgres", "postgres")
        as_postgres([f"{PG_BIN}/initdb", "-D", primary, "-A", "trust", "-U", "postgres", "--no-sync"])
        with open(os.path.join(primary, "postgresql.conf"), "a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {p_port}\n"
                f"unix_socket_directories = '{primary}'\nwal_level = replica\n"
                "max_wal_senders = 5\nfsync = off\nsynchronous_commit = off\n"
            )
        as_postgres([f"{PG_BIN}/pg_ctl", "-D", primary, "-l", f"{primary}/log", "-w", "start"])
        as_postgres([f"{PG_BIN}/createdb", "-h", "127.0.0.1", "-p", str(p_port), "-U", "postgres", "qabilet"])
        as_postgres([f"{PG_BIN}/pg_basebackup", "-h", "127.0.0.1", "-p", str(p_port), "-U", "postgres",
                     "-D", standby, "-R", "-X", "stream", "-c", "fast"])
        with open(os.path.join(standby, "postgresql.conf"), "a") as conf:
            conf.write(f"\nport = {s_port}\nunix_socket_directories = '{standby}'\n")
        as_postgres([f"{PG_BIN}/pg_ctl", "-D", standby, "-l", f"{standby}/log", "-w", "start"])
        log(f"PostgreSQL primary on {p_port}, streaming standby on {s_port}")
        DB = f"postgres://postgres@127.0.0.1:{p_port}/qabilet"
        replica = f"postgres://postgres@127.0.0.1:{s_port}/qabilet"

        # One audit signing key for every server (QABILET_AUDIT_KEY_FILE).
        key_file = os.path.join(root, "audit.key")
        with open(key_file, "w") as f:
            f.write(os.urandom(32).hex())
        ENV = dict(os.environ, QABILET_AUDIT_KEY_FILE=key_file, RUST_LOG="warn")

        # --- Data: the demo (its reserve matches are events waiting for delivery).
        seed_dir = os.path.join(root, "seed")
        qabilet(seed_dir, "demo", "--organisations", "12", "--vacancies", "30", "--profiles", "300")
        admin_key = qabilet(seed_dir, "keys", "add", "ops", "--role", "admin").strip().splitlines()[-1]
        hrm_key = qabilet(seed_dir, "keys", "add", "hrm-1", "--role", "hrm").strip().splitlines()[-1]

        receiver = ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
        hook = f"http://127.0.0.1:{receiver.server_address[1]}/hook"

        # --- Three servers: A and B on the primary, C on the standby.
        servers = {}
        for name, rep in (("A", None), ("B", None), ("C", replica)):
            data_dir = os.path.join(root, f"node-{name}")
            qabilet(data_dir, "index", "rebuild", replica=rep)
            port = free_port()
            cmd = [BIN, "--data-dir", data_dir, "--database-url", DB]
            if rep:
                cmd += ["--replica-url", rep]
            cmd += ["serve", "--addr", f"127.0.0.1:{port}", "--no-model", "--index-follow-ms", "200",
                    "--webhook-url", hook, "--webhook-timeout-secs", "1"]
            out = open(os.path.join(root, f"node-{name}.log"), "w")
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=ENV)
            processes.append(proc)
            servers[name] = (f"http://127.0.0.1:{port}", proc)
        for name, (url, _) in servers.items():
            wait_for(f"server {name} ready", lambda: http("GET", f"{url}/readyz")[0] == 200)
        log("three servers ready")

        # --- 1. Kill A in the middle of delivering; every event still arrives.
        wait_for("the first deliveries", lambda: len(deliveries) >= 3, timeout=30, every=0.05)
        servers["A"][1].send_signal(signal.SIGKILL)
        servers["A"][1].wait()
        log(f"server A killed after {len(deliveries)} deliveries")
        b = servers["B"][0]

        def drained():
            status, text = http("GET", f"{b}/metrics")
            return status == 200 and "\nqabilet_outbox_pending 0\n" in f"\n{text}"

        wait_for("the outbox to drain", drained, timeout=90, every=0.5)
        events = []
        after = 0
        while True:
            status, page = http("GET", f"{b}/events?after={after}&limit=500", admin_key)
            if status != 200:
                fail(f"GET /events: {status} {page}")
            events += page["events"]
            if not page["events"]:
                break
            after = page["next_cursor"]
        expected = {e["idempotency_key"] for e in events}
        with deliveries_lock:
            got = list(deliveries)
        missing = expected - set(got)
        if not expected:
            fail("the demo left no events to deliver")
        if missing:
            fail(f"{len(missing)} of {len(expected)} events never reached the receiver: {sorted(missing)[:5]}")
        repeats = len(got) - len(set(got))
        if repeats > 1:
            fail(f"{repeats} deliveries repeated a key; only the one A had in flight may be repeated")
        log(f"1. {len(expected)} events, each delivered under one key ({repeats} repeat from A's crash)")

        # --- 2. A session works on every server (A is gone: open it on B).
        status, vacancies = http("GET", f"{b}/vacancies?status=open&limit=5", admin_key)
        if status != 200 or not vacancies:
            fail(f"GET /vacancies: {status} {vacancies}")
        vacancy = vacancies[0] if isinstance(vacancies, list) else vacancies["vacancies"][0]
        profile = {
            "id": "P-MULTINODE", "full_name": "Көп Түйін", "region": "astana", "language": "ru",
            "summary": f"{vacancy['title']}. {vacancy['description']}. {vacancy.get('duties', '')}",
            "skills": vacancy["requirements"].get("competencies", []),
            "consents": [{"purpose": "processing", "granted_at": "2026-01-01T00:00:00Z"}],
        }
        status, body = http("POST", f"{b}/import/profiles", hrm_key, [profile])
        if status != 200:
            fail(f"POST /import/profiles: {status} {body}")
        created = qabilet(seed_dir, "users", "add", "multi-cand", "--role", "candidate", "--profile", "P-MULTINODE")
        password = created.strip().splitlines()[-1]
        status, session = http("POST", f"{b}/sessions", body={"user_id": "multi-cand", "password": password})
        if status != 200:
            fail(f"sign-in on B: {status} {session}")
        token = session["token"]
        live = {n: s for n, s in servers.items() if n != "A"}
        # A again, on the same database: the session opened on B works there too.
        port = free_port()
        cmd = [BIN, "--data-dir", os.path.join(root, "node-A"), "--database-url", DB, "serve",
               "--addr", f"127.0.0.1:{port}", "--no-model", "--index-follow-ms", "200"]
        proc = subprocess.Popen(cmd, stdout=open(os.path.join(root, "node-A2.log"), "w"),
                                stderr=subprocess.STDOUT, env=ENV)
        processes.append(proc)
        live["A"] = (f"http://127.0.0.1:{port}", proc)
        wait_for("server A back", lambda: http("GET", f"{live['A'][0]}/readyz")[0] == 200)
        for name, (url, _) in sorted(live.items()):
            status, body = http("GET", f"{url}/sessions", token)
            if status != 200:
                fail(f"the session opened on B is refused on {name}: {status} {body}")
        log("2. a session opened on B works on A, B and C")

        # --- 3. Consent revoked on B leaves search everywhere within 2 s.
        talent = f"/vacancies/{vacancy['id']}/talent?limit=50"

        def found_on(url):
            status, body = http("GET", f"{url}{talent}", admin_key)
            if status != 200:
                fail(f"talent search: {status} {body}")
            return any(e["profile_id"] == "P-MULTINODE" for e in body["eligible"] + body.get("ineligible", []))

        for name, (url, _) in sorted(live.items()):
            wait_for(f"the new profile in {name}'s search", lambda: found_on(url), timeout=20)
        status, body = http("POST", f"{b}/profiles/P-MULTINODE/consent/revoke", token, {})
        if status != 200:
            fail(f"revoking consent: {status} {body}")
        revoked = time.time()
        gone = {}
        while len(gone) < len(live) and time.time() - revoked < 10:
            for name, (url, _) in live.items():
                if name not in gone and not found_on(url):
                    gone[name] = time.time() - revoked
            time.sleep(0.05)
        slow = {n: t for n, t in gone.items() if t > 2.0}
        if len(gone) < len(live) or slow:
            fail(f"consent revocation left search after {gone} (every server within 2 s)")
        log("3. revoked consent left search on " + ", ".join(f"{n} in {t:.2f} s" for n, t in sorted(gone.items())))

        # --- 4. Nothing lost: the log verifies, indexes caught up, one feed.
        feeds = set()
        for name, (url, _) in sorted(live.items()):
            status, v = http("GET", f"{url}/audit/verify", admin_key)
            if status != 200 or not v["intact"]:
                fail(f"the audit log does not verify on {name}: {v}")
            ready = wait_for(f"{name}'s index to catch up", lambda: (
                (lambda r: r[1] if r[0] == 200 and r[1].get("index_seq") == r[1]["last_change_seq"] else None)(
                    http("GET", f"{url}/readyz"))), timeout=20)
            status, page = http("GET", f"{url}/events?after=0&limit=500", admin_key)
            feeds.add(json.dumps([e["idempotency_key"] for e in page["events"]]))
            log(f"   {name}: audit log intact ({v['entries']} entries), index at change {ready['index_seq']}")
        if len(feeds) != 1:
            fail("the servers disagree on the event feed")
        log("4. nothing lost: every log intact, every index caught up, one event feed")
        print("multi-node test: all checks passed", flush=True)
    finally:
        for p in processes:
            if p.poll() is None:
                p.terminate()
        for p in processes:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        for d in (standby, primary):
            if os.path.exists(os.path.join(d, "postmaster.pid")):
                try:
                    as_postgres([f"{PG_BIN}/pg_ctl", "-D", d, "-m", "immediate", "-w", "stop"])
                except SystemExit:
                    pass
        if os.environ.get("KEEP_MULTINODE") is None:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"kept {root}")


if __name__ == "__main__":
    main()
