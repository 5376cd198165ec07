"""File or device-node transport: `/dev/usb/lp0`, a serial node, a FIFO, or a NEW plain
file (handy to capture a job's bytes).

Device nodes and FIFOs are driven non-blocking with `select`, so a printer that stops
taking data times out instead of hanging the bench. A regular file is only ever one this
transport created itself (O_EXCL): `file:` pointed at an existing file (a database, a
document) is refused, never appended to. Later jobs on the same transport append to the
file it created, as long as it is still that file (same device and inode).
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import stat
import time
from pathlib import Path

from .errors import CONNECTION, FILE_EXISTS, NOT_FOUND, PERMISSION, TIMEOUT, PrinterError
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
        # (st_dev, st_ino, size) of the file we created, as we left it
        self._created: tuple[int, int, int] | None = None

    def open(self) -> None:
        """Open a device or FIFO (non-blocking), create a new file, or reopen our own."""
        if self._fd is not None:
            return
        try:
            st: os.stat_result | None = Path(self.path).stat()
        except FileNotFoundError:
            st = None  # a new capture file
        except OSError as exc:
            raise self._os_error(exc) from exc
        mode = st.st_mode if st is not None else stat.S_IFREG
        self._stream = stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)
        if self._stream:
            flags = os.O_NONBLOCK | (os.O_RDWR if stat.S_ISCHR(mode) else os.O_WRONLY)
        elif st is None:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        elif self._created == (st.st_dev, st.st_ino, st.st_size) and stat.S_ISREG(mode):
            flags = os.O_WRONLY | os.O_APPEND
        else:
            raise self._exists()
        try:
            self._fd = os.open(self.path, flags | getattr(os, "O_BINARY", 0), 0o644)
        except FileExistsError as exc:  # created by someone else since the stat
            raise self._exists() from exc
        except OSError as exc:
            raise self._os_error(exc) from exc
        self._remember()
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
            self._remember()
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

    def _remember(self) -> None:
        """Note our own file as it is now, to recognise it (and only it) on the next job."""
        if self._fd is not None and not self._stream:
            st = os.fstat(self._fd)
            self._created = (st.st_dev, st.st_ino, st.st_size)

    def _exists(self) -> PrinterError:
        return PrinterError(
            FILE_EXISTS,
            f"{self.path} 已存在且不是打印机设备：不会写入已有文件。"
            "请指定打印机设备（如 /dev/usb/lp0）或一个新文件名。",
            f"{self.path} already exists and is not a printer device: an existing file is "
            "never written to. Give a printer device (e.g. /dev/usb/lp0) or a new file name.",
            device=self.device,
        )

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
