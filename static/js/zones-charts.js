// Zones charts (ECharts). Pages declare <div class="chart" data-chart="kpi|funnel" data-source="ID">
// and a JSON block made with json_script. No inline scripts (CSP).
(function () {
  "use strict";
  function kpiOption(data) {
    var series = [
      { name: "当月", type: "bar", data: data.months },
      { name: "上年同月", type: "bar", data: data.previous, itemStyle: { opacity: 0.45 } },
      { name: "累计", type: "line", data: data.cumulative, connectNulls: true }
    ];
    if (data.target !== null) {
      series.push({ name: "年度目标", type: "line", data: data.labels.map(function () { return data.target; }),
        symbol: "none", lineStyle: { type: "dashed" } });
    }
    return {
      title: { text: data.title, left: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { top: 0, right: 0 },
      grid: { left: 60, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", name: data.unit },
      series: series
    };
  }
  function funnelOption(data) {
    return {
      tooltip: { trigger: "item" },
      series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", label: { formatter: "{b}：{c}" },
        data: data.labels.map(function (l, i) { return { name: l, value: data.values[i] }; }) }]
    };
  }
  function draw(el) {
    if (!window.echarts) { return; }
    var source = document.getElementById(el.dataset.source);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(el.dataset.chart === "funnel" ? funnelOption(data) : kpiOption(data));
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
