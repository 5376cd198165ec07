"""Serial (RS-232 / USB-serial) transport via pyserial, imported only when used."""

from __future__ import annotations

import contextlib
from typing import Any

from .errors import (
    CONNECTION,
    CONNECTION_LOST,
    MISSING_LIBRARY,
    NOT_FOUND,
    PERMISSION,
    TIMEOUT,
    PrinterError,
)
from .transport import DEFAULT_WRITE_TIMEOUT

DEFAULT_BAUD = 9600


def _import_serial() -> Any:
    try:
        import serial
    except ImportError as exc:  # optional hardware library
        raise PrinterError(
            MISSING_LIBRARY,
            "未安装 pyserial，无法使用串口打印机。请运行：pip install pyserial",
            "pyserial is not installed, so serial printers cannot be used. "
            "Run: pip install pyserial",
        ) from exc
    return serial


class SerialTransport:
    """A serial port at a fixed baud rate, 8N1, hardware flow control off."""

    readable = True

    def __init__(
        self,
        port: str,
        baudrate: int = DEFAULT_BAUD,
        *,
        write_timeout: float = DEFAULT_WRITE_TIMEOUT,
        rtscts: bool = False,
    ) -> None:
        self.port = port
        self.baudrate = baudrate
        self.device = f"serial:{port}:{baudrate}"
        self.write_timeout = write_timeout
        self.rtscts = rtscts
        self._ser: Any = None

    def open(self) -> None:
        """Open the port; a missing or busy port names itself."""
        if self._ser is not None:
            return
        serial = _import_serial()
        try:
            self._ser = serial.Serial(
                port=self.port,
                baudrate=self.baudrate,
                timeout=0,
                write_timeout=self.write_timeout,
                rtscts=self.rtscts,
            )
        except serial.SerialException as exc:
            text = str(exc)
            lowered = text.lower()
            if "permission" in lowered or "errno 13" in lowered:
                reason, zh_hint, en_hint = (
                    PERMISSION,
                    "没有权限。请把当前用户加入 dialout 组后重新登录。",
                    "Permission denied: add your user to the 'dialout' group and log in again.",
                )
            elif "no such file" in lowered or "errno 2" in lowered or "could not open" in lowered:
                reason, zh_hint, en_hint = (
                    NOT_FOUND,
                    "找不到该串口，请检查连线和端口名。",
                    "Port not found: check the cable and the port name.",
                )
            else:
                reason, zh_hint, en_hint = CONNECTION, "", ""
            raise PrinterError(
                reason,
                f"无法打开串口打印机 {self.port}（{text}）。{zh_hint}",
                f"Cannot open serial printer {self.port} ({text}). {en_hint}".rstrip(),
                device=self.device,
            ) from exc

    def write(self, data: bytes) -> None:
        """Write and drain; pyserial's write timeout covers the whole write."""
        if self._ser is None:
            self.open()
        serial = _import_serial()
        try:
            self._ser.write(data)
            self._ser.flush()
        except serial.SerialTimeoutException as exc:
            raise PrinterError(
                TIMEOUT,
                f"向串口打印机 {self.port} 发送超时（{self.write_timeout:g} 秒）。"
                "请检查打印机是否缺纸、离线，或波特率是否一致。",
                f"Timed out after {self.write_timeout:g} s writing to serial printer "
                f"{self.port}. Check paper, that it is online, and the baud rate.",
                device=self.device,
                maybe_printed=True,
            ) from exc
        except serial.SerialException as exc:
            raise PrinterError(
                CONNECTION_LOST,
                f"串口打印机 {self.port} 断开：{exc}",
                f"Serial printer {self.port} went away: {exc}",
                device=self.device,
                maybe_printed=True,
            ) from exc

    def read(self, size: int, timeout: float) -> bytes:
        """Up to `size` bytes within `timeout`; b"" if the printer stayed silent."""
        if self._ser is None:
            return b""
        self._ser.timeout = max(timeout, 0.0)
        try:
            return bytes(self._ser.read(size))
        except OSError as exc:
            raise PrinterError(
                CONNECTION_LOST,
                f"读取串口打印机 {self.port} 失败：{exc}",
                f"Reading serial printer {self.port} failed: {exc}",
                device=self.device,
            ) from exc

    def close(self) -> None:
        """Close the port; never raises."""
        ser, self._ser = self._ser, None
        if ser is not None:
            with contextlib.suppress(Exception):
                ser.close()
