#!/usr/bin/env python3
"""Build the bundled GBA Freight Router network dataset (data/FORMAT.md) from literal tables.

Stdlib only and deterministic: running ``python data/src/build_dataset.py`` rewrites

    data/nodes.geojson  data/links.csv  data/link_geometry.geojson  data/schedules.csv
    data/tariffs.csv    data/node_fees.csv  data/modes.csv  data/jurisdictions.csv
    data/customs_profiles.csv  data/fx.csv

byte-for-byte identically. Every row carries a ``source`` made of keys explained in
``data/README.md`` (``estimate:<key>`` marks a documented estimate); the build fails if a key is
not explained there. Figures are in the units named in FORMAT.md (hours, km, TEU, kg).

How to read the tables below: each node is one ``node(...)`` call with its coordinates (lat, lon),
customs operations and times; links are built by small helpers (``truck``, ``barge``, ``sea``,
``rail``, ``air`` ...) that also attach tariffs and schedules, so a lane's figures sit on one line.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from itertools import pairwise
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent
README = DATA / "README.md"

# --------------------------------------------------------------------------------------------
# Conventions
# --------------------------------------------------------------------------------------------
#: detour factors of modes.csv, used here too so that transit times derived from distance match
#: the distance the loader derives (geodesic x detour) for links without an explicit distance.
DETOUR = {
    "truck": 1.3,
    "tir": 1.3,
    "barge": 1.3,
    "feeder": 1.2,
    "deepsea": 1.25,
    "rail": 1.37,
    "air": 1.05,
}

ALL_CLASSES = ("general", "reefer", "dangerous", "pharma", "ecommerce")
SZHK_CLASSES = ("general", "reefer", "pharma", "ecommerce")  # SZ land ports bar listed DG
BARGE_CLASSES = ("general", "reefer", "dangerous", "ecommerce")
RAIL_CLASSES = ("general", "reefer", "dangerous", "ecommerce")
TIR_CLASSES = ("general", "reefer", "ecommerce")
AIR_CLASSES = ("general", "reefer", "dangerous", "pharma", "ecommerce")

SEA_DG = ("2", "3", "4", "5", "6", "8", "9")  # IMDG classes 1 and 7 need special permits
RIVER_DG = ("3", "8", "9")
RAIL_DG = ("3", "8", "9")
AIR_DG = ("2", "3", "4", "5", "6", "8", "9")

# --------------------------------------------------------------------------------------------
# Geometry helpers (spherical; the loader uses the WGS84 ellipsoid, <0.5 % apart)
# --------------------------------------------------------------------------------------------
EARTH_KM = 6371.0088


def gc_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle km between two (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def path_km(points: list[tuple[float, float]]) -> float:
    return sum(gc_km(p, q) for p, q in pairwise(points))


# --------------------------------------------------------------------------------------------
# Nodes
# --------------------------------------------------------------------------------------------
NODES: dict[str, dict] = {}

_NODE_DEFAULTS = {
    "unlocode": None,
    "customs_district": "",
    "operations": (),
    "reefer": False,
    "dg_classes": (),
    "handling_h": 0.0,
    "export_clearance_h": 0.0,
    "import_clearance_h": 0.0,
    "inspection_h": 0.0,
    "border_transit_h": 0.0,
    "dwell_export_h": 0.0,
    "dwell_import_h": 0.0,
    "dwell_direct_h": 0.0,
    "dwell_combined_h": 0.0,
    "free_storage_h": 0.0,
    "combined_port_hub": None,
    "opening_hours": None,
    "closed_modes": (),
    "closed_since": None,
    "capacity_teu_per_day": None,
}

# Parameter bundles per node type (estimates unless a source is given in the node's `source`).
CN_SEAPORT = dict(
    operations=("export_clearance", "import_clearance", "exit", "entry", "supervised_site"),
    reefer=True, dg_classes=SEA_DG, handling_h=8, export_clearance_h=1.0, import_clearance_h=8,
    inspection_h=24, dwell_export_h=64, dwell_import_h=24, free_storage_h=168,
)
CN_RIVER = dict(
    operations=("export_clearance", "import_clearance", "supervised_site", "combined_port"),
    reefer=True, dg_classes=RIVER_DG, handling_h=2, export_clearance_h=1.0, import_clearance_h=8,
    inspection_h=12, dwell_import_h=12, free_storage_h=120,
)
FOREIGN_SEAPORT = dict(
    operations=("export_clearance", "import_clearance", "exit", "entry", "supervised_site",
                "pharma_whitelist"),
    reefer=True, dg_classes=SEA_DG, handling_h=24, export_clearance_h=2, import_clearance_h=4,
    inspection_h=24, dwell_export_h=24, dwell_import_h=24, free_storage_h=96,
)
FOREIGN_RAIL = dict(
    operations=("export_clearance", "import_clearance", "exit", "entry", "supervised_site"),
    reefer=True, dg_classes=RAIL_DG, handling_h=3, export_clearance_h=2, import_clearance_h=6,
    inspection_h=12, dwell_export_h=12, dwell_import_h=8, free_storage_h=72,
)
FOREIGN_AIRPORT = dict(
    operations=("export_clearance", "import_clearance", "exit", "entry", "supervised_site",
                "pharma_whitelist"),
    reefer=True, dg_classes=AIR_DG, handling_h=3, export_clearance_h=2, import_clearance_h=4,
    inspection_h=8, dwell_export_h=6, dwell_import_h=12, free_storage_h=48,
)
SZ_CROSSING = dict(
    operations=("export_clearance", "import_clearance", "exit", "entry", "supervised_site"),
    handling_h=0.5, export_clearance_h=1.0, import_clearance_h=4, inspection_h=4,
)
HK_CROSSING = dict(
    operations=("export_clearance", "import_clearance", "exit", "entry", "supervised_site"),
    handling_h=0.5, export_clearance_h=0.5, import_clearance_h=0.5, inspection_h=2,
)
RAIL_BORDER = dict(
    operations=("transit_border", "exit", "entry", "export_clearance", "import_clearance",
                "supervised_site"),
    handling_h=2, export_clearance_h=2, import_clearance_h=8, inspection_h=12,
)
ROAD_BORDER = dict(
    operations=("transit_border", "exit", "entry", "export_clearance", "import_clearance",
                "supervised_site"),
    handling_h=4, inspection_h=24,
)
BONDED = dict(
    operations=("supervised_site", "export_clearance", "import_clearance"),
    reefer=True, dg_classes=("9",), handling_h=2, export_clearance_h=1.0, import_clearance_h=8,
    inspection_h=12, free_storage_h=168,
)
CITY: dict = {}

CN_CUSTOMS = {
    "SZ": "Shenzhen Customs",
    "GZ": "Guangzhou Customs",
    "HP": "Huangpu Customs",
    "GB": "Gongbei Customs",
    "JM": "Jiangmen Customs",
    "FS": "Guangzhou Customs (Foshan Customs)",
    "ZQ": "Guangzhou Customs (Zhaoqing Customs)",
    "HZ": "Huangpu Customs (Huizhou Customs)",
    "DG": "Huangpu Customs (Dongguan Customs)",
    "ZS": "Gongbei Customs (Zhongshan Customs)",
    "UR": "Urumqi Customs",
    "HH": "Hohhot Customs",
    "MZ": "Manzhouli Customs",
}
HK_CUSTOMS = "Hong Kong Customs and Excise Department"


def node(
    nid: str,
    name: str,
    name_zh: str,
    kind: str,
    lat: float,
    lon: float,
    country: str,
    jurisdiction: str,
    source: str,
    base: dict | None = None,
    **props,
) -> None:
    """Add one node: ``base`` is a parameter bundle, ``props`` override it."""
    if nid in NODES:
        raise ValueError(f"duplicate node {nid}")
    p = dict(_NODE_DEFAULTS)
    p.update(base or {})
    extra = props.pop("add_ops", ())
    drop = props.pop("drop_ops", ())
    p.update(props)
    p["operations"] = tuple(sorted((set(p["operations"]) | set(extra)) - set(drop)))
    p.update(
        id=nid, name=name, name_zh=name_zh, kind=kind, lat=lat, lon=lon, country=country,
        jurisdiction=jurisdiction, source=source,
    )
    NODES[nid] = p


def xy(nid: str) -> tuple[float, float]:
    n = NODES[nid]
    return (n["lon"], n["lat"])


# ---- GBA container seaports (gba-facts §1) ---------------------------------------------------
COORD_OSM = "osm-unlocode"
node("CNYTN", "Yantian International Container Terminals", "盐田港", "seaport", 22.5740, 114.2749,
     "CN", "CN", f"{COORD_OSM};customs-gac-2022;customs-direct;cp-shipsh;fees-goodhope;"
     "estimate:dwell;estimate:clearance;estimate:cargo-caps;estimate:capacity;estimate:pharma-list",
     CN_SEAPORT, unlocode="CNYTN", customs_district=CN_CUSTOMS["SZ"],
     add_ops=("direct_loading", "direct_pickup", "pharma_whitelist", "ecommerce"),
     dwell_export_h=88, dwell_direct_h=2, dwell_combined_h=24, capacity_teu_per_day=38000)
node("CNSHK", "Shekou / Chiwan Container Terminals (Shenzhen West)", "蛇口港（含赤湾）", "seaport",
     22.4797, 113.9074, "CN", "CN",
     f"{COORD_OSM};cwn-merge;cp-hmo;cp-shipsh;cp-52cydai;customs-gac-2022;customs-direct;"
     "fees-goodhope;estimate:dwell;estimate:clearance;estimate:cargo-caps;estimate:capacity;"
     "estimate:pharma-list",
     CN_SEAPORT, unlocode="CNSHK", customs_district=CN_CUSTOMS["SZ"],
     add_ops=("direct_loading", "direct_pickup", "pharma_whitelist", "ecommerce"),
     dwell_export_h=88, dwell_direct_h=2, dwell_combined_h=24, capacity_teu_per_day=33000)
node("CNMWN", "Mawan Port (Mawan Smart Port)", "妈湾港", "seaport", 22.4943, 113.8699, "CN", "CN",
     f"{COORD_OSM};customs-gac-2022;fees-goodhope;estimate:dwell;estimate:clearance;"
     "estimate:cargo-caps;estimate:capacity",
     CN_SEAPORT, unlocode="CNMWN", customs_district=CN_CUSTOMS["SZ"], capacity_teu_per_day=8000)
node("CNDCB", "Dachan Bay Container Terminals", "大铲湾港", "seaport", 22.5700, 113.8600, "CN", "CN",
     "estimate:coords-facts;dcb-index1520;customs-gac-2022;fees-goodhope;estimate:dwell;"
     "estimate:clearance;estimate:cargo-caps;estimate:capacity",
     CN_SEAPORT, unlocode="CNDCB", customs_district=CN_CUSTOMS["SZ"], capacity_teu_per_day=5000)
node("CNNSA", "Guangzhou Nansha Port", "广州南沙港", "seaport", 22.6359, 113.6782, "CN", "CN",
     f"{COORD_OSM};bayport-southcn;customs-gac-2022;customs-direct;estimate:dwell;"
     "estimate:clearance;estimate:cargo-caps;estimate:capacity;estimate:fees-prd-proxy",
     CN_SEAPORT, unlocode="CNNSA", customs_district=CN_CUSTOMS["GZ"],
     add_ops=("direct_loading", "direct_pickup"),
     dwell_export_h=88, dwell_direct_h=2, dwell_combined_h=24, capacity_teu_per_day=50000)
node("CNHUA", "Guangzhou Huangpu Port", "广州黄埔港", "seaport", 23.0954, 113.4424, "CN", "CN",
     f"{COORD_OSM};customs-gac-2022;estimate:dwell;estimate:clearance;estimate:cargo-caps;"
     "estimate:capacity;estimate:fees-prd-proxy",
     CN_SEAPORT, unlocode="CNHUA", customs_district=CN_CUSTOMS["HP"], capacity_teu_per_day=9000)
node("CN-ZH-GAOLAN", "Zhuhai Gaolan Port", "珠海高栏港", "seaport", 21.9300, 113.2300, "CN", "CN",
     "estimate:coords-facts;customs-gac-2022;estimate:dwell;estimate:clearance;"
     "estimate:cargo-caps;estimate:capacity;estimate:fees-prd-proxy",
     CN_SEAPORT, customs_district=CN_CUSTOMS["GB"], capacity_teu_per_day=7000)
node("HKHKG", "Hong Kong Kwai Tsing Container Terminals", "香港葵青货柜码头", "seaport",
     22.3400, 114.1200, "HK", "HK",
     "estimate:coords-facts;estimate:hk-customs;estimate:dwell;estimate:cargo-caps;"
     "estimate:capacity;estimate:fees-hk;estimate:pharma-list",
     FOREIGN_SEAPORT, unlocode="HKHKG", customs_district=HK_CUSTOMS,
     export_clearance_h=0.5, import_clearance_h=1, inspection_h=6, handling_h=12,
     dwell_export_h=12, dwell_import_h=12, free_storage_h=120, capacity_teu_per_day=40000)

# ---- GBA Combined Port feeder terminals (gba-facts §2) ---------------------------------------
CP_COMMON = "estimate:coords-terminal;estimate:clearance;estimate:cargo-caps;estimate:fees-river"
# (id, name, name_zh, lat, lon, hub, customs district, extra sources, HK river-trade port?)
FEEDERS = [
    ("CN-FS-SDXG", "Shunde Xingang Terminal (Foshan)", "佛山顺德新港", 22.7400, 113.3000, "CNSHK",
     "FS", "cp-cinic;cp-shipsh;cp-txyhg", True),
    ("CN-FS-SDBJ", "Shunde Beijiao Port (Foshan)", "佛山顺德北滘港", 22.9300, 113.2200, "CNSHK",
     "FS", "cp-cinic;cp-txyhg", False),
    ("CN-FS-NHJJ", "Nanhai Jiujiang Port (Foshan)", "佛山南海九江港", 22.8400, 113.0300, "CNSHK",
     "FS", "cp-txyhg;cp-cinic", True),
    ("CN-GZ-XINTANG", "Guangzhou Xintang Port (Zengcheng)", "广州新塘港", 23.1000, 113.6100,
     "CNSHK", "HP", "cp-r435", False),
    ("CN-ZH-DOUMEN", "Zhuhai Doumen Port", "珠海斗门港", 22.2200, 113.2900, "CNSHK", "GB",
     "cp-hmo", True),
    ("CN-JM-GAOXIN", "Jiangmen Gaoxin Port", "江门高新港", 22.5400, 113.1300, "CNSHK", "JM",
     "cp-52cydai;bayport-southcn", True),
    ("CN-ZS-PORT", "Zhongshan Port (Torch Zone)", "中山港", 22.5600, 113.5000, "CNSHK", "ZS",
     "bayport-southcn;estimate:cp-hub", True),
    ("CN-DG-SHATIAN", "Dongguan Port Shatian Terminal", "东莞港沙田港区", 22.9100, 113.6100,
     "CNSHK", "DG", "bayport-southcn;estimate:cp-hub", True),
    ("CN-HZ-PORT", "Huizhou Port (Daya Bay)", "惠州港", 22.7300, 114.5300, "CNYTN", "HZ",
     "bayport-southcn;estimate:cp-hub", False),
    ("CN-ZQ-XINGANG", "Zhaoqing New Port (Gaoyao)", "肇庆新港", 23.0700, 112.5800, "CNNSA", "ZQ",
     "bayport-southcn;estimate:cp-hub", True),
    ("CN-FS-SANSHUI", "Foshan Sanshui Port", "佛山三水港", 23.1600, 112.8900, "CNNSA", "FS",
     "bayport-southcn;estimate:cp-hub", False),
]
for fid, fname, fzh, flat, flon, hub, dist, fsrc, hk_trade in FEEDERS:
    node(fid, fname, fzh, "river_terminal", flat, flon, "CN", "CN", f"{fsrc};{CP_COMMON}",
         CN_RIVER, customs_district=CN_CUSTOMS[dist], combined_port_hub=hub,
         add_ops=("exit", "entry") if hk_trade else ())

# ---- Rail: Pinghu South (gba-facts §3) -------------------------------------------------------
node("SZ-PINGHU-RAIL", "Shenzhen Pinghu South Rail Logistics Hub (Bay Area Express)",
     "深圳平湖南铁路物流枢纽", "rail_terminal", 22.6800, 114.1300, "CN", "CN",
     "estimate:coords-terminal;rail-eyesz;rail-nsrd;customs-gac-2022;estimate:dwell;"
     "estimate:clearance;estimate:cargo-caps;estimate:fees-rail",
     FOREIGN_RAIL, customs_district=CN_CUSTOMS["SZ"], export_clearance_h=1.0,
     import_clearance_h=8, dwell_export_h=12, dwell_import_h=12, add_ops=("ecommerce",))

# ---- China-side border crossings (rail exits and road ports) ----------------------------------
node("CN-ALASHANKOU", "Alashankou (Alataw Pass) rail border, CN-KZ", "阿拉山口口岸",
     "border_crossing", 45.1700, 82.5700, "CN", "CN",
     "estimate:coords-border;rail-alashankou-2024;rail-alashankou-2023;rail-jike;"
     "estimate:border-time",
     RAIL_BORDER, customs_district=CN_CUSTOMS["UR"], border_transit_h=12)
node("CN-KHORGOS", "Khorgos rail border (Khorgos-Altynkol), CN-KZ", "霍尔果斯铁路口岸",
     "border_crossing", 44.2100, 80.4200, "CN", "CN",
     "estimate:coords-border;rail-khorgos-2025;rail-jike;estimate:border-time",
     RAIL_BORDER, customs_district=CN_CUSTOMS["UR"], border_transit_h=24)
node("CN-ERENHOT", "Erenhot rail border, CN-MN (incl. Mongolia transit)", "二连浩特口岸",
     "border_crossing", 43.6500, 111.9800, "CN", "CN",
     "estimate:coords-border;rail-erenhot-2017;rail-jike;estimate:border-time",
     RAIL_BORDER, customs_district=CN_CUSTOMS["HH"], border_transit_h=24)
node("CN-MANZHOULI", "Manzhouli rail border, CN-RU", "满洲里口岸", "border_crossing",
     49.6000, 117.4300, "CN", "CN",
     "estimate:coords-border;rail-manzhouli;rail-jike;estimate:border-time",
     RAIL_BORDER, customs_district=CN_CUSTOMS["MZ"], border_transit_h=12)
node("CN-KHORGOS-ROAD", "Khorgos highway port, CN-KZ", "霍尔果斯公路口岸", "border_crossing",
     44.2000, 80.4000, "CN", "CN", "estimate:coords-border;tir-china-2025;estimate:border-time",
     ROAD_BORDER, customs_district=CN_CUSTOMS["UR"], border_transit_h=4, export_clearance_h=24,
     import_clearance_h=48, opening_hours="09:00-19:00")
node("CN-IRKESHTAM", "Irkeshtam road port, CN-KG (Ulugqat)", "伊尔克什坦口岸", "border_crossing",
     39.7000, 73.9700, "CN", "CN",
     "estimate:coords-border;tir-iru-2024;tir-transportjournal;estimate:border-time",
     ROAD_BORDER, customs_district=CN_CUSTOMS["UR"], border_transit_h=4, export_clearance_h=12,
     import_clearance_h=48, opening_hours="09:00-18:00")
node("CN-KASHGAR", "Kashgar inland port (road freight customs site)", "喀什内陆港",
     "inland_depot", 39.4700, 75.9900, "CN", "CN", "estimate:coords-city;estimate:clearance",
     BONDED, customs_district=CN_CUSTOMS["UR"], export_clearance_h=2, dg_classes=(),
     free_storage_h=72)

# ---- Foreign borders ---------------------------------------------------------------------------
node("PL-MALASZEWICZE", "Małaszewicze / Brest rail border (EU side), BY-PL", "马拉舍维奇",
     "border_crossing", 52.0300, 23.5300, "PL", "EU",
     "estimate:coords-border;rail-malaszewicze;estimate:border-time",
     RAIL_BORDER, customs_district="Polish Customs (Biała Podlaska)", border_transit_h=24,
     import_clearance_h=6)
node("KZ-SARYAGASH", "Saryagash rail border, KZ-UZ", "萨雷阿加什", "border_crossing",
     41.4600, 69.1700, "KZ", "EAEU", "estimate:coords-border;estimate:border-time",
     RAIL_BORDER, customs_district="Kazakhstan State Revenue Committee", border_transit_h=6)
node("KZ-NURZHOLY", "Nur Zholy road checkpoint (Khorgos, KZ side)", "努尔饶勒", "border_crossing",
     44.2200, 80.3500, "KZ", "EAEU", "estimate:coords-border;estimate:border-time",
     ROAD_BORDER, customs_district="Kazakhstan State Revenue Committee", border_transit_h=4,
     export_clearance_h=24, import_clearance_h=48, opening_hours="09:00-19:00")
node("KG-IRKESHTAM", "Irkeshtam checkpoint (KG side)", "伊尔克什坦（吉方）", "border_crossing",
     39.6800, 73.9000, "KG", "EAEU",
     "estimate:coords-border;tir-iru-2024;tir-transportjournal;estimate:border-time",
     ROAD_BORDER, customs_district="Kyrgyz State Customs Service", border_transit_h=4,
     export_clearance_h=24, import_clearance_h=72, opening_hours="09:00-18:00")
node("KG-DOSTUK", "Dostuk checkpoint (KG side), KG-UZ", "多斯图克", "border_crossing",
     40.7500, 72.6800, "KG", "EAEU", "estimate:coords-border;estimate:border-time",
     ROAD_BORDER, customs_district="Kyrgyz State Customs Service", border_transit_h=2,
     export_clearance_h=24, import_clearance_h=48, opening_hours="08:00-20:00")
node("UZ-DOSTLIK", "Dustlik checkpoint (UZ side), KG-UZ", "杜斯特利克", "border_crossing",
     40.7600, 72.6600, "UZ", "UZ", "estimate:coords-border;estimate:border-time",
     ROAD_BORDER, customs_district="Uzbekistan Customs Committee", border_transit_h=2,
     export_clearance_h=24, import_clearance_h=72, opening_hours="08:00-20:00")

# ---- Shenzhen-Hong Kong land crossings (gba-facts §5) -----------------------------------------
node("CN-SZBAY", "Shenzhen Bay Port (Shenzhen side)", "深圳湾口岸", "border_crossing",
     22.5030, 113.9450, "CN", "CN",
     "estimate:coords-facts;hk-szbay-24h;hk-diversion-2025;hk-huanggang-closure;"
     "customs-gac-2022;estimate:clearance",
     SZ_CROSSING, customs_district=CN_CUSTOMS["SZ"], capacity_teu_per_day=43200)
node("HK-SZBAY", "Shenzhen Bay Control Point (Hong Kong side)", "深圳湾管制站（港方）",
     "border_crossing", 22.5020, 113.9430, "HK", "HK",
     "estimate:coords-facts;hk-szbay-24h;estimate:hk-customs", HK_CROSSING,
     customs_district=HK_CUSTOMS)
node("CN-LIANTANG", "Liantang Port (Shenzhen side)", "莲塘口岸", "border_crossing",
     22.5543, 114.1524, "CN", "CN",
     "hk-liantang-coords;hk-liantang-2020;hk-huanggang-closure;customs-gac-2022;"
     "estimate:clearance",
     SZ_CROSSING, customs_district=CN_CUSTOMS["SZ"], opening_hours="07:00-22:00",
     import_clearance_h=3, capacity_teu_per_day=15000)
node("HK-HYW", "Heung Yuen Wai Control Point (Hong Kong side)", "香园围管制站", "border_crossing",
     22.5520, 114.1540, "HK", "HK", "estimate:coords-facts;hk-liantang-2020;estimate:hk-customs",
     HK_CROSSING, customs_district=HK_CUSTOMS, opening_hours="07:00-22:00")
node("CN-WENJINDU", "Wenjindu Port (Shenzhen side)", "文锦渡口岸", "border_crossing",
     22.5450, 114.1300, "CN", "CN",
     "estimate:coords-facts;hk-liantang-2020;hk-huanggang-closure;customs-gac-2022;"
     "estimate:clearance",
     SZ_CROSSING, customs_district=CN_CUSTOMS["SZ"], opening_hours="07:00-22:00")
node("HK-MKT", "Man Kam To Control Point (Hong Kong side)", "文锦渡管制站", "border_crossing",
     22.5410, 114.1290, "HK", "HK", "estimate:coords-facts;hk-liantang-2020;estimate:hk-customs",
     HK_CROSSING, customs_district=HK_CUSTOMS, opening_hours="07:00-22:00")
node("CN-SHATOUJIAO", "Shatoujiao Port (Shenzhen side)", "沙头角口岸", "border_crossing",
     22.5500, 114.2200, "CN", "CN",
     "estimate:coords-facts;hk-stk-factpedia;customs-gac-2022;estimate:clearance",
     SZ_CROSSING, customs_district=CN_CUSTOMS["SZ"], opening_hours="07:00-22:00",
     capacity_teu_per_day=1500)
node("HK-STK", "Sha Tau Kok Control Point (Hong Kong side)", "沙头角管制站", "border_crossing",
     22.5480, 114.2180, "HK", "HK", "estimate:coords-facts;hk-stk-factpedia;estimate:hk-customs",
     HK_CROSSING, customs_district=HK_CUSTOMS, opening_hours="07:00-22:00")
node("CN-HUANGGANG", "Huanggang Port (Shenzhen side) - closed to cargo trucks",
     "皇岗口岸", "border_crossing", 22.5210, 114.0750, "CN", "CN",
     "hk-huanggang-coords;hk-huanggang-closure;hk-news-2018;hk-diversion-2025",
     SZ_CROSSING, customs_district=CN_CUSTOMS["SZ"], closed_modes=("truck",),
     closed_since="2025-12-21")
node("HK-LMC", "Lok Ma Chau Control Point (Hong Kong side) - closed to cargo trucks",
     "落马洲管制站", "border_crossing", 22.5150, 114.0730, "HK", "HK",
     "estimate:coords-facts;hk-huanggang-closure", HK_CROSSING, customs_district=HK_CUSTOMS,
     closed_modes=("truck",), closed_since="2025-12-21")

# ---- Air (gba-facts §6) ------------------------------------------------------------------------
CN_AIRPORT = dict(
    operations=("export_clearance", "import_clearance", "exit", "entry", "supervised_site",
                "ecommerce"),
    reefer=True, dg_classes=AIR_DG, handling_h=3, export_clearance_h=2, import_clearance_h=6,
    inspection_h=6, dwell_export_h=6, dwell_import_h=6, free_storage_h=48,
)
node("CNSZX", "Shenzhen Bao'an International Airport (cargo)", "深圳宝安国际机场货站", "airport",
     22.6376, 113.8061, "CN", "CN",
     f"{COORD_OSM};air-sz123;air-aircargonews;air-szx-2024;seed-sz2023;estimate:clearance;"
     "estimate:dwell;estimate:pharma-list;estimate:fees-air",
     CN_AIRPORT, unlocode="CNSZX", customs_district=CN_CUSTOMS["SZ"],
     add_ops=("pharma_whitelist",))
node("CNCAN", "Guangzhou Baiyun International Airport (cargo)", "广州白云国际机场货站", "airport",
     23.3863, 113.3023, "CN", "CN",
     f"{COORD_OSM};estimate:clearance;estimate:dwell;estimate:pharma-list;estimate:fees-air",
     CN_AIRPORT, unlocode="CNCAN", customs_district=CN_CUSTOMS["GZ"],
     add_ops=("pharma_whitelist",))
node("HKHKG-AIR", "Hong Kong International Airport (cargo)", "香港国际机场货站", "airport",
     22.3080, 113.9185, "HK", "HK",
     "estimate:coords-airport;air-tac-2024;estimate:hk-customs;estimate:dwell;"
     "estimate:pharma-list;estimate:fees-air",
     FOREIGN_AIRPORT, unlocode="HKHKG", customs_district=HK_CUSTOMS, export_clearance_h=0.5,
     import_clearance_h=1, inspection_h=4, dwell_export_h=4, dwell_import_h=6)
node("SZ-QIANHAI-AIRTERM", "Qianhai off-airport cargo terminal (Shenzhen airport remote terminal)",
     "前海异地货站", "air_terminal", 22.5300, 113.9000, "CN", "CN",
     "seed-sz2023;estimate:coords-terminal;estimate:clearance",
     BONDED, customs_district=CN_CUSTOMS["SZ"], add_ops=("ecommerce",), dg_classes=())
for aid, aname, alat, alon, actry, ajur, adist, aloc in [
    ("DEFRA", "Frankfurt Airport (cargo)", 50.0333, 8.5706, "DE", "EU", "German Customs (Zoll)",
     "DEFRA"),
    ("NLAMS", "Amsterdam Schiphol Airport (cargo)", 52.3086, 4.7639, "NL", "EU",
     "Dutch Customs (Douane)", "NLAMS"),
    ("BELGG", "Liège Airport (cargo)", 50.6374, 5.4432, "BE", "EU", "Belgian Customs", "BELGG"),
    # no UN/LOCODE: USLAX's UN/LOCODE position is the San Pedro Bay port area, 29 km away
    ("USLAX-AIR", "Los Angeles International Airport (cargo)", 33.9425, -118.4081, "US", "US",
     "U.S. Customs and Border Protection", None),
    ("US-ORD-AIR", "Chicago O'Hare International Airport (cargo)", 41.9786, -87.9048, "US", "US",
     "U.S. Customs and Border Protection", None),
    ("AEDXB", "Dubai International Airport (cargo)", 25.2528, 55.3644, "AE", "AE",
     "Dubai Customs", "AEDXB"),
]:
    extra = {"import_clearance_h": 24, "dwell_import_h": 12} if ajur == "US" else {}
    node(aid, aname, "", "airport", alat, alon, actry, ajur,
         "estimate:coords-airport;estimate:clearance;estimate:dwell;estimate:pharma-list;"
         "estimate:fees-air", FOREIGN_AIRPORT, unlocode=aloc, customs_district=adist, **extra)

# ---- Bonded zones ------------------------------------------------------------------------------
node("SZ-QIANHAI-BZ", "Qianhai Comprehensive Bonded Zone", "前海综合保税区", "bonded_zone",
     22.5150, 113.8850, "CN", "CN", "seed-sz2023;estimate:coords-terminal;estimate:clearance",
     BONDED, customs_district=CN_CUSTOMS["SZ"], add_ops=("ecommerce",))
node("SZ-FUTIAN-FTZ", "Futian Free Trade Zone", "福田保税区", "bonded_zone", 22.5100, 114.0500,
     "CN", "CN", "estimate:coords-terminal;estimate:clearance", BONDED,
     customs_district=CN_CUSTOMS["SZ"])
node("SZ-YANTIAN-BZ", "Yantian Comprehensive Bonded Zone", "盐田综合保税区", "bonded_zone",
     22.5850, 114.2650, "CN", "CN", "estimate:coords-terminal;estimate:clearance", BONDED,
     customs_district=CN_CUSTOMS["SZ"], add_ops=("ecommerce",))
node("GZ-NANSHA-BZ", "Guangzhou Nansha Comprehensive Bonded Zone", "广州南沙综合保税区",
     "bonded_zone", 22.6500, 113.6600, "CN", "CN",
     "estimate:coords-terminal;estimate:clearance", BONDED, customs_district=CN_CUSTOMS["GZ"],
     add_ops=("ecommerce",))

# ---- The nine mainland GBA cities (shipper/consignee end points; no customs operations) -------
for cid, cname, czh, clat, clon, cloc, csrc in [
    ("CN-SZ-CITY", "Shenzhen (Futian, city centre)", "深圳", 22.5431, 114.0579, None,
     "estimate:coords-city"),
    ("CN-GZ-CITY", "Guangzhou (city centre)", "广州", 23.1291, 113.2644, None,
     "estimate:coords-city"),
    ("CNZUH", "Zhuhai", "珠海", 22.2737, 113.5721, "CNZUH", COORD_OSM),
    ("CNFOS", "Foshan", "佛山", 23.0240, 113.1160, "CNFOS", COORD_OSM),
    ("CNHUI", "Huizhou", "惠州", 23.1125, 114.4127, "CNHUI", COORD_OSM),
    ("CNDGG", "Dongguan", "东莞", 23.0184, 113.7452, "CNDGG", COORD_OSM),
    ("CNZSN", "Zhongshan", "中山", 22.5197, 113.3872, "CNZSN", COORD_OSM),
    ("CNJMN", "Jiangmen", "江门", 22.5817, 113.0761, "CNJMN", COORD_OSM),
    ("CNZQG", "Zhaoqing", "肇庆", 23.0502, 112.4604, "CNZQG", COORD_OSM),
]:
    node(cid, cname, czh, "city", clat, clon, "CN", "CN", csrc, CITY, unlocode=cloc)

# ---- Foreign seaports --------------------------------------------------------------------------
for pid, pname, plat, plon, pctry, pjur, pdist, psrc, pkw in [
    ("NLRTM", "Port of Rotterdam (Eemhaven/Waalhaven)", 51.9000, 4.4000, "NL", "EU",
     "Dutch Customs (Douane)", f"{COORD_OSM};estimate:coords-port", {}),
    ("DEHAM", "Port of Hamburg (container terminals and rail)", 53.5300, 9.9400, "DE", "EU",
     "German Customs (Zoll)", f"{COORD_OSM};estimate:coords-port", {}),
    ("BEANR", "Port of Antwerp-Bruges (Antwerp)", 51.2700, 4.3300, "BE", "EU",
     "Belgian Customs", "estimate:coords-port", {}),
    ("GBFXT", "Port of Felixstowe", 51.9550, 1.3100, "GB", "GB", "HM Revenue & Customs",
     "estimate:coords-port", {}),
    ("USLAX", "San Pedro Bay Ports (Los Angeles / Long Beach)", 33.7400, -118.2600, "US", "US",
     "U.S. Customs and Border Protection", "estimate:coords-port",
     {"import_clearance_h": 24, "dwell_import_h": 72}),
    ("SGSIN", "Port of Singapore (Pasir Panjang)", 1.2650, 103.8200, "SG", "SG",
     "Singapore Customs", "estimate:coords-port", {"import_clearance_h": 2, "dwell_import_h": 24}),
    ("AEJEA", "Jebel Ali Port", 25.0100, 55.0600, "AE", "AE", "Dubai Customs",
     "estimate:coords-port", {"import_clearance_h": 12}),
]:
    node(pid, pname, "", "seaport", plat, plon, pctry, pjur,
         f"{psrc};estimate:clearance;estimate:dwell;estimate:pharma-list;estimate:fees-foreign",
         FOREIGN_SEAPORT, unlocode=pid, customs_district=pdist, **pkw)

# ---- Foreign rail terminals and inland destinations -------------------------------------------
for rid, rname, rzh, rlat, rlon, rctry, rjur, rdist, rloc, rsrc in [
    ("DEDUI", "Duisburg duisport rail terminals (logport)", "杜伊斯堡", 51.4350, 6.7596, "DE", "EU",
     "German Customs (Zoll)", "DEDUI", COORD_OSM),
    ("PLWAW", "Warsaw rail container terminal", "华沙", 52.2300, 21.0100, "PL", "EU",
     "Polish Customs", "PLWAW", "estimate:coords-city"),
    ("HUBUD", "Budapest BILK intermodal terminal", "布达佩斯", 47.4000, 19.1000, "HU", "EU",
     "Hungarian Customs (NAV)", "HUBUD", "estimate:coords-city"),
    ("BYMSQ", "Minsk rail terminal (Kolyadichi)", "明斯克", 53.8600, 27.5800, "BY", "EAEU",
     "Belarus State Customs Committee", "BYMSQ", "estimate:coords-city"),
    ("RUMOW", "Moscow rail container terminals", "莫斯科", 55.7500, 37.6200, "RU", "EAEU",
     "Federal Customs Service of Russia", "RUMOW", "estimate:coords-city"),
    ("KZALA", "Almaty rail and road freight terminal", "阿拉木图", 43.2400, 76.9500, "KZ", "EAEU",
     "Kazakhstan State Revenue Committee", "KZALA", "estimate:coords-city"),
    ("UZTAS", "Tashkent rail and road freight terminal", "塔什干", 41.3000, 69.2400, "UZ", "UZ",
     "Uzbekistan Customs Committee", "UZTAS", "estimate:coords-city"),
]:
    node(rid, rname, rzh, "rail_terminal", rlat, rlon, rctry, rjur,
         f"{rsrc};estimate:clearance;estimate:dwell;estimate:fees-rail", FOREIGN_RAIL,
         unlocode=rloc, customs_district=rdist)
node("DEDUI-BARGE", "Duisburg Ruhrort barge container terminals", "杜伊斯堡内河码头",
     "river_terminal", 51.4500, 6.7300, "DE", "EU", "estimate:coords-port;estimate:clearance;"
     "estimate:fees-river", FOREIGN_RAIL, unlocode="DEDUI", customs_district="German Customs (Zoll)",
     dg_classes=RIVER_DG, handling_h=2)
# a rail ramp with a CBP port of entry (in-bond IPI cargo is cleared here)
node("USCHI", "Chicago intermodal rail ramps", "芝加哥", "inland_depot", 41.8500, -87.6500, "US",
     "US", "estimate:coords-city;estimate:clearance;estimate:dwell", FOREIGN_RAIL,
     unlocode="USCHI", customs_district="U.S. Customs and Border Protection",
     import_clearance_h=24, dwell_import_h=24)

# --------------------------------------------------------------------------------------------
# Links, tariffs, schedules
# --------------------------------------------------------------------------------------------
LINKS: dict[str, dict] = {}
TARIFFS: list[tuple] = []  # (link_id, unit, fixed, per_km, currency, source)
SCHEDULES: list[tuple] = []  # (link_id, weekday, time, source)
GEOMETRY: dict[str, list[tuple[float, float]]] = {}


def add_link(
    lid: str,
    a: str,
    b: str,
    mode: str,
    regime: str,
    transit_h: float,
    classes: tuple[str, ...],
    source: str,
    *,
    operator: str = "",
    service: str = "",
    distance_km: float | None = None,
    schedule: str = "any",
    headway_h: float | None = None,
    offset_h: float | None = None,
    cutoff_h: float = 0.0,
    capacity_teu: float | None = None,
    capacity_kg: float | None = None,
    via: tuple[str, ...] = (),
    weekly: tuple[tuple[str, str], ...] = (),
    tariff: dict[str, tuple[float, float]] | None = None,
    currency: str = "CNY",
    tariff_source: str = "",
    geometry: list[tuple[float, float]] | None = None,
) -> None:
    if lid in LINKS:
        raise ValueError(f"duplicate link {lid}")
    for n in (a, b, *via):
        if n not in NODES:
            raise ValueError(f"{lid}: unknown node {n}")
    LINKS[lid] = dict(
        id=lid, frm=a, to=b, mode=mode, operator=operator, service=service,
        distance_km=distance_km, transit_h=round(transit_h, 1), regime=regime,
        cargo_classes=";".join(sorted(classes)), schedule=schedule, headway_h=headway_h,
        offset_h=offset_h, cutoff_h=cutoff_h, capacity_teu=capacity_teu, capacity_kg=capacity_kg,
        via=";".join(via), source=source,
    )
    for day, time in weekly:
        SCHEDULES.append((lid, day, time, source))
    assert tariff is not None, lid
    for unit, (fixed, per_km) in tariff.items():
        TARIFFS.append((lid, unit, fixed, per_km, currency, tariff_source or source))
    if geometry is not None:
        GEOMETRY[lid] = geometry


def derived_km(a: str, b: str, mode: str, via: tuple[str, ...] = ()) -> float:
    pts = [xy(a), *(xy(v) for v in via), xy(b)]
    return path_km(pts) * DETOUR[mode]


# ---- Truck ------------------------------------------------------------------------------------
# Tariffs: fixed part (pick-up/drop, tolls, waiting) + per-km part. Mainland per-km parts follow
# the 0.49 CNY/t-km road freight rate read in MDPI Systems 14(5):557 (cost-mdpi) times a typical
# payload (about 10 t in a 20', 15 t in a 40'); fixed parts are estimates.
TRUCK_RATES = {
    # region: (currency, {unit: (fixed, per_km)}, speed_kmh short haul, km per day long haul)
    "CN": ("CNY", {"20": (750, 4.9), "40": (900, 7.4), "40HC": (950, 7.4)}, 40, 600),
    "HK": ("HKD", {"20": (800, 22), "40": (950, 26), "40HC": (1000, 26)}, 35, 600),
    "EU": ("EUR", {"20": (220, 1.6), "40": (250, 1.9), "40HC": (260, 1.9)}, 65, 700),
    "GB": ("GBP", {"20": (200, 1.5), "40": (230, 1.8), "40HC": (240, 1.8)}, 60, 650),
    "US": ("USD", {"20": (300, 2.2), "40": (330, 2.5), "40HC": (340, 2.5)}, 60, 800),
    "AE": ("USD", {"20": (120, 1.5), "40": (150, 1.8), "40HC": (160, 1.8)}, 55, 700),
    "EAEU": ("USD", {"20": (250, 1.2), "40": (300, 1.5), "40HC": (320, 1.5)}, 40, 500),
    "UZ": ("USD", {"20": (250, 1.2), "40": (300, 1.5), "40HC": (320, 1.5)}, 40, 500),
}
#: cross-border SZ-HK truck: the crossing itself (permits, cross-border driver, queue) per box
SZHK_CROSS_RATE = {"20": (1200, 0), "40": (1600, 0), "40HC": (1650, 0)}


def truck_hours(km: float, region: str) -> float:
    _, _, speed, per_day = TRUCK_RATES[region]
    if km <= 500:
        return km / speed + 0.5
    return km / per_day * 24.0


def truck(a: str, b: str, regimes: str = "d", *, both: bool = True, region: str | None = None,
          classes: tuple[str, ...] = ALL_CLASSES, hours: float | None = None,
          source: str = "") -> None:
    """Truck links a->b (and b->a): 'd' domestic, 's' supervised, 'ds' both."""
    jur = NODES[a]["jurisdiction"]
    assert jur == NODES[b]["jurisdiction"], (a, b)
    region = region or jur
    cur, rates, _, _ = TRUCK_RATES[region]
    km = derived_km(a, b, "truck")
    h = hours if hours is not None else truck_hours(km, region)
    src = source or "estimate:truck-time;estimate:truck-rate"
    tsrc = "cost-mdpi;estimate:truck-rate" if region == "CN" else "estimate:truck-rate"
    for x, y in ((a, b), (b, a)) if both else ((a, b),):
        for r in regimes:
            regime = {"d": "domestic", "s": "supervised"}[r]
            tag = {"d": "D", "s": "S"}[r]
            add_link(f"TRK-{x}-{y}-{tag}", x, y, "truck", regime, h, classes, src,
                     operator=f"{region} container haulier", tariff=rates, currency=cur,
                     tariff_source=tsrc)


# Domestic trucking between the nine GBA cities and terminals, ports, crossings (free cargo).
GBA_TRUCK = {
    "CN-SZ-CITY": ["CNYTN", "CNSHK", "CNMWN", "CNDCB", "CNNSA", "SZ-PINGHU-RAIL", "CNSZX",
                   "SZ-QIANHAI-BZ", "SZ-FUTIAN-FTZ", "SZ-YANTIAN-BZ", "SZ-QIANHAI-AIRTERM",
                   "CN-SZBAY", "CN-LIANTANG", "CN-WENJINDU", "CN-SHATOUJIAO", "CN-KASHGAR",
                   "CNCAN"],
    "CN-GZ-CITY": ["CNNSA", "CNHUA", "CN-GZ-XINTANG", "CNCAN", "GZ-NANSHA-BZ", "CN-SZBAY",
                   "CNSHK", "CNYTN", "SZ-PINGHU-RAIL", "CNSZX", "CN-KASHGAR"],
    "CNFOS": ["CN-FS-SDXG", "CN-FS-SDBJ", "CN-FS-NHJJ", "CN-FS-SANSHUI", "CNSHK", "CNNSA",
              "CNYTN", "CNCAN", "CN-SZBAY", "SZ-PINGHU-RAIL", "CNSZX", "GZ-NANSHA-BZ"],
    "CNDGG": ["CN-DG-SHATIAN", "CNYTN", "CNSHK", "CNNSA", "CNHUA", "SZ-PINGHU-RAIL", "CNSZX",
              "CNCAN", "CN-LIANTANG", "CN-SZBAY", "CN-WENJINDU"],
    "CNHUI": ["CN-HZ-PORT", "CNYTN", "SZ-PINGHU-RAIL", "CNSZX", "CN-LIANTANG", "CN-SHATOUJIAO",
              "SZ-YANTIAN-BZ"],
    "CNZSN": ["CN-ZS-PORT", "CNNSA", "CNSHK", "CNSZX", "CN-SZBAY", "CN-ZH-GAOLAN", "CNCAN"],
    "CNZUH": ["CN-ZH-DOUMEN", "CN-ZH-GAOLAN", "CNNSA", "CNSHK", "CNCAN"],
    "CNJMN": ["CN-JM-GAOXIN", "CNNSA", "CNSHK", "CN-ZH-GAOLAN", "CNCAN"],
    "CNZQG": ["CN-ZQ-XINGANG", "CNNSA", "CNCAN", "CNSHK"],
}
for city, targets in GBA_TRUCK.items():
    for t in targets:
        land_crossing = NODES[t]["kind"] == "border_crossing"
        truck(city, t, "d", classes=SZHK_CLASSES if land_crossing else ALL_CLASSES)

# Supervised (sealed, under customs control) trucking between customs sites in the mainland.
# Land crossings connect under seal to bonded zones, to Pinghu South (HK cargo onto trains) and
# to the port of their side only ("east in/east out, west in/west out": Shenzhen Bay - Shekou,
# Liantang - Yantian); other in-bond cargo reaches them through a bonded zone.
CN_SUPERVISED_TRUCK = [
    ("SZ-QIANHAI-BZ", "CNSHK"), ("SZ-QIANHAI-BZ", "CNMWN"), ("SZ-QIANHAI-BZ", "CNDCB"),
    ("SZ-QIANHAI-BZ", "CNSZX"), ("SZ-QIANHAI-BZ", "CN-SZBAY"), ("SZ-QIANHAI-BZ", "CNYTN"),
    ("SZ-QIANHAI-AIRTERM", "CNSZX"), ("SZ-QIANHAI-AIRTERM", "SZ-QIANHAI-BZ"),
    ("SZ-FUTIAN-FTZ", "CNSHK"), ("SZ-FUTIAN-FTZ", "CNYTN"), ("SZ-FUTIAN-FTZ", "CN-SZBAY"),
    ("SZ-FUTIAN-FTZ", "CN-WENJINDU"), ("SZ-FUTIAN-FTZ", "CN-LIANTANG"),
    ("SZ-YANTIAN-BZ", "CNYTN"), ("SZ-YANTIAN-BZ", "CN-LIANTANG"),
    ("SZ-YANTIAN-BZ", "CN-SHATOUJIAO"), ("SZ-YANTIAN-BZ", "SZ-PINGHU-RAIL"),
    ("GZ-NANSHA-BZ", "CNNSA"), ("GZ-NANSHA-BZ", "CNCAN"), ("GZ-NANSHA-BZ", "CN-SZBAY"),
    ("CN-SZBAY", "CNSHK"), ("CN-LIANTANG", "CNYTN"),
    ("CN-LIANTANG", "SZ-PINGHU-RAIL"), ("CN-WENJINDU", "SZ-PINGHU-RAIL"),
    ("SZ-PINGHU-RAIL", "CNYTN"), ("SZ-PINGHU-RAIL", "CNSHK"),
    ("CNSHK", "CNYTN"), ("CNSHK", "CNSZX"), ("CNYTN", "CNSZX"), ("CNNSA", "CNCAN"),
    ("CN-KASHGAR", "CN-IRKESHTAM"),
]
for x, y in CN_SUPERVISED_TRUCK:
    land = "border_crossing" in (NODES[x]["kind"], NODES[y]["kind"])
    truck(x, y, "s", classes=SZHK_CLASSES if land else ALL_CLASSES)

# Hong Kong side: from each open control point to Kwai Tsing and to HKIA, free and in bond.
for hk in ("HK-SZBAY", "HK-HYW", "HK-MKT", "HK-STK"):
    for t in ("HKHKG", "HKHKG-AIR"):
        truck(hk, t, "ds", classes=SZHK_CLASSES)
truck("HKHKG", "HKHKG-AIR", "ds")

# The cross-border truck legs: CN side <-> HK side of each open crossing (Huanggang: none).
for cn_side, hk_side in (("CN-SZBAY", "HK-SZBAY"), ("CN-LIANTANG", "HK-HYW"),
                         ("CN-WENJINDU", "HK-MKT"), ("CN-SHATOUJIAO", "HK-STK")):
    for x, y in ((cn_side, hk_side), (hk_side, cn_side)):
        add_link(f"TRK-{x}-{y}-X", x, y, "truck", "international", 0.5, SZHK_CLASSES,
                 "hk-huanggang-closure;hk-liantang-2020;estimate:truck-time",
                 operator="Guangdong-HK cross-border haulier", tariff=SZHK_CROSS_RATE,
                 currency="HKD", tariff_source="estimate:truck-rate")

# Far-west China: Kashgar is reached by long-haul trucking; its road port to Irkeshtam.
truck("CN-KASHGAR", "CN-IRKESHTAM", "d", classes=TIR_CLASSES)

# Plain (non-TIR) road to Tashkent: clearance at every border (tir-iru-2024: ~20 days). The
# queue at the gate is part of the cross-border leg (every non-TIR truck waits in it, wherever
# its export declaration was made); TIR trucks pass with the border node's border_transit_h.
BORDER_QUEUE_H = {"IRK": 36.0, "DOS": 24.0, "KHO": 24.0}  # Irkeshtam, Dostuk, Khorgos
for x, y in (("CN-IRKESHTAM", "KG-IRKESHTAM"), ("KG-IRKESHTAM", "CN-IRKESHTAM"),
             ("KG-DOSTUK", "UZ-DOSTLIK"), ("UZ-DOSTLIK", "KG-DOSTUK")):
    cur, rates, _, _ = TRUCK_RATES["EAEU"]
    drive = 2.0 if "IRK" in x else 1.0
    add_link(f"TRK-{x}-{y}-X", x, y, "truck", "international",
             drive + BORDER_QUEUE_H[x.split("-")[1][:3]], TIR_CLASSES,
             "tir-iru-2024;estimate:truck-time;estimate:border-time",
             operator="Border shuttle haulier",
             tariff={u: (f + 150, 0) for u, (f, _) in rates.items()}, currency=cur,
             tariff_source="estimate:truck-rate")
truck("KG-IRKESHTAM", "KG-DOSTUK", "d", region="EAEU", classes=TIR_CLASSES, hours=10)
truck("UZ-DOSTLIK", "UZTAS", "d", region="UZ", classes=TIR_CLASSES, hours=8)
for x, y in (("CN-KHORGOS-ROAD", "KZ-NURZHOLY"), ("KZ-NURZHOLY", "CN-KHORGOS-ROAD")):
    cur, rates, _, _ = TRUCK_RATES["EAEU"]
    add_link(f"TRK-{x}-{y}-X", x, y, "truck", "international", 1.0 + BORDER_QUEUE_H["KHO"],
             TIR_CLASSES, "estimate:truck-time;estimate:border-time",
             operator="Border shuttle haulier",
             tariff={u: (f + 150, 0) for u, (f, _) in rates.items()}, currency=cur,
             tariff_source="estimate:truck-rate")
truck("KZ-NURZHOLY", "KZALA", "d", region="EAEU", classes=TIR_CLASSES)
truck("CN-KASHGAR", "CN-KHORGOS-ROAD", "d", classes=TIR_CLASSES)

# Europe / US / Gulf inland trucking (free cargo and in bond, e.g. EU T1 transit).
for x, y in (("NLRTM", "DEDUI"), ("DEHAM", "DEDUI"), ("BEANR", "DEDUI"),
             ("DEFRA", "DEDUI"), ("NLAMS", "DEDUI"), ("BELGG", "DEDUI"),
             ("DEDUI", "DEDUI-BARGE"), ("PLWAW", "DEDUI")):
    truck(x, y, "ds", region="EU")
for x, y in (("USLAX", "USLAX-AIR"), ("USCHI", "US-ORD-AIR")):
    truck(x, y, "d", region="US")
truck("AEJEA", "AEDXB", "d", region="AE")
truck("AEJEA", "AEDXB", "s", region="AE", both=False)  # Dubai sea-air: sea arrivals fly out

# ---- TIR (gba-facts §4) -----------------------------------------------------------------------
TIR_RATE = {"20": (5500, 0), "40": (7800, 0), "40HC": (8000, 0)}
TIR_TAS_VIA = ("CN-IRKESHTAM", "KG-IRKESHTAM", "KG-DOSTUK", "UZ-DOSTLIK")
tir_tas_border = sum(NODES[v]["border_transit_h"] for v in TIR_TAS_VIA)
add_link("TIR-SZ-TAS", "SZ-PINGHU-RAIL", "UZTAS", "tir", "international", 7 * 24 - tir_tas_border,
         TIR_CLASSES, "tir-iru-2024;tir-transportjournal", operator="ZZHY (TIR carnet)",
         service="TIR Shenzhen-Tashkent", distance_km=6500, via=TIR_TAS_VIA, tariff=TIR_RATE,
         currency="USD", tariff_source="estimate:tir-rate")
add_link("TIR-TAS-SZ", "UZTAS", "SZ-PINGHU-RAIL", "tir", "international", 7 * 24 - tir_tas_border,
         TIR_CLASSES, "tir-iru-2024;tir-transportjournal", operator="Uzbek TIR carriers",
         service="TIR Tashkent-Shenzhen", distance_km=6500, via=tuple(reversed(TIR_TAS_VIA)),
         tariff={u: (round(f * 0.8), 0) for u, (f, _) in TIR_RATE.items()}, currency="USD",
         tariff_source="estimate:tir-rate")
TIR_ALA_VIA = ("CN-KHORGOS-ROAD", "KZ-NURZHOLY")
ala_km = derived_km("SZ-PINGHU-RAIL", "KZALA", "tir", TIR_ALA_VIA)
ala_h = ala_km / 6500 * (7 * 24 - tir_tas_border)  # same running speed as the Tashkent run
for x, y, via in (("SZ-PINGHU-RAIL", "KZALA", TIR_ALA_VIA),
                  ("KZALA", "SZ-PINGHU-RAIL", tuple(reversed(TIR_ALA_VIA)))):
    add_link(f"TIR-{x}-{y}", x, y, "tir", "international", ala_h, TIR_CLASSES,
             "tir-iru-2024;estimate:tir-time", operator="TIR carriers",
             service="TIR Shenzhen-Almaty", via=via,
             tariff={u: (round(f * 0.85), 0) for u, (f, _) in TIR_RATE.items()}, currency="USD",
             tariff_source="estimate:tir-rate")

# ---- Barges of the GBA Combined Port and the Pearl River ---------------------------------------
BARGE_RATE = {"20": (300, 1.5), "40": (400, 2.0), "40HC": (420, 2.0)}


def barge_hours(km: float, speed: float = 12.0) -> float:
    return km / speed + 1.0


def barge(a: str, b: str, regime: str, *, headway: float = 12, offset: float = 6,
          capacity: float = 150, operator: str = "PRD barge operator", source: str = "",
          hours: float | None = None, distance: float | None = None,
          rate: dict | None = None, currency: str = "CNY", tag: str = "",
          classes: tuple[str, ...] = BARGE_CLASSES) -> None:
    km = distance if distance is not None else derived_km(a, b, "barge")
    h = hours if hours is not None else barge_hours(km)
    t = tag or {"domestic": "D", "supervised": "S", "international": "X"}[regime]
    add_link(f"BRG-{a}-{b}-{t}", a, b, "barge", regime, h, classes,
             source or "estimate:barge-time;estimate:barge-schedule",
             operator=operator, service="Combined Port shuttle" if regime == "supervised" else "",
             distance_km=distance, schedule="headway", headway_h=headway, offset_h=offset,
             cutoff_h=2, capacity_teu=capacity, tariff=rate or BARGE_RATE, currency=currency,
             tariff_source="estimate:barge-rate")


CP_SRC = "cp-shipsh;cp-52cydai;cp-hmo;estimate:barge-time;estimate:barge-schedule"
for fid, _, _, _, _, hub, _, _, hk_trade in FEEDERS:
    # export-cleared cargo under seal to the hub, and in-bond imports back to the feeder
    barge(fid, hub, "supervised", source=CP_SRC, capacity=200)
    barge(hub, fid, "supervised", source=CP_SRC, capacity=200, offset=10)
    if hk_trade:  # Pearl River river-trade barges to Hong Kong (international)
        barge(fid, "HKHKG", "international", headway=24, offset=20, capacity=150,
              operator="PRD-HK river trade barge", rate={"20": (700, 2.5), "40": (1000, 3.5),
                                                         "40HC": (1050, 3.5)})
        barge("HKHKG", fid, "international", headway=24, offset=8, capacity=150,
              operator="PRD-HK river trade barge", rate={"20": (700, 2.5), "40": (1000, 3.5),
                                                         "40HC": (1050, 3.5)})
# domestic (内贸) barges where realistic: free cargo to a hub for clearance there
for a, b in (("CN-FS-SDXG", "CNNSA"), ("CN-ZQ-XINGANG", "CNNSA"), ("CN-FS-SANSHUI", "CNNSA"),
             ("CN-GZ-XINTANG", "CNHUA"), ("CN-FS-NHJJ", "CNNSA"), ("CN-JM-GAOXIN", "CNNSA"),
             ("CN-DG-SHATIAN", "CNNSA"), ("CN-FS-SDBJ", "CNHUA")):
    barge(a, b, "domestic", headway=24, offset=8)
    barge(b, a, "domestic", headway=24, offset=16)
# supervised barges between Guangzhou-district ports (Bay Area One Port) and Zhuhai
for a, b in (("CNHUA", "CNNSA"), ("CN-ZH-GAOLAN", "CNNSA")):
    barge(a, b, "supervised", headway=24, offset=6)
    barge(b, a, "supervised", headway=24, offset=18)
# Rhine barges Rotterdam/Antwerp <-> Duisburg (upstream slower), free or in bond (T1)
for port, up_h, down_h in (("NLRTM", 30, 20), ("BEANR", 40, 30)):
    for regime in ("supervised", "domestic"):
        barge(port, "DEDUI-BARGE", regime, headway=24, offset=18, capacity=200,
              operator="Rhine container barge", hours=up_h,
              rate={"20": (280, 0), "40": (380, 0), "40HC": (400, 0)}, currency="EUR",
              source="estimate:barge-time;estimate:barge-schedule")
        barge("DEDUI-BARGE", port, regime, headway=24, offset=8, capacity=200,
              operator="Rhine container barge", hours=down_h,
              rate={"20": (240, 0), "40": (330, 0), "40HC": (350, 0)}, currency="EUR",
              source="estimate:barge-time;estimate:barge-schedule")

# ---- Feeders Hong Kong <-> Shenzhen ports (international) -------------------------------------
for sz_port, km, h in (("CNYTN", 75.0, 6.0), ("CNSHK", 40.0, 4.0), ("CNMWN", 42.0, 4.0),
                       ("CNNSA", 70.0, 6.0)):
    for x, y, off in ((sz_port, "HKHKG", 4), ("HKHKG", sz_port, 16)):
        add_link(f"FDR-{x}-{y}-X", x, y, "feeder", "international", h, ALL_CLASSES,
                 "estimate:feeder-time;estimate:sea-distance", operator="HK-PRD feeder",
                 distance_km=km, schedule="headway", headway_h=24, offset_h=off, cutoff_h=6,
                 capacity_teu=600, tariff={"20": (150, 0), "40": (230, 0), "40HC": (240, 0)},
                 currency="USD", tariff_source="estimate:feeder-rate")

# ---- Deep-sea services (weekly) ----------------------------------------------------------------
# Sea lanes: waypoints (lon, lat) for maps; distance = waypoint polyline length.
APPROACH = {
    "CNYTN": [(114.35, 22.45), (114.45, 22.2)],
    "CNSHK": [(113.86, 22.35), (113.85, 22.15)],
    "CNMWN": [(113.86, 22.35), (113.85, 22.15)],
    "CNDCB": [(113.84, 22.45), (113.86, 22.35), (113.85, 22.15)],
    "CNNSA": [(113.75, 22.45), (113.85, 22.15)],
    "CNHUA": [(113.6, 22.8), (113.75, 22.45), (113.85, 22.15)],
    "HKHKG": [(114.02, 22.28), (114.0, 22.15)],
    "CN-ZH-GAOLAN": [(113.25, 21.85)],
}
SCS = [(114.0, 21.6), (111.5, 17.5), (109.5, 12.0), (106.0, 5.5), (104.4, 1.3)]  # to Singapore
MALACCA_WEST = [(103.6, 1.2), (101.0, 2.6), (98.5, 5.0), (95.5, 6.0)]
SUEZ = [(80.6, 5.7), (52.0, 12.6), (43.4, 12.6), (38.5, 20.0), (33.4, 28.0), (32.55, 29.9),
        (32.35, 31.3), (25.0, 34.0), (11.5, 37.3), (-5.6, 35.95), (-9.6, 37.0), (-9.8, 43.0),
        (-5.5, 48.6), (1.5, 50.9)]
CAPE = [(104.4, 1.3), (105.6, -6.3), (80.0, -20.0), (40.0, -34.0), (20.0, -35.3),
        (10.0, -25.0), (-5.0, -5.0), (-18.0, 14.7), (-16.0, 28.0), (-9.8, 43.0), (-5.5, 48.6),
        (1.5, 50.9)]
EU_FINAL = {
    "NLRTM": [(3.95, 51.98), (4.2, 51.95)],
    "BEANR": [(3.2, 51.45), (4.0, 51.38)],
    "DEHAM": [(4.0, 52.6), (7.8, 54.0), (8.9, 53.9)],
    "GBFXT": [(1.75, 51.5), (1.45, 51.9)],
}
GULF = [(80.6, 5.7), (60.0, 22.5), (56.5, 26.4), (55.5, 25.6)]


def lane_points(orig: str, dest: str, routing: str) -> list[tuple[float, float]]:
    """Polyline from a GBA port to a destination port for a routing (Suez/Cape/Gulf/SG)."""
    if orig in APPROACH:
        start = [xy(orig), *APPROACH[orig]]
        mid: list[tuple[float, float]]
        if routing == "suez":
            mid = [*SCS, *MALACCA_WEST, *SUEZ, *EU_FINAL[dest]]
        elif routing == "cape":
            mid = [*SCS, *CAPE[1:], *EU_FINAL[dest]]
        elif routing == "gulf":
            mid = [*SCS, *MALACCA_WEST, *GULF]
        elif routing == "sg":
            mid = SCS
        else:
            raise ValueError(routing)
        return [*start, *mid, xy(dest)]
    return list(reversed(lane_points(dest, orig, routing)))


#: port-to-port days by (origin, destination, routing); sources in README (sea-transit-*).
SEA_DAYS = {
    # Asia -> North Europe via Suez (31-35 d) and via the Cape of Good Hope (45-48 d)
    ("CNYTN", "NLRTM", "suez"): 31, ("CNYTN", "BEANR", "suez"): 32,
    ("CNYTN", "DEHAM", "suez"): 33, ("CNYTN", "GBFXT", "suez"): 33,
    ("CNSHK", "NLRTM", "suez"): 32, ("CNSHK", "BEANR", "suez"): 33,
    ("CNSHK", "DEHAM", "suez"): 34, ("CNSHK", "GBFXT", "suez"): 34,
    ("HKHKG", "NLRTM", "suez"): 31, ("HKHKG", "BEANR", "suez"): 32,
    ("HKHKG", "DEHAM", "suez"): 33, ("HKHKG", "GBFXT", "suez"): 33,
    ("CNNSA", "NLRTM", "suez"): 33, ("CNNSA", "BEANR", "suez"): 34,
    ("CNNSA", "DEHAM", "suez"): 35,
    ("CNYTN", "NLRTM", "cape"): 45, ("CNYTN", "DEHAM", "cape"): 47,
    ("CNYTN", "GBFXT", "cape"): 46, ("CNSHK", "NLRTM", "cape"): 46,
    ("CNSHK", "DEHAM", "cape"): 48, ("CNDCB", "NLRTM", "cape"): 46,
    ("CNDCB", "DEHAM", "cape"): 48, ("CNNSA", "NLRTM", "cape"): 47,
    ("CNNSA", "GBFXT", "cape"): 48, ("HKHKG", "NLRTM", "cape"): 45,
    ("HKHKG", "BEANR", "cape"): 46,
    # North Europe -> Asia (backhaul)
    ("NLRTM", "CNYTN", "suez"): 30, ("NLRTM", "CNSHK", "suez"): 31,
    ("DEHAM", "HKHKG", "suez"): 32, ("NLRTM", "HKHKG", "suez"): 30,
    ("BEANR", "CNNSA", "suez"): 32, ("GBFXT", "CNYTN", "suez"): 31,
    # Middle East Gulf
    ("CNYTN", "AEJEA", "gulf"): 15, ("CNSHK", "AEJEA", "gulf"): 16,
    ("CNNSA", "AEJEA", "gulf"): 17, ("HKHKG", "AEJEA", "gulf"): 15,
    ("AEJEA", "CNSHK", "gulf"): 16,
    # Intra-Asia to Singapore
    ("CNHUA", "SGSIN", "sg"): 6, ("CNNSA", "SGSIN", "sg"): 5, ("CNSHK", "SGSIN", "sg"): 4,
    ("CNYTN", "SGSIN", "sg"): 4, ("HKHKG", "SGSIN", "sg"): 3, ("CNMWN", "SGSIN", "sg"): 4,
    ("CN-ZH-GAOLAN", "SGSIN", "sg"): 4,
    ("SGSIN", "CNSHK", "sg"): 4, ("SGSIN", "HKHKG", "sg"): 3, ("SGSIN", "CNNSA", "sg"): 5,
    # Transpacific to the US West Coast (great circle)
    ("CNYTN", "USLAX", "tp"): 15, ("HKHKG", "USLAX", "tp"): 14, ("CNSHK", "USLAX", "tp"): 16,
    ("CNNSA", "USLAX", "tp"): 17, ("USLAX", "HKHKG", "tp"): 17, ("USLAX", "CNYTN", "tp"): 18,
}

#: freight in USD per box (20, 40, 40HC) and per revenue tonne (LCL) by trade; see README.
SEA_RATES = {
    "neu": {"20": 1500, "40": 2600, "40HC": 2650, "wm": 85},
    "neu_back": {"20": 550, "40": 900, "40HC": 920, "wm": 45},
    "gulf": {"20": 1100, "40": 1800, "40HC": 1850, "wm": 60},
    "gulf_back": {"20": 450, "40": 700, "40HC": 720, "wm": 40},
    "sg": {"20": 300, "40": 450, "40HC": 470, "wm": 30},
    "tp": {"20": 1700, "40": 2400, "40HC": 2450, "wm": 80},
    "tp_back": {"20": 600, "40": 850, "40HC": 870, "wm": 45},
}
#: per-operator adjustment of the lane rate (USD per 40'); 20' and wm scale with it
OPERATOR_ADJ = {"Alliance A": 0, "Alliance B": 100, "Carrier C": -100, "Alliance D": -50}
#: Cape of Good Hope routings carry more fuel and days: never cheaper than a Suez loop (estimate)
CAPE_SURCHARGE = 250


def sea_trade(orig: str, dest: str, routing: str) -> str:
    if routing in ("suez", "cape"):
        return "neu" if orig in APPROACH else "neu_back"
    if routing == "gulf":
        return "gulf" if orig in APPROACH else "gulf_back"
    if routing == "tp":
        return "tp" if orig in APPROACH else "tp_back"
    return "sg"


def sea(service: str, operator: str, routing: str, calls_asia: list[tuple[str, str, str]],
        calls_dest: list[str], capacity: float = 2000) -> None:
    """One weekly loop: each origin call (port, weekday, time) to each destination call."""
    for orig, day, time in calls_asia:
        for dest in calls_dest:
            days = SEA_DAYS[(orig, dest, routing)]
            if routing == "tp":
                pts = None
                km = gc_km(xy(orig), xy(dest)) * 1.03
            else:
                pts = lane_points(orig, dest, routing)
                km = path_km(pts)
            trade = sea_trade(orig, dest, routing)
            rates = SEA_RATES[trade]
            adj = OPERATOR_ADJ.get(operator, 0) + (CAPE_SURCHARGE if routing == "cape" else 0)
            tariff = {
                "20": (rates["20"] + round(adj * 0.6), 0),
                "40": (rates["40"] + adj, 0),
                "40HC": (rates["40HC"] + adj, 0),
                "wm": (rates["wm"], 0),
            }
            add_link(f"SEA-{orig}-{dest}-{service}", orig, dest, "deepsea", "international",
                     days * 24, ALL_CLASSES,
                     "sea-transit-geese;sea-transit-newsflash;estimate:sea-schedule;"
                     "estimate:sea-distance" if routing in ("suez", "cape")
                     else "estimate:sea-transit;estimate:sea-schedule;estimate:sea-distance",
                     operator=operator, service=service, distance_km=round(km),
                     schedule="weekly", cutoff_h=24 if orig == "HKHKG" else 12,
                     capacity_teu=capacity,
                     weekly=((day, time),), tariff=tariff, currency="USD",
                     tariff_source="sea-wci;estimate:sea-rate" if trade == "neu"
                     else "estimate:sea-rate", geometry=pts)


# Asia -> North Europe via Suez: Shekou departures evenly spread (Mon/Tue/Thu/Sat), Yantian
# Mon/Wed/Fri, Hong Kong Tue/Thu/Sat; plus Cape of Good Hope loops (distinct services).
sea("NE1", "Alliance A", "suez", [("CNSHK", "Mon", "02:00"), ("CNYTN", "Mon", "20:00")],
    ["NLRTM", "DEHAM", "BEANR"])
sea("NE2", "Alliance B", "suez", [("HKHKG", "Tue", "10:00"), ("CNYTN", "Wed", "08:00")],
    ["NLRTM", "DEHAM", "GBFXT"])
sea("NE3", "Carrier C", "suez", [("CNSHK", "Tue", "20:00"), ("HKHKG", "Thu", "04:00"),
                                 ("CNYTN", "Fri", "06:00")], ["NLRTM", "BEANR", "GBFXT"])
sea("NE4", "Alliance D", "suez", [("CNNSA", "Wed", "18:00"), ("CNSHK", "Thu", "14:00"),
                                  ("HKHKG", "Sat", "00:00")], ["NLRTM", "DEHAM", "BEANR"])
sea("NE5", "Alliance A", "suez", [("CNSHK", "Sat", "08:00"), ("CNNSA", "Sun", "06:00")],
    ["NLRTM", "DEHAM"])
sea("NC1", "Alliance B", "cape", [("CNYTN", "Sun", "12:00"), ("HKHKG", "Mon", "06:00")],
    ["NLRTM"])
sea("NC2", "Carrier C", "cape", [("CNDCB", "Tue", "06:00"), ("CNSHK", "Wed", "04:00")],
    ["NLRTM", "DEHAM"])
sea("NC3", "Alliance D", "cape", [("CNNSA", "Fri", "10:00"), ("CNYTN", "Sat", "16:00")],
    ["NLRTM", "GBFXT"])
sea("NC4", "Alliance A", "cape", [("HKHKG", "Wed", "12:00")], ["BEANR"])
# North Europe -> Asia backhaul
sea("NE1E", "Alliance A", "suez", [("NLRTM", "Thu", "12:00")], ["CNYTN"])
sea("NE3E", "Carrier C", "suez", [("NLRTM", "Sat", "06:00")], ["CNSHK"])
sea("NE2E", "Alliance B", "suez", [("DEHAM", "Tue", "18:00")], ["HKHKG"])
sea("NE6E", "Alliance B", "suez", [("GBFXT", "Fri", "08:00")], ["CNYTN"])
sea("NE4E", "Alliance D", "suez", [("BEANR", "Tue", "22:00")], ["CNNSA"])
sea("NE5E", "Alliance A", "suez", [("NLRTM", "Mon", "16:00")], ["HKHKG"])
# Middle East Gulf
sea("ME1", "Alliance A", "gulf", [("CNSHK", "Mon", "12:00"), ("CNYTN", "Tue", "10:00")],
    ["AEJEA"], capacity=1500)
sea("ME2", "Carrier C", "gulf", [("CNNSA", "Wed", "12:00"), ("HKHKG", "Thu", "16:00")],
    ["AEJEA"], capacity=1500)
sea("ME1E", "Alliance A", "gulf", [("AEJEA", "Wed", "20:00")], ["CNSHK"], capacity=1500)
# Intra-Asia to Singapore
sea("SEA1", "Carrier C", "sg", [("CNHUA", "Sun", "08:00"), ("CNNSA", "Mon", "06:00"),
                                ("CNSHK", "Tue", "18:00")], ["SGSIN"], capacity=800)
sea("SEA2", "Alliance B", "sg", [("CNYTN", "Thu", "10:00"), ("HKHKG", "Fri", "08:00")],
    ["SGSIN"], capacity=800)
sea("SEA3", "Alliance D", "sg", [("CNMWN", "Sat", "12:00"), ("CN-ZH-GAOLAN", "Sun", "14:00")],
    ["SGSIN"], capacity=800)
sea("SEA4", "Alliance A", "sg", [("CNSHK", "Thu", "12:00")], ["SGSIN"], capacity=800)
sea("SEA5", "Alliance B", "sg", [("CNSHK", "Sat", "06:00")], ["SGSIN"], capacity=800)
sea("SEA6", "Alliance D", "sg", [("CNSHK", "Mon", "00:00")], ["SGSIN"], capacity=800)
sea("SEA1N", "Carrier C", "sg", [("SGSIN", "Sat", "10:00")], ["CNNSA", "CNSHK"], capacity=800)
sea("SEA2N", "Alliance B", "sg", [("SGSIN", "Mon", "10:00")], ["HKHKG"], capacity=800)
# Transpacific to the US West Coast
sea("TP1", "Alliance A", "tp", [("CNYTN", "Tue", "16:00"), ("HKHKG", "Wed", "14:00")],
    ["USLAX"], capacity=2500)
sea("TP2", "Alliance B", "tp", [("CNSHK", "Thu", "12:00"), ("CNYTN", "Fri", "12:00")],
    ["USLAX"], capacity=2500)
sea("TP4", "Carrier C", "tp", [("CNSHK", "Mon", "00:00")], ["USLAX"], capacity=2500)
sea("TP5", "Alliance A", "tp", [("CNSHK", "Tue", "18:00")], ["USLAX"], capacity=2500)
sea("TP6", "Alliance D", "tp", [("CNSHK", "Sat", "06:00")], ["USLAX"], capacity=2500)
sea("TP3", "Alliance D", "tp", [("HKHKG", "Sat", "06:00"), ("CNNSA", "Sun", "04:00")],
    ["USLAX"], capacity=2500)
sea("TP1W", "Alliance A", "tp", [("USLAX", "Fri", "18:00")], ["HKHKG"], capacity=2500)
sea("TP2W", "Alliance B", "tp", [("USLAX", "Sat", "20:00")], ["CNYTN"], capacity=2500)

# ---- Rail: China-Europe Railway Express / Bay Area Express (gba-facts §3) --------------------
#: running speed calibrated on Pinghu South -> Duisburg: 13,438 km (rail-eyesz) in 16 days door
#: to door of which ~1.5 d are border stops (Alashankou 12 h, Malaszewicze 24 h) -> 324 h running.
RAIL_KMH = 13438 / 324
RAIL_RATES = {  # USD per box (20, 40, 40HC); see README "rates" (ERA index + legs)
    "DEDUI": (3300, 5000, 5000), "DEHAM": (3350, 5100, 5100), "PLWAW": (3000, 4600, 4600),
    "HUBUD": (3400, 5200, 5200), "BYMSQ": (2800, 4300, 4300), "RUMOW": (2750, 4200, 4200),
    "KZALA": (2000, 3000, 3000), "UZTAS": (2250, 3400, 3400),
}
RAIL_BACK = 0.7  # westbound-eastbound imbalance: return trains cheaper (estimate)


def rail_train(service: str, a: str, b: str, via: tuple[str, ...], weekly, *,
               distance: float | None = None, transit_h: float | None = None,
               capacity: float = 100, source: str = "", operator: str = "") -> None:
    km = distance if distance is not None else derived_km(a, b, "rail", via)
    h = transit_h if transit_h is not None else km / RAIL_KMH
    far = b if b in RAIL_RATES else a
    r20, r40, r40hc = RAIL_RATES[far]
    k = 1.0 if b in RAIL_RATES else RAIL_BACK
    add_link(f"RAIL-{a}-{b}-{service}", a, b, "rail", "international", h, RAIL_CLASSES,
             source or "rail-eyesz;rail-index1520;estimate:rail-time;estimate:rail-schedule",
             operator=operator or "Shenzhen China-Europe Railway Express (Bay Area Express)",
             service=service, distance_km=distance, schedule="weekly", cutoff_h=6,
             capacity_teu=capacity, via=via, weekly=weekly,
             tariff={"20": (round(r20 * k), 0), "40": (round(r40 * k), 0),
                     "40HC": (round(r40hc * k), 0)},
             currency="USD", tariff_source="rail-era-searates;rail-sz2020-rates;estimate:rail-rate")


PH = "SZ-PINGHU-RAIL"
ALA, KHO, ERE, MZL = "CN-ALASHANKOU", "CN-KHORGOS", "CN-ERENHOT", "CN-MANZHOULI"
MAL, SAR = "PL-MALASZEWICZE", "KZ-SARYAGASH"
rail_train("BAX-DUI", PH, "DEDUI", (ALA, MAL), (("Tue", "10:00"), ("Thu", "10:00"),
                                                 ("Sat", "10:00")),
           distance=13438, transit_h=324,
           source="rail-eyesz;rail-nsrd;rail-index1520;estimate:rail-schedule")
rail_train("BAX-HAM", PH, "DEHAM", (ALA, MAL), (("Sun", "10:00"),))
rail_train("BAX-WAW", PH, "PLWAW", (ALA, MAL), (("Wed", "10:00"),))
rail_train("BAX-BUD", PH, "HUBUD", (KHO, MAL), (("Fri", "10:00"),))
rail_train("BAX-MSQ", PH, "BYMSQ", (ALA,), (("Mon", "10:00"),), distance=9900,
           transit_h=13 * 24 - NODES[ALA]["border_transit_h"],
           source="rail-szhyocean;estimate:rail-schedule", capacity=86)
rail_train("BAX-MOW-M", PH, "RUMOW", (MZL,), (("Wed", "14:00"),), capacity=100)
rail_train("BAX-MOW-E", PH, "RUMOW", (ERE,), (("Sat", "14:00"),), capacity=100)
rail_train("BAX-ALA", PH, "KZALA", (KHO,), (("Mon", "14:00"), ("Thu", "14:00")), capacity=82)
rail_train("BAX-TAS", PH, "UZTAS", (KHO, SAR), (("Tue", "14:00"),), capacity=82)
# return (eastbound) trains
rail_train("BAX-DUI-E", "DEDUI", PH, (MAL, ALA), (("Wed", "16:00"), ("Sun", "16:00")),
           distance=13438, transit_h=324,
           source="rail-eyesz;rail-nsrd;estimate:rail-schedule")
rail_train("BAX-WAW-E", "PLWAW", PH, (MAL, ALA), (("Mon", "16:00"),))
rail_train("BAX-MOW-E1", "RUMOW", PH, (MZL,), (("Fri", "16:00"),))
rail_train("BAX-ALA-E", "KZALA", PH, (KHO,), (("Sat", "16:00"),), capacity=82)
rail_train("BAX-TAS-E", "UZTAS", PH, (SAR, KHO), (("Thu", "16:00"),), capacity=82)

# Sea-rail (海铁通): Pinghu South <-> Yantian shuttle, under seal and for free cargo.
for x, y, off in ((PH, "CNYTN", 6), ("CNYTN", PH, 18)):
    for regime, tag in (("supervised", "S"), ("domestic", "D")):
        add_link(f"RAIL-{x}-{y}-{tag}", x, y, "rail", regime, 3.0, RAIL_CLASSES,
                 "seed-sz2023;estimate:rail-time;estimate:rail-schedule",
                 operator="Pinghu-Yantian sea-rail shuttle", service="SEA-RAIL",
                 schedule="headway", headway_h=12, offset_h=off, cutoff_h=2, capacity_teu=100,
                 tariff={"20": (450, 0), "40": (700, 0), "40HC": (720, 0)}, currency="CNY",
                 tariff_source="estimate:rail-rate")
# Port-hinterland rail shuttles in Europe and the US (free cargo and in bond).
for x, y, h, cur, rate, oper in (
    ("NLRTM", "DEDUI", 8.0, "EUR", (230, 330, 340), "Rotterdam-Duisburg rail shuttle"),
    ("DEHAM", "DEDUI", 10.0, "EUR", (280, 400, 410), "Hamburg-Duisburg rail shuttle"),
    ("BEANR", "DEDUI", 10.0, "EUR", (260, 370, 380), "Antwerp-Duisburg rail shuttle"),
    ("USLAX", "USCHI", 96.0, "USD", (1200, 1600, 1650), "US intermodal (IPI) rail"),
):
    for p, q, off in ((x, y, 20), (y, x, 8)):
        for regime, tag in (("supervised", "S"), ("domestic", "D")):
            add_link(f"RAIL-{p}-{q}-{tag}", p, q, "rail", regime, h, RAIL_CLASSES,
                     "estimate:rail-time;estimate:rail-schedule", operator=oper,
                     schedule="headway", headway_h=24, offset_h=off, cutoff_h=4,
                     capacity_teu=90, tariff={"20": (rate[0], 0), "40": (rate[1], 0),
                                              "40HC": (rate[2], 0)},
                     currency=cur, tariff_source="estimate:rail-rate")

# ---- Air (weekly freighter rotations; capacity per departure in kg) ---------------------------
DAILY = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def air(a: str, b: str, days: tuple[str, ...], time: str, hours: float, usd_per_kg: float,
        capacity_kg: float = 100000, operator: str = "Freighter operator") -> None:
    add_link(f"AIR-{a}-{b}", a, b, "air", "international", hours, AIR_CLASSES,
             "air-sz123;estimate:air-time;estimate:air-schedule", operator=operator,
             schedule="weekly", cutoff_h=3, capacity_kg=capacity_kg,
             weekly=tuple((d, time) for d in days), tariff={"kg": (usd_per_kg, 0)},
             currency="USD", tariff_source="air-tac-2019;air-tac-2020;air-tac-2024;"
             "estimate:air-rate")


air("CNSZX", "DEFRA", ("Mon", "Wed", "Fri", "Sun"), "02:00", 13.5, 4.0)
air("CNSZX", "NLAMS", ("Tue", "Thu", "Sat"), "02:00", 13.5, 4.0)
air("CNSZX", "BELGG", ("Mon", "Thu"), "23:00", 14.0, 3.9)
air("CNSZX", "USLAX-AIR", ("Tue", "Thu", "Sat", "Sun"), "21:00", 13.0, 4.6)
air("CNSZX", "US-ORD-AIR", ("Mon", "Wed", "Fri"), "21:00", 16.5, 4.7)
air("CNSZX", "AEDXB", DAILY, "01:00", 8.5, 2.6)
air("HKHKG-AIR", "DEFRA", DAILY, "01:30", 13.5, 3.9)
air("HKHKG-AIR", "NLAMS", DAILY, "02:30", 13.5, 3.9)
air("HKHKG-AIR", "BELGG", ("Tue", "Thu", "Sat"), "23:30", 14.0, 3.8)
air("HKHKG-AIR", "USLAX-AIR", DAILY, "22:00", 13.0, 4.5)
air("HKHKG-AIR", "US-ORD-AIR", DAILY, "22:30", 16.5, 4.6)
air("HKHKG-AIR", "AEDXB", DAILY, "02:00", 8.5, 2.5)
air("CNCAN", "DEFRA", ("Tue", "Fri", "Sun"), "02:00", 13.5, 4.1)
air("CNCAN", "NLAMS", ("Mon", "Thu"), "02:00", 13.5, 4.1)
air("CNCAN", "USLAX-AIR", ("Wed", "Sat"), "21:00", 13.0, 4.7)
air("CNCAN", "AEDXB", ("Mon", "Wed", "Fri"), "01:00", 8.5, 2.7)
# return flights (import): backhaul rates are lower
air("DEFRA", "CNSZX", ("Tue", "Thu", "Sat"), "20:00", 11.5, 1.6)
air("DEFRA", "HKHKG-AIR", DAILY, "21:00", 11.5, 1.5)
air("NLAMS", "HKHKG-AIR", DAILY, "20:30", 11.5, 1.5)
air("NLAMS", "CNCAN", ("Wed", "Sat"), "20:00", 11.5, 1.6)
air("USLAX-AIR", "HKHKG-AIR", DAILY, "01:00", 15.5, 1.8)
air("USLAX-AIR", "CNSZX", ("Mon", "Thu"), "01:00", 15.5, 1.9)
air("AEDXB", "HKHKG-AIR", DAILY, "03:00", 8.0, 1.2)

# --------------------------------------------------------------------------------------------
# Node fees (node_fees.csv)
# --------------------------------------------------------------------------------------------
FEES: list[tuple] = []  # (node, fee, unit, amount, currency, source)


def fees(nid: str, currency: str, source: str, **kinds: object) -> None:
    """kinds: fee=(a20, a40, a40hc) for container fees, or fee=amount for single-unit fees."""
    single_units = {"document": "shipment", "declaration": "declaration",
                    "inspection": "inspection"}
    for fee, value in kinds.items():
        if fee == "thc_kg":
            FEES.append((nid, "thc", "kg", value, currency, source))
        elif isinstance(value, tuple):
            for unit, amount in zip(("20", "40", "40HC"), value, strict=True):
                FEES.append((nid, fee, unit, amount, currency, source))
        else:
            FEES.append((nid, fee, single_units[fee], value, currency, source))


SZ_FEE_SRC = "fees-goodhope;fees-importsh;fees-p719;fees-mot-2022;estimate:fees-inspection"
for p in ("CNYTN", "CNSHK", "CNMWN", "CNDCB"):
    fees(p, "CNY", SZ_FEE_SRC, thc=(760, 1150, 1150), port_dues=(20, 30, 30), document=125,
         declaration=250, inspection=800, storage=(200, 200, 200))
for p in ("CNNSA", "CNHUA", "CN-ZH-GAOLAN"):
    fees(p, "CNY", "fees-goodhope;fees-importsh;fees-mot-2022;estimate:fees-prd-proxy",
         thc=(700, 1050, 1050), port_dues=(20, 30, 30), document=125, declaration=250,
         inspection=800, storage=(200, 200, 200))
fees("HKHKG", "HKD", "estimate:fees-hk", thc=(2140, 2840, 2840), document=300, declaration=20,
     inspection=1000, storage=(300, 450, 450))
for fid, *_ in FEEDERS:
    fees(fid, "CNY", "fees-importsh;cp-txyhg;estimate:fees-river", thc=(350, 500, 500),
         document=60, declaration=250, inspection=600, storage=(100, 150, 150))
fees("DEDUI-BARGE", "EUR", "estimate:fees-river", thc=(60, 90, 90), declaration=50,
     inspection=300)
fees("SZ-PINGHU-RAIL", "CNY", "fees-importsh;estimate:fees-rail", thc=(500, 800, 800),
     document=100, declaration=250, inspection=800, storage=(150, 200, 200))
for rid, cur, thc, decl in (
    ("DEDUI", "EUR", (150, 200, 200), 50), ("PLWAW", "EUR", (120, 170, 170), 50),
    ("HUBUD", "EUR", (130, 180, 180), 50), ("BYMSQ", "USD", (120, 180, 180), 60),
    ("RUMOW", "USD", (150, 220, 220), 60), ("KZALA", "USD", (120, 180, 180), 60),
    ("UZTAS", "USD", (120, 180, 180), 60), ("USCHI", "USD", (150, 200, 200), 120),
):
    fees(rid, cur, "estimate:fees-rail", thc=thc, declaration=decl, inspection=300)
for pid, cur, thc, decl, insp, src in (
    ("NLRTM", "EUR", (295, 295, 295), 50, 300, "fees-maersk-de-2025;estimate:fees-foreign"),
    ("DEHAM", "EUR", (295, 295, 295), 50, 300, "fees-maersk-de-2025"),
    ("BEANR", "EUR", (295, 295, 295), 50, 300, "fees-maersk-de-2025;estimate:fees-foreign"),
    ("GBFXT", "GBP", (260, 290, 290), 40, 300, "estimate:fees-foreign"),
    ("USLAX", "USD", (420, 560, 560), 120, 400, "estimate:fees-foreign"),
    ("SGSIN", "USD", (180, 260, 260), 30, 200, "estimate:fees-foreign"),
    ("AEJEA", "USD", (200, 300, 300), 60, 250, "estimate:fees-foreign"),
):
    fees(pid, cur, src, thc=thc, declaration=decl, inspection=insp)
for aid, cur, per_kg, decl in (
    ("CNSZX", "CNY", 1.2, 250), ("CNCAN", "CNY", 1.2, 250), ("HKHKG-AIR", "HKD", 1.9, 20),
    ("DEFRA", "EUR", 0.18, 50), ("NLAMS", "EUR", 0.18, 50), ("BELGG", "EUR", 0.15, 50),
    ("USLAX-AIR", "USD", 0.2, 120), ("US-ORD-AIR", "USD", 0.2, 120), ("AEDXB", "USD", 0.12, 60),
):
    fees(aid, cur, "estimate:fees-air" + (";fees-importsh" if cur == "CNY" else ""),
         thc_kg=per_kg, declaration=decl, inspection=300 if cur != "CNY" else 600)
for nid in ("SZ-QIANHAI-BZ", "SZ-FUTIAN-FTZ", "SZ-YANTIAN-BZ", "GZ-NANSHA-BZ",
            "SZ-QIANHAI-AIRTERM", "CN-KASHGAR", "CN-SZBAY", "CN-LIANTANG", "CN-WENJINDU",
            "CN-SHATOUJIAO", "CN-HUANGGANG", "CN-IRKESHTAM", "CN-KHORGOS-ROAD",
            "CN-ALASHANKOU", "CN-KHORGOS", "CN-ERENHOT", "CN-MANZHOULI"):
    fees(nid, "CNY", "fees-importsh;estimate:fees-inspection", declaration=250, inspection=600)
for nid in ("HK-SZBAY", "HK-HYW", "HK-MKT", "HK-STK", "HK-LMC"):
    fees(nid, "HKD", "estimate:fees-hk", declaration=20, inspection=500)
for nid in ("KG-IRKESHTAM", "KG-DOSTUK", "UZ-DOSTLIK", "KZ-NURZHOLY", "KZ-SARYAGASH",
            "PL-MALASZEWICZE"):
    fees(nid, "EUR" if nid.startswith("PL") else "USD", "estimate:fees-foreign",
         declaration=60 if not nid.startswith("PL") else 50, inspection=250)

# --------------------------------------------------------------------------------------------
# Small tables
# --------------------------------------------------------------------------------------------
MODES = [
    # mode, detour, gCO2e/t-km, reefer surcharge %, transfer kgCO2e/TEU, source
    ("truck", DETOUR["truck"], 90.3, 20, 0.13,
     "ef-etrr-2019;ef-gttp;estimate:detour;estimate:reefer-surcharge"),
    ("tir", DETOUR["tir"], 90.3, 20, 0.13,
     "ef-etrr-2019;ef-gttp;estimate:detour;estimate:reefer-surcharge"),
    ("barge", DETOUR["barge"], 29.2, 20, 21.0,
     "ef-searoutes;ef-gttp;estimate:detour;estimate:reefer-surcharge"),
    ("feeder", DETOUR["feeder"], 20.0, 30, 21.0,
     "estimate:ef-feeder;ef-gttp;estimate:detour;estimate:reefer-surcharge"),
    ("deepsea", DETOUR["deepsea"], 12.7, 60, 21.0,
     "ef-defra-2025;ef-glec-climatiq;ef-gttp;estimate:detour;estimate:reefer-surcharge"),
    ("rail", DETOUR["rail"], 18.0, 40, 3.1,
     "ef-uba-2018;ef-gttp;rail-eyesz;estimate:detour;estimate:reefer-surcharge"),
    ("air", DETOUR["air"], 498.0, 25, 0.0,
     "ef-glec-climatiq;estimate:detour;estimate:reefer-surcharge"),
]

EU27 = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
        "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK")
JURISDICTIONS = [
    ("CN", "Chinese mainland customs territory", ("CN",), "estimate:customs-territories"),
    ("HK", "Hong Kong SAR (separate customs territory, free port)", ("HK",),
     "estimate:customs-territories"),
    ("EU", "European Union customs union", EU27, "estimate:customs-territories"),
    ("EAEU", "Eurasian Economic Union customs union", ("AM", "BY", "KG", "KZ", "RU"),
     "estimate:customs-territories"),
    ("UZ", "Uzbekistan", ("UZ",), "estimate:customs-territories"),
    ("GB", "United Kingdom", ("GB",), "estimate:customs-territories"),
    ("US", "United States", ("US",), "estimate:customs-territories"),
    ("SG", "Singapore", ("SG",), "estimate:customs-territories"),
    ("AE", "United Arab Emirates", ("AE",), "estimate:customs-territories"),
]

CUSTOMS_PROFILES = [
    ("none", 0.03, 1.0, "aeo-gac-2018"),
    ("general", 0.03, 0.9, "aeo-gac-2018;estimate:aeo-time"),
    ("advanced", 0.005, 0.7, "aeo-gac-2018;aeo-gac-2020;estimate:aeo-time"),
]

FX_AS_OF = "2025-11-28"
FX = [
    ("CNY", 1.0),
    ("USD", 7.10),
    ("EUR", 8.25),
    ("HKD", 0.913),
    ("GBP", 9.35),
]


# --------------------------------------------------------------------------------------------
# Writers (deterministic)
# --------------------------------------------------------------------------------------------
def num(x: float | int | None) -> str:
    """Fixed, minimal float formatting: up to 4 decimals, no trailing zeros."""
    if x is None:
        return ""
    if isinstance(x, bool):
        raise TypeError(x)
    text = f"{float(x):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def write_csv(name: str, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    (DATA / name).write_text(buf.getvalue(), encoding="utf-8")


def write_json(name: str, doc: dict) -> None:
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    (DATA / name).write_text(text, encoding="utf-8")


NODE_PROPS = ("id", "name", "name_zh", "kind", "unlocode", "country", "jurisdiction",
              "customs_district", "operations", "reefer", "dg_classes", "handling_h",
              "export_clearance_h", "import_clearance_h", "inspection_h", "border_transit_h",
              "dwell_export_h", "dwell_import_h", "dwell_direct_h", "dwell_combined_h",
              "free_storage_h", "combined_port_hub", "opening_hours", "closed_modes",
              "closed_since", "capacity_teu_per_day", "source")
HOURS_PROPS = {p for p in NODE_PROPS if p.endswith("_h")}


def node_feature(n: dict) -> dict:
    props = {}
    for p in NODE_PROPS:
        v = n[p]
        if p in HOURS_PROPS or p == "capacity_teu_per_day":
            v = None if v is None else float(num(v))
        elif p in ("operations", "dg_classes", "closed_modes"):
            v = sorted(v)
        props[p] = v
    return {
        "type": "Feature",
        "geometry": {"type": "Point",
                     "coordinates": [round(n["lon"], 6), round(n["lat"], 6)]},
        "properties": props,
    }


LINK_COLS = ["id", "from", "to", "mode", "operator", "service", "distance_km", "transit_h",
             "regime", "cargo_classes", "schedule", "headway_h", "offset_h", "cutoff_h",
             "capacity_teu", "capacity_kg", "co2e_g_per_tkm", "via", "source"]


def link_row(lk: dict) -> list[str]:
    return [lk["id"], lk["frm"], lk["to"], lk["mode"], lk["operator"], lk["service"],
            num(lk["distance_km"]), num(lk["transit_h"]), lk["regime"], lk["cargo_classes"],
            lk["schedule"], num(lk["headway_h"]), num(lk["offset_h"]), num(lk["cutoff_h"]),
            num(lk["capacity_teu"]), num(lk["capacity_kg"]), "", lk["via"], lk["source"]]


WEEKDAY_ORDER = {d: i for i, d in enumerate(DAILY)}


def used_source_keys() -> set[str]:
    keys: set[str] = set()
    texts = [n["source"] for n in NODES.values()]
    texts += [lk["source"] for lk in LINKS.values()]
    texts += [t[5] for t in TARIFFS] + [f[5] for f in FEES] + [s[3] for s in SCHEDULES]
    texts += [m[5] for m in MODES] + [j[3] for j in JURISDICTIONS]
    texts += [c[3] for c in CUSTOMS_PROFILES] + ["estimate:fx"]
    for text in texts:
        keys.update(k for k in text.split(";") if k)
    return keys


def check_readme(keys: set[str]) -> list[str]:
    """Source keys used in the data but not explained in README.md (as `key` in a table)."""
    if not README.exists():
        return sorted(keys)
    text = README.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z0-9:\-]+)`", text))
    return sorted(k for k in keys if k not in documented)


def main() -> int:
    features = [node_feature(NODES[k]) for k in sorted(NODES)]
    write_json("nodes.geojson", {"type": "FeatureCollection", "features": features})
    write_csv("links.csv", LINK_COLS, [link_row(LINKS[k]) for k in sorted(LINKS)])
    geo = [
        {"type": "Feature",
         "geometry": {"type": "LineString",
                      "coordinates": [[round(x, 5), round(y, 5)] for x, y in GEOMETRY[k]]},
         "properties": {"id": k}}
        for k in sorted(GEOMETRY)
    ]
    write_json("link_geometry.geojson", {"type": "FeatureCollection", "features": geo})
    write_csv("schedules.csv", ["link_id", "weekday", "time", "source"],
              [list(s) for s in sorted(SCHEDULES, key=lambda s: (s[0], WEEKDAY_ORDER[s[1]],
                                                                s[2]))])
    unit_order = {"20": 0, "40": 1, "40HC": 2, "wm": 3, "kg": 4}
    write_csv("tariffs.csv", ["link_id", "unit", "fixed", "per_km", "currency", "source"],
              [[t[0], t[1], num(t[2]), num(t[3]), t[4], t[5]]
               for t in sorted(TARIFFS, key=lambda t: (t[0], unit_order[t[1]]))])
    fee_order = {"thc": 0, "port_dues": 1, "document": 2, "declaration": 3, "inspection": 4,
                 "storage": 5}
    write_csv("node_fees.csv", ["node_id", "fee", "unit", "amount", "currency", "source"],
              [[f[0], f[1], f[2], num(f[3]), f[4], f[5]]
               for f in sorted(FEES, key=lambda f: (f[0], fee_order[f[1]],
                                                    unit_order.get(f[2], 9), f[2]))])
    write_csv("modes.csv", ["mode", "detour_factor", "co2e_g_per_tkm", "reefer_surcharge_pct",
                            "transfer_co2e_kg_per_teu", "source"],
              [[m[0], num(m[1]), num(m[2]), num(m[3]), num(m[4]), m[5]] for m in MODES])
    write_csv("jurisdictions.csv", ["code", "name", "countries", "source"],
              [[j[0], j[1], ";".join(j[2]), j[3]] for j in JURISDICTIONS])
    write_csv("customs_profiles.csv",
              ["aeo_level", "inspection_probability", "clearance_time_factor", "source"],
              [[c[0], num(c[1]), num(c[2]), c[3]] for c in CUSTOMS_PROFILES])
    write_csv("fx.csv", ["currency", "cny_per_unit", "as_of", "source"],
              [[c, num(v), FX_AS_OF, "estimate:fx"]
               for c, v in FX])
    missing = check_readme(used_source_keys())
    print(f"{len(NODES)} nodes, {len(LINKS)} links, {len(SCHEDULES)} departures, "
          f"{len(TARIFFS)} tariff lines, {len(FEES)} fees, {len(GEOMETRY)} link geometries")
    if missing:
        print("source keys not explained in data/README.md: " + ", ".join(missing),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
