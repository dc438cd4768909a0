"""`make check-security`: pip-audit over both lock files, with a policy and an offline fallback.

    python scripts/audit.py [--osv-db PATH] [--out results/security] [--accepted docs/security.md]

- `requirements-web.lock` (the web front, the only process reachable from the internet) must have
  no known vulnerability at all.
- `requirements.lock` (Rasa 3.6 and its pinned packages; reachable only from the web front over the
  internal network) may only have findings whose id (or one of its aliases) is explained in
  docs/security.md; a new finding fails the check until it is fixed or explained there.
- A package that could not be audited (the vulnerability service did not answer) fails the check:
  "nothing found" must never mean "nothing asked".

By default pip-audit asks PyPI's JSON API (which carries the OSV data). Where that cannot be
reached, `--osv-db` (or `OSV_DB`) names a local OSV database: a folder of OSV .json/.yaml files
(e.g. a clone of github.com/pypa/advisory-database) or OSV's `PyPI/all.zip`. This script then serves
it on 127.0.0.1 with OSV's query API, and pip-audit asks that (`--osv-url`); pip-audit's own matching
and output are used either way. The output goes to `--out`: `<lock>.json` (pip-audit's JSON) and
`summary.txt`.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Optional

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
LOCKS = (("requirements-web.lock", "web", True), ("requirements.lock", "rasa", False))
VULN_ID = re.compile(r"\b(?:PYSEC-\d{4}-\d+|GHSA(?:-[0-9a-z]{4}){3}|CVE-\d{4}-\d+)\b")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# ---------------------------------------------------------------- a local OSV query API
def load_osv(path: Path) -> Dict[str, List[dict]]:
    """OSV entries by normalised PyPI package name, from a folder of .json/.yaml files or a .zip."""
    import yaml

    def entries():
        if path.is_file() and path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    if name.endswith(".json"):
                        yield json.loads(archive.read(name))
            return
        for file in sorted(path.rglob("*")):
            if file.suffix == ".json":
                yield json.loads(file.read_text(encoding="utf-8"))
            elif file.suffix in (".yaml", ".yml"):
                yield yaml.load(file.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

    index: Dict[str, List[dict]] = defaultdict(list)
    for entry in entries():
        if not isinstance(entry, dict) or entry.get("withdrawn"):
            continue
        for affected in entry.get("affected") or []:
            package = affected.get("package") or {}
            if package.get("ecosystem") == "PyPI" and package.get("name"):
                index[normalise(package["name"])].append(entry)
                break
    return index


def _in_ranges(version: Version, ranges: List[dict]) -> bool:
    for rng in ranges:
        if rng.get("type") != "ECOSYSTEM":
            continue
        affected = False
        events = rng.get("events") or []
        for event in events:  # OSV: events in order; introduced opens, fixed/last_affected close
            try:
                if "introduced" in event:
                    start = event["introduced"]
                    if start == "0" or version >= Version(start):
                        affected = True
                elif "fixed" in event and version >= Version(event["fixed"]):
                    affected = False
                elif "last_affected" in event and version > Version(event["last_affected"]):
                    affected = False
            except InvalidVersion:
                continue
        if affected:
            return True
    return False


def affects(entry: dict, name: str, version: str) -> bool:
    """Does the OSV entry name this package version (listed, or inside an ECOSYSTEM range)?"""
    try:
        parsed = Version(version)
    except InvalidVersion:
        parsed = None
    for affected in entry.get("affected") or []:
        package = affected.get("package") or {}
        if package.get("ecosystem") != "PyPI" or normalise(package.get("name", "")) != name:
            continue
        if version in (affected.get("versions") or []):
            return True
        if parsed is not None and _in_ranges(parsed, affected.get("ranges") or []):
            return True
    return False


def serve_osv(index: Dict[str, List[dict]]) -> http.server.ThreadingHTTPServer:
    """OSV's POST /v1/query on 127.0.0.1 (a free port), answered from `index`."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 – the http.server interface
            query = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            name = normalise((query.get("package") or {}).get("name", ""))
            version = str(query.get("version", ""))
            vulns = [e for e in index.get(name, []) if affects(e, name, version)]
            body = json.dumps({"vulns": vulns} if vulns else {}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# ---------------------------------------------------------------- running pip-audit, the policy
def pip_audit(lock: Path, out: Path, osv_url: Optional[str]) -> dict:
    """pip-audit's JSON report of one lock file (every pin, no resolution, pip not used)."""
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "-r",
        str(lock),
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "-f",
        "json",
        "-o",
        str(out),
    ]
    if osv_url:
        command += ["-s", "osv", "--osv-url", osv_url]
    done = subprocess.run(command, capture_output=True, text=True)
    if not out.exists():
        raise SystemExit(f"pip-audit failed on {lock.name}:\n{done.stderr}")
    return json.loads(out.read_text(encoding="utf-8"))


