"""File or device-node transport: `/dev/usb/lp0`, a serial node, a FIFO, or a plain
file (handy to capture a job's bytes).

Device nodes and FIFOs are driven non-blocking with `select`, so a printer that stops
taking data times out instead of hanging the bench; plain files are appended to.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import stat
import time
from pathlib import Path

from .errors import CONNECTION, NOT_FOUND, PERMISSION, TIMEOUT, PrinterError
from .transport import DEFAULT_WRITE_TIMEOUT

_CHUNK = 16 * 1024


class FileTransport:
    """Writes to a path; reads only from device nodes that answer."""

    def __init__(self, path: str, *, write_timeout: float = DEFAULT_WRITE_TIMEOUT) -> None:
        self.path = path
        self.device = f"file:{path}"
        self.write_timeout = write_timeout
        self.readable = False
        self._fd: int | None = None
        self._stream = False

    def open(self) -> None:
        """Open for append (files) or non-blocking read/write (devices, FIFOs)."""
        if self._fd is not None:
            return
        try:
            mode = Path(self.path).stat().st_mode
        except FileNotFoundError:
            mode = stat.S_IFREG  # a new capture file
        except OSError as exc:
            raise self._os_error(exc) from exc
        self._stream = stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)
        if self._stream:
            flags = os.O_NONBLOCK | (os.O_RDWR if stat.S_ISCHR(mode) else os.O_WRONLY)
        else:
            flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        try:
            self._fd = os.open(self.path, flags | getattr(os, "O_BINARY", 0), 0o644)
        except OSError as exc:
            raise self._os_error(exc) from exc
        self.readable = stat.S_ISCHR(mode)

    def write(self, data: bytes) -> None:
        """Write all of `data`; devices that stop accepting bytes time out."""
        if self._fd is None:
            self.open()
        fd = self._fd
        if fd is None:
            raise self._closed()
        if not self._stream:
            try:
                os.write(fd, data)
            except OSError as exc:
                raise self._os_error(exc) from exc
            return
        view = memoryview(data)
        deadline = time.monotonic() + self.write_timeout
        while view:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [fd], [], left)[1]:
                raise PrinterError(
                    TIMEOUT,
                    f"向打印机设备 {self.path} 写入超时（{self.write_timeout:g} 秒）。"
                    "请检查打印机是否缺纸或离线。",
                    f"Timed out after {self.write_timeout:g} s writing to printer device "
                    f"{self.path}. Check it for paper and that it is online.",
                    device=self.device,
                    maybe_printed=len(view) < len(data),
                )
            try:
                sent = os.write(fd, view[:_CHUNK])
            except BlockingIOError:
                continue
            except OSError as exc:
                raise self._os_error(exc).marked(True) from exc
            view = view[sent:]

    def read(self, size: int, timeout: float) -> bytes:
        """Status replies from a bidirectional device node; b"" otherwise."""
        fd = self._fd
        if fd is None or not self.readable:
            return b""
        if not select.select([fd], [], [], max(timeout, 0.0))[0]:
            return b""
        try:
            return os.read(fd, size)
        except (BlockingIOError, InterruptedError):
            return b""
        except OSError as exc:
            raise self._os_error(exc) from exc

    def close(self) -> None:
        """Close the file descriptor; never raises."""
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    def _closed(self) -> PrinterError:
        return PrinterError(
            CONNECTION,
            f"打印机设备 {self.path} 未打开。",
            f"Printer device {self.path} is not open.",
            device=self.device,
        )

    def _os_error(self, exc: OSError) -> PrinterError:
        if exc.errno in (errno.EACCES, errno.EPERM):
            return PrinterError(
                PERMISSION,
                f"没有权限访问打印机设备 {self.path}。请把当前用户加入 lp 组"
                "（sudo usermod -aG lp $USER）后重新登录。",
                f"No permission to open printer device {self.path}. Add your user to the "
                "'lp' group (sudo usermod -aG lp $USER) and log in again.",
                device=self.device,
            )
        if exc.errno in (errno.ENOENT, errno.ENXIO, errno.ENODEV, errno.ENOTDIR):
            return PrinterError(
                NOT_FOUND,
                f"找不到打印机设备 {self.path}（或设备没有接收方）。请检查连线和设备路径。",
                f"Printer device {self.path} not found (or nothing is reading it). "
                "Check the cable and the device path.",
                device=self.device,
            )
        return PrinterError(
            CONNECTION,
            f"打印机设备 {self.path} 出错：{exc.strerror or exc}",
            f"Printer device {self.path} failed: {exc.strerror or exc}",
            device=self.device,
        )
