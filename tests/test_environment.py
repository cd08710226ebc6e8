"""The conda route and the pip route name the same packages with the same ranges; importing is quiet."""
import subprocess
import sys
from pathlib import Path

import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def _norm(req: str) -> str:
    return req.replace(" ", "").replace('"', "'")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # The e2e extra is for developers and CI (browser tests with Debian's Chromium), not for a course's environment.
    extras = {name: reqs for name, reqs in project["optional-dependencies"].items() if name != "e2e"}
    wanted = project["dependencies"] + [r for extra in extras.values() for r in extra]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = [r for r in pip if not r.startswith("-e")]
    assert sorted(map(_norm, listed)) == sorted(map(_norm, wanted))
    assert f"python{project['requires-python']}" in env["dependencies"]


def test_importing_the_package_prints_nothing():
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith(("TF_", "KERAS_"))}
    done = subprocess.run([sys.executable, "-c", "import approx_utils; approx_utils.build_mlp()"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
