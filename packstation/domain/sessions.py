"""How a pack session stands: open while its bench packs, then how it ended.

A session ends once: completed (its label queued), cancelled (the packer gave the box
up), taken over (a supervisor moved it to another bench) or intercepted (the order
changed under it). At most one session per order is open, across all benches.
"""

from __future__ import annotations

from packstation.i18n.codes import MessageCode


class SessionState(MessageCode, namespace="session"):
    """A pack session's state; the plain value is what `pack_sessions.state` stores."""

    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    TAKEN_OVER = "taken_over"
    INTERCEPTED = "intercepted"


#: The states a closed session can have.
CLOSED_STATES = frozenset(SessionState) - {SessionState.OPEN}
