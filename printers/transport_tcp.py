"""Raw TCP (port 9100, "JetDirect") transport."""

from __future__ import annotations

import contextlib
import socket

from .errors import CONNECTION, CONNECTION_LOST, TIMEOUT, PrinterError
from .transport import DEFAULT_CONNECT_TIMEOUT, DEFAULT_WRITE_TIMEOUT

#: A small send buffer makes a slow printer hold the sender back (and time out)
#: instead of megabytes disappearing into the kernel while the printer is stuck.
SEND_BUFFER_BYTES = 32 * 1024


class TcpTransport:
    """One TCP connection to a network printer."""

    readable = True

    def __init__(
        self,
        host: str,
        port: int = 9100,
        *,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        write_timeout: float = DEFAULT_WRITE_TIMEOUT,
    ) -> None:
        self.host = host
        self.port = port
        self.device = f"tcp:{host}:{port}"
        self.connect_timeout = connect_timeout
        self.write_timeout = write_timeout
        self._sock: socket.socket | None = None

    def open(self) -> None:
        """Connect; refused or unreachable hosts name the address."""
        if self._sock is None:
            self._sock = self._connect()

    def _connect(self) -> socket.socket:
        try:
            sock = socket.create_connection((self.host, self.port), self.connect_timeout)
        except TimeoutError as exc:
            raise self._error(
                TIMEOUT,
                f"连接网络打印机 {self.host}:{self.port} 超时。请检查打印机电源、网线和 IP 地址。",
                f"Timed out connecting to network printer {self.host}:{self.port}. "
                "Check the printer's power, cable and IP address.",
            ) from exc
        except OSError as exc:
            raise self._error(
                CONNECTION,
                f"无法连接网络打印机 {self.host}:{self.port}（{exc.strerror or exc}）。"
                "请检查打印机是否开机、IP 和端口是否正确。",
                f"Cannot connect to network printer {self.host}:{self.port} "
                f"({exc.strerror or exc}). Check that it is on and the IP and port are right.",
            ) from exc
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def write(self, data: bytes) -> None:
        """Send everything within `write_timeout` (a total, not per chunk)."""
        sock = self._require()
        sock.settimeout(self.write_timeout)
        try:
            sock.sendall(data)
        except TimeoutError as exc:
            raise self._error(
                TIMEOUT,
                f"向打印机 {self.device} 发送数据超时（{self.write_timeout:g} 秒）。"
                "打印机可能卡纸、缺纸或处理过慢。",
                f"Timed out after {self.write_timeout:g} s sending to printer {self.device}. "
                "It may be jammed, out of paper or too slow.",
                maybe_printed=True,
            ) from exc
        except OSError as exc:
            raise self._lost(exc) from exc

    def read(self, size: int, timeout: float) -> bytes:
        """Up to `size` bytes; b"" on timeout; a closed connection is an error."""
        sock = self._require()
        sock.settimeout(timeout if timeout > 0 else 0.0)
        try:
            data = sock.recv(size)
        except (TimeoutError, BlockingIOError):
            return b""
        except OSError as exc:
            raise self._lost(exc) from exc
        if not data:
            raise self._lost(None)
        return data

    def close(self) -> None:
        """Close the connection; never raises."""
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()

    def _require(self) -> socket.socket:
        if self._sock is None:
            self._sock = self._connect()
        return self._sock

    def _lost(self, exc: OSError | None) -> PrinterError:
        self.close()
        detail = f"（{exc.strerror or exc}）" if exc else ""
        return self._error(
            CONNECTION_LOST,
            f"与打印机 {self.device} 的连接中断{detail}。面单可能只打印了一部分。",
            f"The connection to printer {self.device} was lost"
            f"{f' ({exc.strerror or exc})' if exc else ''}. The label may be partly printed.",
            maybe_printed=True,
        )

    def _error(self, reason: str, zh: str, en: str, *, maybe_printed: bool = False) -> PrinterError:
        return PrinterError(reason, zh, en, device=self.device, maybe_printed=maybe_printed)
