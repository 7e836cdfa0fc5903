// Draws an offline map (Natural Earth via world-atlas) with a pin, for elements with data-lat/lon.
// No tile server: the country shapes ship with the site. Without JavaScript the coordinates
// stay readable as text next to the map.
(function () {
  async function drawPin(element) {
    const lat = parseFloat(element.dataset.lat);
    const lon = parseFloat(element.dataset.lon);
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || !window.d3 || !window.topojson) return;
    const response = await fetch(element.dataset.atlas);
    if (!response.ok) return;
    const world = await response.json();
    const countries = topojson.feature(world, world.objects.countries);
    const width = element.clientWidth || 320;
    const height = element.clientHeight || 240;
    // Frame the pin with its surroundings: about 2,000 km around it.
    const frame = d3.geoCircle().center([lon, lat]).radius(12)();
    const projection = d3.geoMercator().fitExtent([[8, 8], [width - 8, height - 8]], frame);
    const path = d3.geoPath(projection);
    const svg = d3.select(element).append("svg")
      .attr("viewBox", `0 0 ${width} ${height}`)
      .attr("aria-hidden", "true")
      .attr("focusable", "false");
    svg.append("path").attr("class", "map-graticule").attr("d", path(d3.geoGraticule10()));
    const homeId = element.dataset.country;
    svg.append("g").selectAll("path").data(countries.features).join("path")
      .attr("class", (d) => (d.id === homeId ? "map-country map-country-home" : "map-country"))
      .attr("d", path);
    const [x, y] = projection([lon, lat]);
    svg.append("circle").attr("class", "map-pin").attr("cx", x).attr("cy", y).attr("r", 6);
    element.dataset.drawn = "true";
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const element of document.querySelectorAll(".map[data-lat]")) drawPin(element);
  });
})();
