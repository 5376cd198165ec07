"""What the command line says that is not an error: results and labels, as codes."""

from __future__ import annotations

from packstation.i18n.codes import MessageCode


class Notice(MessageCode, namespace="notice"):
    RULES_UPDATED = "rules_updated"  # {changed}
    SCHEMA_UP_TO_DATE = "schema_up_to_date"  # {dialect}
    PLACE_UNKNOWN = "place_unknown"
    PLACE_ANYWHERE = "place_anywhere"
    DESTINATION_AMBIGUOUS = "destination_ambiguous"  # {options}
    DESTINATION_PRIORITY = "destination_priority"  # {key} {mark} {promise}
    DESTINATION_NOT_PRIORITY = "destination_not_priority"
