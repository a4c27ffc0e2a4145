// Redress charts: draws each <figure data-chart> from its JSON (json_script) with the vendored
// Apache ECharts. The figure's HTML table stays the source: without JavaScript (or ECharts) it
// is simply shown. With them, the chart is drawn, the table is offered by a toggle, and a click
// on a bar, point or cell opens the drill-down listing the complaints it counts.
(function () {
  "use strict";
  if (!window.echarts) { return; }

  var COLOURS = ["#0b5cad", "#c2410c", "#1c7c3a", "#7c3aed", "#a16207", "#0f766e", "#be123c", "#475569"];
  var SIGNAL = "#b3261e";
  var LIMIT = "#8a2c0d";
  var PLACES = { count: 0, percent: 1, money: 0, hours: 1, working_days: 1, score: 2, per_1000: 3, rate: 3, proportion: 3 };
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function formatter(lang, unit) {
    var places = PLACES.hasOwnProperty(unit) ? PLACES[unit] : 2;
    var nf = new Intl.NumberFormat(lang === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: places });
    return function (value) {
      if (value === null || value === undefined || value === "") { return "—"; }
      if (typeof value !== "number") { return String(value); }
      var text = nf.format(value);
      if (unit === "percent") { return text + " %"; }
      if (unit === "money") { return text + " ₫"; }
      return text;
    };
  }

  function drawn(spec) {
    return spec.columns.filter(function (c) { return ["bar", "line", "scatter", "limit"].indexOf(c.draw) >= 0; });
  }

  // The complaints behind a point: its own column's drill-down, else the row's first one.
  function drillFor(spec, rowIndex, key) {
    var row = spec.rows[rowIndex];
    if (!row) { return null; }
    if (key && row.drill[key]) { return row.drill[key]; }
    for (var k in row.drill) { if (row.drill.hasOwnProperty(k)) { return row.drill[k]; } }
    return null;
  }

  function base(spec) {
    return {
      aria: { enabled: true, decal: { show: true } },
      title: { text: spec.title, show: false },
      color: COLOURS,
      animation: !still,
      textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif" },
    };
  }

  function categoryOption(spec) {
    var columns = drawn(spec);
    var percentAxis = columns.some(function (c) { return c.unit === "percent"; }) &&
      columns.some(function (c) { return c.unit !== "percent"; });
    var mainUnit = (columns.filter(function (c) { return !percentAxis || c.unit !== "percent"; })[0] || {}).unit || "count";
    var control = spec.chart === "control";
    var series = columns.map(function (c) {
      var onPercent = percentAxis && c.unit === "percent";
      var s = {
        id: c.key,
        name: c.label,
        type: c.draw === "bar" ? "bar" : (c.draw === "scatter" ? "scatter" : "line"),
        yAxisIndex: onPercent ? 1 : 0,
        cursor: "pointer",
        tooltip: { valueFormatter: formatter(spec.lang, c.unit) },
        data: spec.rows.map(function (r) {
          var v = r.values[c.key];
          return v === undefined ? null : v;
        }),
      };
      if (spec.chart === "stacked" && c.draw === "bar") { s.stack = "all"; }
      if (c.draw === "limit") {
        s.symbol = "none";
        s.lineStyle = { type: "dashed", width: 1.5, color: LIMIT };
        s.itemStyle = { color: LIMIT };
        s.step = "middle";
      }
      if (control && c.key === "centre") {
        s.symbol = "none";
        s.lineStyle = { width: 1, color: "#475569" };
        s.itemStyle = { color: "#475569" };
        s.step = "middle";
      }
      if (control && c.key === "value") {
        s.symbolSize = 6;
        s.z = 5;
      }
      if (spec.chart === "pareto" && c.draw === "line") { s.symbolSize = 6; }
      return s;
    });
    if (control && spec.rows.some(function (r) { return r.values.signal; })) {
      // The weeks where a rule fires, marked on the value line (and named in the legend).
      var value = columns.filter(function (c) { return c.key === "value"; })[0] || {};
      series.push({
        id: "signal",
        name: spec.text.signal,
        type: "scatter",
        symbol: "triangle",
        symbolSize: 14,
        z: 10,
        cursor: "pointer",
        itemStyle: { color: SIGNAL },
        tooltip: { valueFormatter: formatter(spec.lang, value.unit) },
        data: spec.rows.map(function (r) { return r.values.signal ? r.values.value : null; }),
      });
    }
    var yAxis = [{ type: "value", axisLabel: { formatter: formatter(spec.lang, mainUnit) }, scale: control }];
    if (percentAxis) {
      yAxis.push({ type: "value", min: 0, max: 100, splitLine: { show: false }, axisLabel: { formatter: formatter(spec.lang, "percent") } });
    }
    return Object.assign(base(spec), {
      tooltip: { trigger: "axis", confine: true },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.labels, axisLabel: { hideOverlap: true, overflow: "truncate", width: 110 } },
      yAxis: yAxis,
      series: series,
    });
  }

  function heatmapOption(spec) {
    var data = [];
    var top = 0;
    spec.rows.forEach(function (r, y) {
      spec.columns.forEach(function (c, x) {
        var v = r.values[c.key] || 0;
        top = Math.max(top, v);
        data.push([x, y, v]);
      });
    });
    var fmt = formatter(spec.lang, "count");
    return Object.assign(base(spec), {
      tooltip: { position: "top", confine: true, valueFormatter: fmt },
      grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
      xAxis: { type: "category", data: spec.columns.map(function (c) { return c.label; }), axisLabel: { hideOverlap: true, overflow: "truncate", width: 100 } },
      yAxis: { type: "category", data: spec.labels, axisLabel: { overflow: "truncate", width: 140 } },
      visualMap: { min: 0, max: Math.max(top, 1), calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120, inRange: { color: ["#f0f4f8", "#0b5cad"] } },
      series: [{ type: "heatmap", name: spec.title, data: data, cursor: "pointer", label: { show: true, formatter: function (p) { return p.value[2] ? fmt(p.value[2]) : ""; } } }],
    });
  }

  function draw(figure) {
    var holder = document.getElementById(figure.getAttribute("data-chart"));
    var box = figure.querySelector(".chart-canvas");
    var table = figure.querySelector(".chart-table");
    var toggle = figure.querySelector("[data-chart-toggle]");
    if (!holder || !box) { return; }
    var spec = JSON.parse(holder.textContent);
    if (!spec.rows.length || (spec.chart !== "heatmap" && !drawn(spec).length)) { return; }
    var heat = spec.chart === "heatmap";
    box.hidden = false;
    box.style.height = (heat ? Math.max(220, 60 + 30 * spec.rows.length) : 320) + "px";
    var chart = window.echarts.init(box, null, { renderer: "svg", locale: spec.lang === "vi" ? "VI" : "EN" });
    chart.setOption(heat ? heatmapOption(spec) : categoryOption(spec));
    chart.on("click", function (p) {
      var url = heat ? drillFor(spec, p.value[1], spec.columns[p.value[0]].key) : drillFor(spec, p.dataIndex, p.seriesId);
      if (url) { window.location.assign(url); }
    });
    if (window.ResizeObserver) {
      new ResizeObserver(function () { chart.resize(); }).observe(box);
    } else {
      window.addEventListener("resize", function () { chart.resize(); });
    }
    if (table && toggle) {
      table.hidden = true;
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var showTable = table.hidden;
        table.hidden = !showTable;
        box.hidden = showTable;
        toggle.setAttribute("aria-expanded", showTable ? "true" : "false");
        toggle.textContent = toggle.getAttribute(showTable ? "data-label-chart" : "data-label-table");
        if (!showTable) { chart.resize(); }
      });
    }
    figure.setAttribute("data-drawn", "true");
  }

  document.querySelectorAll("figure[data-chart]").forEach(function (figure) {
    try { draw(figure); } catch (error) {
      // The table stays visible: the figures are never lost to a drawing problem.
      var box = figure.querySelector(".chart-canvas");
      if (box) { box.hidden = true; }
      if (window.console) { window.console.error(error); }
    }
  });
})();
