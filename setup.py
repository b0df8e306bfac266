"""Build step for `pip install .`: the wheel gets what the checkout keeps outside the Python packages.

The compiled translations (the .mo files are not in git; Babel compiles them from the .po files), the
Alembic migrations (app/migrations in the wheel, from migrations/) and the questionnaire catalogue
(app/catalogue, from questionnaires/). Templates and static files are package data (pyproject.toml).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
COPIED = {"migrations": "app/migrations", "questionnaires": "app/catalogue"}


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib)
        for source, inside in COPIED.items():
            shutil.rmtree(target / inside, ignore_errors=True)
            shutil.copytree(HERE / source, target / inside, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        self.compile_translations(target)

    @staticmethod
    def compile_translations(target: Path) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted((HERE / "app" / "translations").glob("*/LC_MESSAGES/messages.po")):
            mo = target / po.relative_to(HERE).with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as out:
                write_mo(out, catalog)


setup(cmdclass={"build_py": BuildWithData})
