"""USB printer-class transport via pyusb (libusb), imported only when used.

Linux binds the `usblp` kernel driver to printers; we detach it for our interface,
as python-escpos does. Permission problems point to the udev rule in docs/printers.md.
"""

from __future__ import annotations

import contextlib
import errno
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

PRINTER_CLASS = 7
_BULK = 2
_INTERRUPT = 3
_DIR_IN = 0x80
_CHUNK = 16 * 1024


def _import_usb() -> Any:
    try:
        import usb.core
        import usb.util
    except ImportError as exc:  # optional hardware library
        raise PrinterError(
            MISSING_LIBRARY,
            "未安装 pyusb，无法使用 USB 打印机。请运行：pip install pyusb",
            "pyusb is not installed, so USB printers cannot be used. Run: pip install pyusb",
        ) from exc
    return usb


def _udev_hint(vid: int, pid: int) -> tuple[str, str]:
    rule = (
        f'SUBSYSTEM=="usb", ATTRS{{idVendor}}=="{vid:04x}", '
        f'ATTRS{{idProduct}}=="{pid:04x}", MODE="0664", GROUP="plugdev"'
    )
    return (
        f"请添加 udev 规则（见 docs/printers.md）：{rule}，然后重新插拔打印机。",
        f"Add a udev rule (see docs/printers.md): {rule}, then replug the printer.",
    )


