"""Counterfactual expansion: cases, stable ids, counterfactual sets and the minimal-pair check."""

from harness.expand.case import Case, CaseKind, Message, canonical_json, case_id
from harness.expand.design import FACTORIAL_JOIN, expand_suite, response_schema
from harness.expand.minimal_pair import check_minimal_pair
from harness.expand.table import CaseCounts, count_cases, write_case_table

__all__ = [
    "FACTORIAL_JOIN",
    "Case",
    "CaseCounts",
    "CaseKind",
    "Message",
    "canonical_json",
    "case_id",
    "check_minimal_pair",
    "count_cases",
    "expand_suite",
    "response_schema",
    "write_case_table",
]
