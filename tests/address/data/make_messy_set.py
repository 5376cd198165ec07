"""Generate `messy.csv`: addresses as free-typed checkouts, marketplace exports and re-typed
phone orders write them (issue 15), each with the answer a careful person would give.

    python tests/address/data/make_messy_set.py      # rewrites messy.csv (seeded: stable)

The expected answer comes from how each row is built, never from the classifier: a
priority key where the text settles the city, `none` where it names a place outside the
five cities, `ambiguous` where a person must look (no city, clues that disagree, a name
several places share). We wrote the templates knowing how the classifier works, so this
set measures the rule's cost (how many parcels are flagged) more than it proves accuracy.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "messy.csv"

# (province, city, district, key) — key None for a city that is not priority.
PLACES = [
    ("北京市", "北京市", "朝阳区", "beijing"), ("北京市", "北京市", "海淀区", "beijing"),
    ("北京市", "北京市", "丰台区", "beijing"), ("北京市", "北京市", "通州区", "beijing"),
    ("上海市", "上海市", "浦东新区", "shanghai"), ("上海市", "上海市", "徐汇区", "shanghai"),
    ("上海市", "上海市", "闵行区", "shanghai"), ("上海市", "上海市", "静安区", "shanghai"),
    ("广东省", "广州市", "天河区", "guangzhou"), ("广东省", "广州市", "越秀区", "guangzhou"),
    ("广东省", "广州市", "番禺区", "guangzhou"), ("广东省", "广州市", "白云区", "guangzhou"),
    ("广东省", "深圳市", "福田区", "shenzhen"), ("广东省", "深圳市", "南山区", "shenzhen"),
    ("广东省", "深圳市", "宝安区", "shenzhen"), ("广东省", "深圳市", "龙岗区", "shenzhen"),
    ("浙江省", "杭州市", "西湖区", "hangzhou"), ("浙江省", "杭州市", "滨江区", "hangzhou"),
    ("浙江省", "杭州市", "余杭区", "hangzhou"), ("浙江省", "杭州市", "萧山区", "hangzhou"),
    ("江苏省", "南京市", "鼓楼区", None), ("江苏省", "苏州市", "姑苏区", None),
    ("浙江省", "宁波市", "鄞州区", None), ("广东省", "东莞市", "", None),
    ("广东省", "佛山市", "南海区", None), ("四川省", "成都市", "武侯区", None),
    ("湖北省", "武汉市", "洪山区", None), ("福建省", "厦门市", "思明区", None),
    ("天津市", "天津市", "武清区", None), ("江西省", "南昌市", "西湖区", None),
]
PRIORITY = [p for p in PLACES if p[3]]
OTHER = [p for p in PLACES if not p[3]]
STREETS = ["文三路", "建国路", "科技园南区", "体育西路", "张江路", "中山北路", "人民大道",
           "幸福里小区", "工业大道", "滨江花园"]
NAMES = ["张三", "李女士", "王先生", "赵**", "陈 *", "刘小姐"]
PHONES = ["13812345678", "138****5678", "159 0000 1111", "186-****-2233"]

# Pinyin: (city, district) syllables, with tone-marked forms for some.
PINYIN = {
    ("北京市", "朝阳区"): (("bei", "jing"), ("chao", "yang")),
    ("北京市", "海淀区"): (("bei", "jing"), ("hai", "dian")),
    ("上海市", "浦东新区"): (("shang", "hai"), ("pu", "dong")),
    ("上海市", "徐汇区"): (("shang", "hai"), ("xu", "hui")),
    ("广州市", "天河区"): (("guang", "zhou"), ("tian", "he")),
    ("广州市", "越秀区"): (("guang", "zhou"), ("yue", "xiu")),
    ("深圳市", "福田区"): (("shen", "zhen"), ("fu", "tian")),
    ("深圳市", "南山区"): (("shen", "zhen"), ("nan", "shan")),
    ("杭州市", "西湖区"): (("hang", "zhou"), ("xi", "hu")),
    ("杭州市", "滨江区"): (("hang", "zhou"), ("bin", "jiang")),
    ("南京市", "鼓楼区"): (("nan", "jing"), ("gu", "lou")),
    ("成都市", "武侯区"): (("cheng", "du"), ("wu", "hou")),
    ("厦门市", "思明区"): (("xia", "men"), ("si", "ming")),
}
TONED = {"beijing": "Běijīng", "chaoyang": "Cháoyáng", "shanghai": "Shànghǎi",
         "pudong": "Pǔdōng", "guangzhou": "Guǎngzhōu", "tianhe": "Tiānhé",
         "shenzhen": "Shēnzhèn", "futian": "Fútián", "hangzhou": "Hángzhōu", "xihu": "Xīhú",
         "nanjing": "Nánjīng", "gulou": "Gǔlóu"}
TYPOS = {"杭州": ["杭洲", "航州", "抗州"], "深圳": ["深训", "深玔", "深浈"], "广州": ["广洲"],
         "上海": ["尚海", "上晦"], "北京": ["北亰", "北惊"]}
SHARED_STREETS = ["和平路", "胜利路", "人民广场", "吾悦广场", "银泰城", "保税区", "汽车站",
                  "解放路", "万达广场", "中山公园"]
# Suffix-less names several places share, and what they could be.
SHARED_SHORT = ["朝阳", "普陀", "西湖", "南山", "鼓楼", "通州"]
LANDMARKS = [("朝阳区", "798艺术区", "beijing"), ("普陀区", "长风公园", "shanghai"),
             ("西湖区", "黄龙体育中心", "hangzhou"), ("南山区", "深圳湾公园", "shenzhen")]
POSTCODES = [("朝阳区", "100020", "beijing"), ("朝阳区", "130000", "none"),
             ("普陀区", "200062", "shanghai"), ("普陀区", "316100", "none"),
             ("西湖区", "310012", "hangzhou"), ("西湖区", "330000", "none"),
             ("南山区", "518057", "shenzhen"), ("白云区", "510405", "guangzhou")]
LOOKALIKE_STREETS = ["北京路", "上海路", "广州路", "深圳路", "杭州路", "北京东路", "上海大厦"]
NOTHING = ["", "***", "电话联系", "见备注", "详见备注", "中国", "China", "张三 13812345678",
           "李** 159****1111", "收货地址：***", "到了打电话", "N/A"]


def short(name: str) -> str:
    for suffix in ("新区", "市", "区", "省"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def rows(rnd: random.Random) -> list[tuple[str, str, str, str, str, str]]:
    """(address, province, city, district, expected, style)."""
    out: list[tuple[str, str, str, str, str, str]] = []

    def add(address: str, expected: str, style: str, picker: tuple[str, str, str] = ("", "", "")
            ) -> None:
        out.append((address, *picker, expected, style))

    def street() -> str:
        return f"{rnd.choice(STREETS)}{rnd.randint(1, 300)}号"

    for _ in range(70):  # free-typed, short names, a name and phone around it
        p, c, d, key = rnd.choice(PLACES)
        form = rnd.choice(["{cs} {ds} {st}", "{cs}{d}{st}", "{name} {phone} {p}{c}{d}{st}",
                           "{ps}{cs}{ds} {st} {name}", "收货地址：{c}{d}{st}",
                           "{p} {c} {d} {st} ({name} {phone})"])
        add(form.format(p=p, c=c if c != p else "", d=d, st=street(), name=rnd.choice(NAMES),
                        phone=rnd.choice(PHONES), ps=short(p) if p != c else "", cs=short(c),
                        ds=short(d) if d else ""), key or "none", "free-typed")
    for _ in range(50):  # marketplace exports: picker columns, agreeing
        p, c, d, key = rnd.choice(PLACES)
        detail = rnd.choice([street(), f"{d}{street()}", f"{c}{d}{street()}"])
        add(detail, key or "none", "picker columns agree", (p, c, d))
    for _ in range(30):  # picker columns disagreeing with the detail
        a, b = rnd.sample(PLACES, 2)
        if (a[0], a[1]) == (b[0], b[1]):
            continue
        add(f"{b[1]}{b[2]}{street()}", "ambiguous", "picker columns disagree", (a[0], a[1], a[2]))
    for _ in range(25):  # leading picker words disagreeing with the detail
        a, b = rnd.sample(PLACES, 2)
        if (a[0], a[1]) == (b[0], b[1]):
            continue
        lead = f"{short(a[1])} {short(a[2])}" if a[2] else short(a[1])
        add(f"{lead} {b[1]}{b[2]}{street()}", "ambiguous", "picker words disagree")
    for _ in range(25):  # two destinations in one field
        a, b = rnd.sample(PLACES, 2)
        if (a[0], a[1]) == (b[0], b[1]):
            continue
        join = rnd.choice([" 转寄 ", " 改寄 ", "，或者 ", "  "])
        add(f"{a[0]}{a[1]}{a[2]}{street()}{join}{b[0]}{b[1]}{b[2]}{street()}", "ambiguous",
            "two destinations")
    for (c, d), (cp, dp) in PINYIN.items():  # pinyin in every common writing
        key = next((k for _p, cc, dd, k in PLACES if (cc, dd) == (c, d)), None) or "none"
        cj, dj = "".join(cp), "".join(dp)
        num = rnd.randint(1, 300)
        for text in (f"{cj}shi {dj}qu {num}hao", f"{cj}shi{dj}qu", f"{cj} {dj}",
                     " ".join(s.capitalize() for s in (*cp, "shi", *dp, "qu")),
                     f"No. {num} Jiefang Road, {dj.capitalize()} District, {cj.capitalize()}",
                     f"{dj.capitalize()} Dist., {cj.capitalize()} City",
                     f"{TONED.get(cj, cj)} {TONED.get(dj, dj)} {num} hao",
                     f"{cj.upper()} {dj.upper()} {num}"):
            add(text, key, "pinyin")
    for right, typos in TYPOS.items():  # typos of the five names
        p, c, d, key = next(x for x in PRIORITY if x[1].startswith(right))
        for typo in typos:
            add(f"{typo}市{d}{street()}", key or "none", "typo")
            add(f"{typo} {d} {street()}", key or "none", "typo")
    for d, mark, key in LANDMARKS:  # landmarks settling a same-name district
        add(f"{d} {mark} {rnd.randint(1, 9)}号门", key, "landmark")
        add(f"{mark} 东门 {rnd.choice(NAMES)}", key, "landmark")
    for d, code, key in POSTCODES:  # postcodes settling a same-name district
        add(f"{d} {street()} {code}", key, "postcode")
        add(f"{d} {street()} 邮编{code}", key, "postcode")
    for _ in range(20):  # postcode contradicting the named city
        p, c, d, key = rnd.choice(PLACES)
        other = rnd.choice([x for x in POSTCODES if x[2] not in (key or "none", "none")])
        add(f"{p}{c}{d}{street()} 邮编{other[1]}", "ambiguous", "postcode disagrees")
    for prov in ("广东省", "广东", "浙江省", "浙江"):  # a province that holds a priority city
        for _ in range(5):
            add(f"{prov} {street()} {rnd.choice(NAMES)}", "ambiguous", "province only")
    for prov in ("江西省", "四川", "湖南省", "河北", "云南省"):  # …and one that holds none
        for _ in range(3):
            add(f"{prov} {street()}", "none", "province without priority city")
    for name in SHARED_STREETS:  # shared street, square, mall, zone, station; no city
        for _ in range(3):
            add(f"{name} {rnd.randint(1, 99)}号 {rnd.choice(NAMES)}", "ambiguous",
                "shared street")
        p, c, d, key = rnd.choice(PLACES)
        add(f"{c} {name} {rnd.randint(1, 99)}号", key or "none", "shared street with city")
    for name in SHARED_SHORT:  # suffix-less shared names
        for _ in range(3):
            add(f"{name} {street()}", "ambiguous", "shared short name")
    for text in NOTHING:  # nothing usable
        add(text, "ambiguous", "nothing usable")
        add(f"{text} {rnd.choice(PHONES)}".strip(), "ambiguous", "nothing usable")
    for _ in range(40):  # non-priority cities with streets named after priority cities
        p, c, d, key = rnd.choice(OTHER)
        name = rnd.choice(LOOKALIKE_STREETS)
        add(f"{p} {c} {d} {name}{rnd.randint(1, 99)}号", "none", "look-alike street")
    return out


def main() -> None:
    rnd = random.Random(15)
    data = rows(rnd)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["address", "province", "city", "district", "expected", "style"])
        writer.writerows(data)
    print(f"{len(data)} rows → {OUT}")


if __name__ == "__main__":
    main()
