"""Reports of a comparison: JSON for programs, the terminal for people."""

from copytrail.report.json import SCHEMA_VERSION, report_to_dict, report_to_json, schema

__all__ = ["SCHEMA_VERSION", "report_to_dict", "report_to_json", "schema"]
