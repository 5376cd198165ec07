"""CUPS raw queue transport: each write is one `lp -d QUEUE -o raw` job.

CUPS gives no path back from the printer, so status is always "unknown" here.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from .errors import BAD_SPEC, NOT_FOUND, SPOOLER, TIMEOUT, PrinterError
from .transport import DEFAULT_WRITE_TIMEOUT

#: CUPS queue names: no spaces, slashes or '#'; we also refuse a leading '-' so a
#: queue name can never be read by `lp` as an option.
_QUEUE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@-]*$")


class CupsTransport:
    """Hands raw ESC/POS bytes to a CUPS queue through the `lp` command."""

    readable = False

    def __init__(
        self, queue: str, *, write_timeout: float = DEFAULT_WRITE_TIMEOUT, lp: str = "lp"
    ) -> None:
        if not _QUEUE_RE.fullmatch(queue):
            raise PrinterError(
                BAD_SPEC,
                f"CUPS 打印队列名“{queue}”无效。",
                f"'{queue}' is not a valid CUPS queue name.",
                device=f"cups:{queue}",
            )
        self.queue = queue
        self.device = f"cups:{queue}"
        self.write_timeout = write_timeout
        self.lp = lp

    def open(self) -> None:
        """Check that `lp` exists, so a missing CUPS client fails before the job."""
        if shutil.which(self.lp) is None:
            raise PrinterError(
                NOT_FOUND,
                f"找不到 {self.lp} 命令，无法使用 CUPS 队列 {self.queue}。"
                "请安装 CUPS 客户端（cups-client）。",
                f"The '{self.lp}' command was not found, so CUPS queue {self.queue} "
                "cannot be used. Install the CUPS client (cups-client).",
                device=self.device,
            )

    def write(self, data: bytes) -> None:
        """Submit `data` as one raw job; a refused job carries lp's own message."""
        exe = shutil.which(self.lp)
        if exe is None:
            self.open()
            return
        try:
            done = subprocess.run(
                [exe, "-d", self.queue, "-o", "raw"],
                input=data,
                capture_output=True,
                timeout=self.write_timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise PrinterError(
                TIMEOUT,
                f"提交到 CUPS 队列 {self.queue} 超时（{self.write_timeout:g} 秒）。",
                f"Timed out after {self.write_timeout:g} s submitting to CUPS queue {self.queue}.",
                device=self.device,
                maybe_printed=True,
            ) from exc
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
            raise PrinterError(
                SPOOLER,
                f"CUPS 队列 {self.queue} 拒绝了打印任务：{detail or done.returncode}",
                f"CUPS queue {self.queue} refused the job: {detail or done.returncode}",
                device=self.device,
            )

    def read(self, size: int, timeout: float) -> bytes:
        """CUPS raw queues never return printer replies."""
        return b""

    def close(self) -> None:
        """Nothing to release: every job is its own `lp` process."""
