"""`pip install .` ships every package of the skill: a package left out of pyproject fails on import."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_under_lambda_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {
        ".".join(module.parent.relative_to(ROOT / "lambda").parts)
        for module in (ROOT / "lambda" / "trust_renewal").rglob("*.py")
    }
    missing = sorted(on_disk - listed - set(config["package-dir"]))
    assert missing == [], f"add these to [tool.setuptools] packages in pyproject.toml: {missing}"
    assert "trust_renewal.interaction_model" in listed  # the models ship as package data for the chat


def test_pip_install_in_a_fresh_venv_has_no_setuptools_warning_and_ships_every_data_file(tmp_path) -> None:
    """`pip install .` with every setuptools warning an error (its deprecations are UserWarnings)."""
    import shutil
    import subprocess
    import sys

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    source = tmp_path / "src"  # a copy, so the build leaves nothing in the work tree
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for folder in ("lambda/trust_renewal", "interaction_model"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "--quiet"]
    # The build backend, in the range pyproject pins, installed first so the build is the one checked.
    subprocess.run([*pip, "install", *config["build-system"]["requires"]], check=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONWARNINGS": "error::UserWarning"}
    result = subprocess.run(
        [*pip, "install", "--no-deps", "--no-build-isolation", str(source)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    site = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import trust_renewal; print(trust_renewal.__path__[0])"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    ).stdout.strip()  # fmt: skip
    installed = {p.relative_to(site).as_posix() for p in Path(site).rglob("*.json")}
    shipped = {p.relative_to(ROOT / "lambda" / "trust_renewal").as_posix()
               for p in (ROOT / "lambda" / "trust_renewal").rglob("*.json")}  # fmt: skip
    shipped |= {f"interaction_model/{p.name}" for p in (ROOT / "interaction_model").glob("*.json")}
    assert shipped <= installed, sorted(shipped - installed)
    icons = {p.name for p in (Path(site) / "interaction_model" / "assets").glob("*.png")}
    assert icons == {"icon-108.png", "icon-512.png"}
