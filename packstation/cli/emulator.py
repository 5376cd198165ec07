"""`packstation printer-emulator`: a port-9100 ESC/POS printer on loopback.

For demos, training and fault drills without hardware. The emulator object comes from
`packstation.bootstrap`; the CLI never imports the printers package itself.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from packstation.bootstrap import emulator_fault_modes, printer_emulator


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "printer-emulator", help="网络打印机模拟器 / ESC/POS printer emulator on TCP"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=9100, help="TCP port (0: any free port)")
    parser.add_argument("--save", default=".", metavar="DIR", help="where labels go as PNG")
    parser.add_argument(
        "--fault",
        default=None,
        metavar="MODE",
        help="simulated fault: " + ", ".join(emulator_fault_modes()),
    )
    parser.set_defaults(func=_serve)


def _serve(args: argparse.Namespace) -> int:
    count = 0

    def on_label(label: Any, path: Path | None) -> None:
        nonlocal count
        count += 1
        where = f" → {path}" if path is not None else ""
        w, h = label.image.size
        red = " red" if label.red_bands else ""
        print(f"面单 / label {count}: {w}x{h} dots{red}{where}", flush=True)

    emulator = printer_emulator(args.host, args.port, args.save, args.fault, on_label)
    fault = f", 故障 / fault: {args.fault}" if args.fault else ""
    print(
        f"打印机模拟器已启动 / printer emulator listening: {emulator.spec} "
        f"(PNG → {Path(args.save).resolve()}{fault}); Ctrl+C 停止 / stops",
        flush=True,
    )
    try:
        emulator.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop(timeout=1.0)
    return 0