def accepted_ids(path: Path) -> set:
    """Vulnerability ids explained in docs/security.md (any id written in the file counts)."""
    return set(VULN_ID.findall(path.read_text(encoding="utf-8"))) if path.exists() else set()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--osv-db",
        default=os.environ.get("OSV_DB", ""),
        help="local OSV database (folder or PyPI all.zip); default: ask PyPI",
    )
    parser.add_argument("--out", default=str(ROOT / "results" / "security"))
    parser.add_argument("--accepted", default=str(ROOT / "docs" / "security.md"))
    args = parser.parse_args(argv)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    osv_url, source = None, "PyPI (pip-audit's default service)"
    if args.osv_db:
        db = Path(args.osv_db)
        index = load_osv(db)
        server = serve_osv(index)
        osv_url = f"http://127.0.0.1:{server.server_address[1]}/v1/query"
        source = f"local OSV database {db} ({sum(len(v) for v in index.values())} entries, {len(index)} packages)"
    accepted = accepted_ids(Path(args.accepted))

    lines, failed = [f"Source: {source}"], False
    for lock_name, label, strict in LOCKS:
        report = pip_audit(ROOT / lock_name, out / f"{label}.json", osv_url)
        deps = report.get("dependencies", [])
        skipped = [d for d in deps if "skip_reason" in d]
        found = [(d, v) for d in deps for v in d.get("vulns", [])]
        lines.append(
            f"\n{lock_name}: {len(deps)} packages, {len(found)} findings in "
            f"{len({d['name'] for d, _ in found})} packages, {len(skipped)} not audited"
        )
        for dep, vuln in sorted(found, key=lambda dv: (dv[0]["name"], dv[1]["id"])):
            ids = {vuln["id"], *vuln.get("aliases", [])}
            ok = not strict and bool(ids & accepted)
            failed |= not ok
            fix = ", ".join(vuln.get("fix_versions") or []) or "no fix"
            lines.append(
                f"  {'explained' if ok else 'NEW      '} {dep['name']}=={dep['version']} {vuln['id']} "
                f"({', '.join(sorted(ids - {vuln['id']}))}) fixed in: {fix}"
            )
        for dep in skipped:
            lines.append(f"  NOT AUDITED {dep['name']}=={dep.get('version', '?')}: {dep['skip_reason']}")
        if skipped:
            failed = True
            lines.append(
                "  The vulnerability service did not answer for these: run again where PyPI's JSON API "
                "or OSV can be reached, or give a local OSV database (OSV_DB=…, see docs/security.md)."
            )
    lines.append(
        "\n"
        + (
            "FAILED: fix or explain the findings marked NEW (docs/security.md)"
            if failed
            else "OK: the web front's packages have no known vulnerability; Rasa's are all explained"
        )
    )
    text = "\n".join(lines) + "\n"
    (out / "summary.txt").write_text(text, encoding="utf-8")
    print(text, end="")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
