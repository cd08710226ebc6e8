"""Install the package into fresh virtualenvs that already hold TensorFlow, and check the one there is kept.

The full `tensorflow` wheel and `tensorflow-cpu` provide the same module; a second one beside the first
is a broken install. For each, at the oldest supported version: make a virtualenv, install that wheel,
`pip install` this package from a copy of the tree (as a course would, without extras), then check that the installed
TensorFlow distributions are exactly the one that was there, at the same version, and that a short
experiment runs. Usage: python tests/check_install.py WORKDIR   (`make test-install`).
"""
import json
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OLDEST_TF = "2.16.1"
WHEELS = ("tensorflow", "tensorflow-cpu")
SMOKE = ("import approx_utils as au; e = au.run_experiment('sine', steps=200, seed=0); "
         "print(f'run_experiment: R2 = {e.r2:.2f} after 200 steps')")


def tensorflow_dists(python: Path) -> dict:
    """{distribution name: version} for every installed distribution whose name starts with 'tensorflow'."""
    listed = subprocess.run([python, "-m", "pip", "list", "--format", "json"], check=True,
                            capture_output=True, text=True).stdout
    names = {re.sub(r"[-_.]+", "-", d["name"]).lower(): d["version"] for d in json.loads(listed)}
    return {name: version for name, version in names.items()  # pip lists tensorflow-cpu as tensorflow_cpu
            if name in ("tensorflow", "tensorflow-cpu", "tensorflow-intel", "tf-nightly")}


def pip(python: Path, *args: str) -> None:
    subprocess.run([python, "-m", "pip", "install", "--quiet", *args], check=True)


def copy_source(workdir: Path) -> Path:
    """A copy of the package's source to install from: building writes into the tree it builds (egg-info,
    build/), and CI runs this beside the tests, which run from the tree."""
    src = workdir / "src"
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__",
                                                             "notebooks", "e2e", "benchmarks", "slides"))
    return src


def check(wheel: str, workdir: Path, src: Path) -> list[str]:
    """Problems found when the package (source `src`) is installed beside `wheel`=={OLDEST_TF} (empty if none)."""
    env_dir = workdir / wheel
    shutil.rmtree(env_dir, ignore_errors=True)
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    pip(python, f"{wheel}=={OLDEST_TF}")
    before = tensorflow_dists(python)
    pip(python, str(src))
    after = tensorflow_dists(python)
    print(f"{wheel}: before {before}, after installing approx_utils {after}", flush=True)
    problems = [] if before == after == {wheel: OLDEST_TF} else [f"{wheel}: TensorFlow changed: {before} -> {after}"]
    smoke = subprocess.run([python, "-c", SMOKE], capture_output=True, text=True, cwd=workdir)
    print(f"{wheel}: {smoke.stdout.strip() or smoke.stderr.strip()[-400:]}", flush=True)
    if smoke.returncode != 0:
        problems.append(f"{wheel}: the package does not run beside it")
    return problems


def main(workdir: str) -> int:
    work = Path(workdir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    src = copy_source(work)
    problems = [p for wheel in WHEELS for p in check(wheel, work, src)]
    print("\n".join(problems) or f"both wheels kept ({', '.join(WHEELS)} {OLDEST_TF}); no second TensorFlow added")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/install-check"))
