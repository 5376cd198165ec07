"""Parse speed of a 100k-order (~250k-line) Taobao export pair; prints a JSON summary.

    python benchmarks/bench_parse.py [--orders 100000] [--encoding gbk] [--keep DIR]

Generates the pair (old wide column set, GBK, `="…"` order numbers, `'` phones) in a
temporary directory, then times `parse_files` on it (best of --repeat runs) and, for a
floor, a bare `csv.reader` pass over the same decoded files. Budget (issue 4): the whole
import including database writes in <= 10 s, so parsing should stay within 2-3 s.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from packstation.importers import parse_files

ORDER_HEADER = [
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分",
    "总金额", "返点积分", "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言",
    "收货人姓名", "收货地址 ", "运送方式", "联系电话 ", "联系手机", "订单创建时间",
    "订单付款时间 ", "宝贝标题 ", "宝贝种类 ", "物流单号 ", "物流公司", "订单备注", "宝贝总数量",
    "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头", "是否手机订单",
    "分阶段订单信息", "特权订金订单id", "定金排名", "修改后的sku", "修改后的收货地址", "异常信息",
    "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易",
]  # fmt: skip
ITEM_HEADER = [
    "订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "套餐信息", "备注",
    "订单状态", "商家编码",
]  # fmt: skip
CITIES = [
    "北京 北京市 朝阳区 建国路", "上海 上海市 浦东新区 张江路", "广东省 广州市 越秀区 北京路",
    "广东省 深圳市 南山区 科技园", "浙江省 杭州市 西湖区 文三路", "江苏省 南京市 鼓楼区 上海路",
    "四川省 成都市 武侯区 人民南路", "吉林省 长春市 朝阳区 人民大街",
]  # fmt: skip
PAID = "买家已付款，等待卖家发货"


def generate(directory: Path, orders: int, encoding: str, seed: int = 4) -> tuple[Path, Path, int]:
    """Write the pair; about 2.5 lines per order. Returns (orders, items, line count)."""
    rng = random.Random(seed)
    order_buf, item_buf = io.StringIO(newline=""), io.StringIO(newline="")
    order_out = csv.writer(order_buf, lineterminator="\r\n")
    item_out = csv.writer(item_buf, lineterminator="\r\n")
    order_out.writerow(ORDER_HEADER)
    item_out.writerow(ITEM_HEADER)
    lines = 0
    for i in range(orders):
        no = f'="{3400000000000000000 + i}"'
        status = PAID if rng.random() < 0.9 else "交易关闭"
        reason = "买家申请退款" if status != PAID else "订单未关闭"
        count = rng.choice((1, 2, 2, 3, 4, 3))
        lines += count
        row = [""] * len(ORDER_HEADER)
        row[0], row[1], row[10], row[12] = no, f"tb_{i}", status, f"买家{i % 997}"
        row[13] = f"{rng.choice(CITIES)} {i % 300}号 ***(100000)"
        row[16], row[17] = f"'13{i % 10}****{i % 10000:04d}", "2026-11-11 00:01:12"
        row[23], row[24], row[26], row[27] = "", str(count), "示例旗舰店", reason
        order_out.writerow(row)
        for j in range(count):
            item_out.writerow(
                [no, f"商品{j} 纯棉T恤", "59.00", str(1 + (i + j) % 3), "",
                 "颜色分类：红色;尺码：M", "", "", status, f"SKU-{(i * 7 + j) % 5000:05d}"]
            )  # fmt: skip
    order_path = directory / "ExportOrderList202611110001.csv"
    item_path = directory / "ExportOrderDetailList202611110001.csv"
    order_path.write_bytes(order_buf.getvalue().encode(encoding))
    item_path.write_bytes(item_buf.getvalue().encode(encoding))
    return order_path, item_path, lines


def floor(paths: list[Path], encoding: str) -> float:
    """Decode + csv.reader over both files, touching every row: the cost of reading alone."""
    start = time.perf_counter()
    for path in paths:
        for _row in csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")):
            pass
    return time.perf_counter() - start


def loop_ms() -> float:
    """Milliseconds for a million empty loop turns: tells a slow or busy machine apart."""
    start = time.perf_counter()
    for _ in range(1_000_000):
        pass
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--encoding", default="gbk")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the pair here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        order_path, item_path, lines = generate(directory, args.orders, args.encoding)
        paths = [order_path, item_path]
        timings, cpu, floors, calls = [], [], [], 0
        for _ in range(args.repeat):  # floor and parse interleaved: a busy machine hits both
            floors.append(floor(paths, args.encoding))
            calls = 0

            def progress(done: int, total: int) -> None:
                nonlocal calls
                calls += 1

            start, start_cpu = time.perf_counter(), time.process_time()
            [parsed] = parse_files(paths, progress=progress)
            timings.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        raw = min(floors)
        best = min(timings)
        summary = {
            "benchmark": "parse taobao pair",
            "orders": args.orders,
            "lines": lines,
            "encoding": args.encoding,
            "bytes": sum(p.stat().st_size for p in paths),
            "orders_parsed": len(parsed.orders),
            "lines_parsed": sum(len(o.lines) for o in parsed.orders),
            "problems": len(parsed.problems),
            "parse_seconds_best": round(best, 3),
            "parse_seconds_all": [round(t, 3) for t in timings],
            "parse_cpu_seconds_best": round(min(cpu), 3),
            "csv_reader_floor_seconds": round(raw, 3),
            "ratio_to_floor": round(best / raw, 2),
            "orders_per_second": round(args.orders / best),
            "progress_calls": calls,
            "python": sys.version.split()[0],
            # Machine speed at the time (a quiet modern core: ~10-12 ms); shared CI is slower.
            "empty_loop_1m_ms": round(loop_ms(), 1),
        }
        print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
