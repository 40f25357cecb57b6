"""Packaging and deployment files: what `pip install .` needs is declared, the hashed locks agree
with pyproject.toml and with each other, every environment variable is documented, and the
compose file runs the documented processes. (`make production-check` installs and runs it all.)"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[3]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {canonicalize_name(name): version
            for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M)}


def runtime_names() -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in PYPROJECT["project"]["dependencies"]}


def test_every_third_party_module_tandem_imports_is_a_runtime_dependency() -> None:
    """So that `pip install .` gives a Tandem that runs (tests and test helpers excluded)."""
    provided = packages_distributions()
    declared = runtime_names() | {"django"}
    missing: dict[str, str] = {}
    for path in (ROOT / "tandem").rglob("*.py"):
        if "tests" in path.parts or path.name == "testing.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level
                     else [])
            for name in names:
                top = name.split(".")[0]
                if top == "tandem" or top in sys.stdlib_module_names:
                    continue
                distributions = {canonicalize_name(d) for d in provided.get(top, [])}
                if not distributions & declared:
                    missing[top] = str(path.relative_to(ROOT))
    assert not missing, f"imported but not in [project.dependencies]: {missing}"


def test_the_locks_are_hashed_and_agree_with_pyproject_and_each_other() -> None:
    production, development = pins("requirements-production.lock"), pins("requirements.lock")
    assert runtime_names() <= set(production), runtime_names() - set(production)
    dev = {canonicalize_name(Requirement(r).name) for r in PYPROJECT["dependency-groups"]["dev"]}
    assert dev | runtime_names() <= set(development)
    # The same version of every runtime package in both.
    assert {name: v for name, v in development.items() if name in production} == production
    for lock in ("requirements-production.lock", "requirements.lock"):
        blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", (ROOT / lock).read_text())
        unhashed = [b.split()[0] for b in blocks if "==" in b.split("\n")[0] and "--hash=sha256:" not in b]
        assert not unhashed, f"{lock}: no hash for {unhashed}"


def test_the_console_scripts_exist() -> None:
    scripts = PYPROJECT["project"]["scripts"]
    assert scripts == {"tandem-match": "tandem.matching.engine.cli:main",
                       "tandem-manage": "tandem.__main__:main"}
    from tandem.__main__ import main
    from tandem.matching.engine.cli import main as match_main

    assert callable(main) and callable(match_main)


def read_env_names() -> set[str]:
    names: set[str] = set()
    for source in ("tandem/settings.py", "tandem/gunicorn_conf.py"):
        text = (ROOT / source).read_text()
        names |= set(re.findall(r'env_(?:str|bool|int|list)\("([A-Z_]+)"', text))
        names |= set(re.findall(r'(?:environ\.get|get|flag)\("([A-Z_]+)"', text))
    return names


def test_every_environment_variable_is_in_the_deployment_table() -> None:
    doc = (ROOT / "docs" / "deploy.md").read_text()
    table = "\n".join(line for line in doc.splitlines() if line.startswith("| `"))
    documented = set(re.findall(r"`([A-Z_]+)`", table))
    read = read_env_names()
    assert {"TASKS_BACKEND", "SECRET_KEY", "WEB_CONCURRENCY", "EMAIL_USE_TLS"} <= read
    assert read <= documented, f"not in docs/deploy.md's table: {sorted(read - documented)}"


def test_compose_runs_the_documented_processes() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"web", "worker", "scheduler", "postgres", "redis", "migrate"} <= set(services)
    assert services["web"]["command"] == ["gunicorn", "-c", "python:tandem.gunicorn_conf", "tandem.wsgi"]
    assert services["worker"]["command"] == ["tandem-manage", "run_worker"]
    assert services["scheduler"]["command"] == ["tandem-manage", "run_scheduler"]
    assert services["migrate"]["command"] == ["tandem-manage", "migrate", "--noinput"]
    for name in ("web", "worker", "scheduler"):
        env = services[name]["environment"]
        assert env["TANDEM_ENV"] == "production" and env["TASKS_BACKEND"] == "redis"
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "--appendonly" in services["redis"]["command"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r /tmp/requirements-production.lock" in dockerfile
    assert "collectstatic" in dockerfile


def test_the_systemd_units_start_the_same_commands_and_stop_gracefully() -> None:
    """docs/deploy.md's unit examples: the commands of compose.yaml from the installed package,
    a graceful stop (SIGTERM to the main process only: an RQ worker's task runs in a child), a
    writable directory for the erasure log, and a restart (not a reload) on release."""
    import re

    doc = (ROOT / "docs" / "deploy.md").read_text()
    units = dict(re.findall(
        r"`/etc/systemd/system/([\w@.-]+\.service)`(?:(?!```).)*?```ini\n(.*?)```", doc, re.S))
    assert set(units) == {"tandem-web.service", "tandem-worker@.service", "tandem-scheduler.service"}

    def value(unit: str, key: str) -> str:
        found = re.findall(rf"^{key}=(.*)$", units[unit], re.M)
        assert len(found) == 1, (unit, key, found)
        return found[0]

    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    venv = "/srv/tandem/venv/bin/"
    for unit, service in (("tandem-web.service", "web"), ("tandem-worker@.service", "worker"),
                          ("tandem-scheduler.service", "scheduler")):
        assert value(unit, "ExecStart") == venv + " ".join(compose[service]["command"]), unit
        assert value(unit, "EnvironmentFile") == "/etc/tandem/env"
        assert value(unit, "StateDirectory") == "tandem"
        assert value(unit, "ProtectSystem") == "strict"
    for unit in ("tandem-web.service", "tandem-worker@.service"):
        assert value(unit, "KillMode") == "mixed"
    assert "ExecReload" not in units["tandem-web.service"]  # preload_app: a HUP keeps the old code
    env_file = re.search(r"`/etc/tandem/env` holds.*?```sh\n(.*?)```", doc, re.S)
    assert env_file is not None
    assert "ERASURE_LOG=/var/lib/tandem/erasures.jsonl" in env_file.group(1)
    for line in env_file.group(1).splitlines():  # a shell reads it too: values with spaces quoted
        name, _, val = line.partition("=")
        assert re.fullmatch(r"[A-Z_]+", name), line
        assert " " not in val or (val.startswith("'") and val.endswith("'")), line
    assert compose["worker"]["environment"]["ERASURE_LOG"].startswith("/srv/tandem/var/")
    assert "chown tandem:tandem /srv/tandem/var" in (ROOT / "Dockerfile").read_text()