class UsbTransport:
    """Bulk OUT (and, when present, IN) endpoints of a USB printer."""

    def __init__(
        self,
        vendor_id: int,
        product_id: int,
        *,
        write_timeout: float = DEFAULT_WRITE_TIMEOUT,
    ) -> None:
        self.vendor_id = vendor_id
        self.product_id = product_id
        self.ids = f"{vendor_id:04x}:{product_id:04x}"
        self.device = f"usb:{self.ids}"
        self.write_timeout = write_timeout
        self.readable = False
        self._dev: Any = None
        self._out: Any = None
        self._in: Any = None

    def open(self) -> None:
        """Find the device, detach the kernel driver, pick the endpoints."""
        if self._dev is not None:
            return
        usb = _import_usb()
        try:
            dev = usb.core.find(idVendor=self.vendor_id, idProduct=self.product_id)
        except usb.core.NoBackendError as exc:
            raise PrinterError(
                MISSING_LIBRARY,
                "找不到 libusb。Linux 请安装 libusb-1.0-0；Windows 请用 Zadig 安装 WinUSB 驱动。",
                "libusb was not found. On Linux install libusb-1.0-0; on Windows install "
                "the WinUSB driver with Zadig.",
                device=self.device,
            ) from exc
        if dev is None:
            raise PrinterError(
                NOT_FOUND,
                f"找不到 USB 打印机 {self.ids}。请检查连线和电源，并用 lsusb 核对 VID:PID。",
                f"USB printer {self.ids} not found. Check the cable and power, and compare "
                "the VID:PID with `lsusb`.",
                device=self.device,
            )
        try:
            self._out, self._in = self._claim(dev)
        except usb.core.USBError as exc:
            raise self._usb_error(exc, "open") from exc
        self._dev = dev
        self.readable = self._in is not None

    def _claim(self, dev: Any) -> tuple[Any, Any]:
        try:
            cfg = dev.get_active_configuration()
        except Exception as exc:  # unconfigured devices raise USBError here
            if getattr(exc, "errno", None) in (errno.EACCES, errno.EPERM):
                raise
            cfg = None
        if cfg is None:
            dev.set_configuration()
            cfg = dev.get_active_configuration()
        interfaces = list(cfg)
        ordered = sorted(interfaces, key=lambda i: i.bInterfaceClass != PRINTER_CLASS)
        for intf in ordered:
            out_ep, in_ep = _endpoints(intf)
            if out_ep is None:
                continue
            number = intf.bInterfaceNumber
            with contextlib.suppress(NotImplementedError):  # not on Windows/macOS
                if dev.is_kernel_driver_active(number):
                    dev.detach_kernel_driver(number)
            return out_ep, in_ep
        raise PrinterError(
            CONNECTION,
            f"USB 设备 {self.ids} 没有可写的端点，可能不是打印机。",
            f"USB device {self.ids} has no OUT endpoint; it may not be a printer.",
            device=self.device,
        )

    def write(self, data: bytes) -> None:
        """Bulk-write in chunks; each chunk may take up to `write_timeout`."""
        if self._dev is None:
            self.open()
        usb = _import_usb()
        view = memoryview(data)
        sent_any = False
        try:
            while view:
                n = self._out.write(bytes(view[:_CHUNK]), max(1, int(self.write_timeout * 1000)))
                if n <= 0:
                    raise usb.core.USBError("endpoint accepted no data", errno=errno.EIO)
                view = view[n:]
                sent_any = True
        except usb.core.USBError as exc:
            raise self._usb_error(exc, "write", maybe_printed=sent_any) from exc

    def read(self, size: int, timeout: float) -> bytes:
        """Up to `size` bytes from the IN endpoint; b"" on timeout or without one."""
        if self._in is None:
            return b""
        usb = _import_usb()
        # libusb treats 0 as "wait forever"; 1 ms is the shortest real poll.
        ms = max(1, int(timeout * 1000))
        try:
            return bytes(self._in.read(max(size, self._in.wMaxPacketSize), ms))[:size]
        except usb.core.USBError as exc:
            if _is_timeout(usb, exc):
                return b""
            raise self._usb_error(exc, "read") from exc

    def close(self) -> None:
        """Release the interface and libusb handles; never raises."""
        dev, self._dev = self._dev, None
        self._out = self._in = None
        self.readable = False
        if dev is not None:
            with contextlib.suppress(Exception):
                _import_usb().util.dispose_resources(dev)

    def _usb_error(
        self, exc: Exception, action: str, *, maybe_printed: bool = False
    ) -> PrinterError:
        usb = _import_usb()
        code = getattr(exc, "errno", None)
        if code in (errno.EACCES, errno.EPERM):
            zh_hint, en_hint = _udev_hint(self.vendor_id, self.product_id)
            return PrinterError(
                PERMISSION,
                f"没有权限访问 USB 打印机 {self.ids}。{zh_hint}",
                f"No permission to use USB printer {self.ids}. {en_hint}",
                device=self.device,
            )
        if _is_timeout(usb, exc):
            return PrinterError(
                TIMEOUT,
                f"USB 打印机 {self.ids} 超时（{self.write_timeout:g} 秒）。请检查是否缺纸或离线。",
                f"USB printer {self.ids} timed out after {self.write_timeout:g} s. "
                "Check for paper and that it is online.",
                device=self.device,
                maybe_printed=maybe_printed,
            )
        if code in (errno.ENODEV, errno.EPIPE, errno.EIO):
            return PrinterError(
                CONNECTION_LOST,
                f"USB 打印机 {self.ids} 已断开（{exc}）。",
                f"USB printer {self.ids} was disconnected ({exc}).",
                device=self.device,
                maybe_printed=maybe_printed,
            )
        if code == errno.EBUSY:
            return PrinterError(
                CONNECTION,
                f"USB 打印机 {self.ids} 正被其他程序占用。",
                f"USB printer {self.ids} is busy (claimed by another program).",
                device=self.device,
            )
        return PrinterError(
            CONNECTION,
            f"USB 打印机 {self.ids} {action} 失败：{exc}",
            f"USB printer {self.ids}: {action} failed: {exc}",
            device=self.device,
            maybe_printed=maybe_printed,
        )


def _is_timeout(usb: Any, exc: Exception) -> bool:
    timeout_cls = getattr(usb.core, "USBTimeoutError", None)
    return (timeout_cls is not None and isinstance(exc, timeout_cls)) or getattr(
        exc, "errno", None
    ) == errno.ETIMEDOUT


def _endpoints(intf: Any) -> tuple[Any, Any]:
    out_ep = in_ep = None
    for ep in intf:
        kind = ep.bmAttributes & 0x03
        if kind not in (_BULK, _INTERRUPT):
            continue
        if ep.bEndpointAddress & _DIR_IN:
            if in_ep is None or (kind == _BULK and in_ep.bmAttributes & 0x03 != _BULK):
                in_ep = ep
        elif out_ep is None or (kind == _BULK and out_ep.bmAttributes & 0x03 != _BULK):
            out_ep = ep
    return out_ep, in_ep
