// Builds the scenario report's vendored assets from the npm packages in package.json, into
// ../router/scenarios/report/assets/ (committed: users and CI need no npm).
//   cd web && npm ci && npm run build
// - leaflet.js, leaflet.css (its images inlined as data: URIs, so the report loads no file)
// - land-50m.geojson: Natural Earth 1:50m land (world-atlas TopoJSON converted with
//   topojson-client), coordinates rounded to 3 decimals (about 100 m)
// - the licence texts of Leaflet and world-atlas
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { feature } from "topojson-client";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "router", "scenarios", "report", "assets");
mkdirSync(out, { recursive: true });

const pkgDir = (name) => dirname(require.resolve(`${name}/package.json`));
const version = (name) => JSON.parse(readFileSync(join(pkgDir(name), "package.json"), "utf8")).version;

// Leaflet: script as is, stylesheet with its images inlined
const leaflet = join(pkgDir("leaflet"), "dist");
writeFileSync(join(out, "leaflet.js"), readFileSync(join(leaflet, "leaflet.js")));
const css = readFileSync(join(leaflet, "leaflet.css"), "utf8").replace(
  /url\((['"]?)images\/([\w.-]+\.png)\1\)/g,
  (_, _q, file) =>
    `url(data:image/png;base64,${readFileSync(join(leaflet, "images", file)).toString("base64")})`,
);
if (/url\((?!data:|#)/.test(css)) throw new Error("leaflet.css still references a file");
writeFileSync(join(out, "leaflet.css"), css);
writeFileSync(join(out, "LICENSE-leaflet.txt"), readFileSync(join(pkgDir("leaflet"), "LICENSE")));

// Natural Earth land, 1:50m, as GeoJSON
const topo = JSON.parse(readFileSync(join(pkgDir("world-atlas"), "land-50m.json"), "utf8"));
const land = feature(topo, topo.objects.land);
const round = (c) => (typeof c[0] === "number" ? [+c[0].toFixed(3), +c[1].toFixed(3)] : c.map(round));
// TopoJSON merges polygons across the antimeridian (Chukotka, Wrangel Island, Fiji,
// Antarctica): a ring then jumps from +180 to -180. Unwrap each ring so consecutive points are
// less than 180 degrees apart (Chukotka continues east past 180), so planar drawing (Leaflet,
// matplotlib) draws no line across the world.
const unwrap = (ring) => {
  let prev = null;
  return ring.map(([lon, lat]) => {
    let x = lon;
    if (prev !== null) {
      while (x - prev > 180) x -= 360;
      while (x - prev < -180) x += 360;
    }
    prev = x;
    return [x, lat];
  });
};
const polygons = (g) => (g.type === "MultiPolygon" ? g.coordinates : [g.coordinates]);
for (const f of land.features) {
  for (const polygon of polygons(f.geometry)) {
    for (let r = 0; r < polygon.length; r++) {
      const ring = unwrap(polygon[r]);
      // a ring that went west of -180 moves a turn east (Eurasia: -17 to 191 degrees)
      const west = Math.min(...ring.map((p) => p[0]));
      polygon[r] = west < -180 ? ring.map(([x, y]) => [x + 360, y]) : ring;
    }
  }
  f.geometry.coordinates = round(f.geometry.coordinates);
}
land.features.forEach((f) => {
  f.properties = { source: "Natural Earth 1:50m land (public domain), via world-atlas " + version("world-atlas") };
});
writeFileSync(join(out, "land-50m.geojson"), JSON.stringify(land));
writeFileSync(
  join(out, "LICENSE-world-atlas.txt"),
  readFileSync(join(pkgDir("world-atlas"), "LICENSE")),
);

writeFileSync(
  join(out, "VERSIONS.json"),
  JSON.stringify(
    { leaflet: version("leaflet"), "world-atlas": version("world-atlas"), "topojson-client": version("topojson-client") },
    null,
    2,
  ) + "\n",
);
console.log(`assets written to ${out}`);
