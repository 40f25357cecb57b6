"""Lock the dependencies with hashes (`make lock`; pass pip-compile options, e.g. --upgrade or
--upgrade-package django):

- requirements.lock: pyproject.toml's [project.dependencies] and its "dev" dependency group
  (PEP 735) — what `make install` installs for development, tests and CI;
- requirements-production.lock: the runtime dependencies alone, at the same versions — what a
  production machine installs (`pip install --require-hashes -r requirements-production.lock`,
  then `pip install --no-deps .`; see docs/deploy.md).

pip-compile reads no dependency groups, so the "dev" group is written to
build/dependency-group-dev.in first."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMON = ["--generate-hashes", "--allow-unsafe", "--strip-extras", "--no-emit-index-url",
          "--no-emit-find-links", "--quiet"]


def main() -> int:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    group = ROOT / "build" / "dependency-group-dev.in"
    group.parent.mkdir(exist_ok=True)
    group.write_text("".join(f"{req}\n" for req in pyproject["dependency-groups"]["dev"]))
    compile_ = [sys.executable, "-m", "piptools", "compile", *COMMON]
    env = {**os.environ, "CUSTOM_COMPILE_COMMAND": "make lock"}
    extra = sys.argv[1:]
    subprocess.run([*compile_, *extra, "--output-file", "requirements.lock",
                    "pyproject.toml", str(group.relative_to(ROOT))], cwd=ROOT, env=env, check=True)
    subprocess.run([*compile_, "--constraint", "requirements.lock",
                    "--output-file", "requirements-production.lock", "pyproject.toml"],
                   cwd=ROOT, env=env, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
