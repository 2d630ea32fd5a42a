// Trade charts (ECharts). Pages declare a chart with
//   <div class="chart" data-chart="trend" data-source="ID"> and a JSON block <script type="application/json" id="ID">
// (json_script). No inline scripts (CSP). Clicking a point opens the records it sums.
(function () {
  "use strict";
  function trendOption(data) {
    return {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v.toLocaleString("zh-CN", { maximumFractionDigits: 1 }) + " " + data.unit; } },
      legend: { top: 0 },
      grid: { left: 60, right: 20, top: 36, bottom: 30 },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", name: data.unit },
      series: data.series.map(function (s) {
        return { name: s.name, type: "line", smooth: true, showSymbol: true, symbolSize: 6, data: s.values };
      })
    };
  }
  function barsOption(data) {
    return {
      animation: false,
      tooltip: { trigger: "item", valueFormatter: function (v) { return v.toLocaleString("zh-CN", { maximumFractionDigits: 1 }) + " " + data.unit; } },
      grid: { left: 200, right: 40, top: 10, bottom: 30 },
      xAxis: { type: "value", name: data.unit },
      yAxis: { type: "category", data: data.labels, axisLabel: { width: 180, overflow: "truncate" } },
      series: [{ name: data.name, type: "bar", data: data.values, cursor: "pointer" }]
    };
  }
  function draw(el) {
    if (!window.echarts) { return; }
    var source = document.getElementById(el.dataset.source);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    if (el.dataset.chart === "trend") { chart.setOption(trendOption(data)); }
    if (el.dataset.chart === "bars") {
      chart.setOption(barsOption(data));
      chart.on("click", function (params) {
        var link = data.links && data.links[params.dataIndex];
        if (link) { window.location.href = link; }
      });
      window.addEventListener("resize", function () { chart.resize(); });
      return;
    }
    chart.on("click", function (params) {
      var series = data.series[params.seriesIndex];
      var link = series && series.links && series.links[params.dataIndex];
      if (link) { window.location.href = link; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
