/*
 * Draws the dashboard's charts with Chart.js (static/vendor/chart.umd.min.js) from
 * the JSON the page embeds with json_script: no inline script, as the Content
 * Security Policy requires. Each chart's figures are also in a table on the page,
 * so without JavaScript (or with a screen reader: the canvas is aria-hidden)
 * nothing is lost; the figures stay hidden until they can be drawn.
 */
(function () {
  "use strict";

  const SERIES = {
    compliance: {
      type: "line",
      max: 100,
      datasets: [{ key: "compliance", label: "SLA compliance %", color: "#1d4ed8" }],
    },
    delivery: {
      type: "bar",
      datasets: [
        { key: "delivered", label: "Submissions", color: "#0f766e" },
        { key: "target", label: "Target", color: "#b45309", type: "line" },
      ],
    },
    feedback: {
      type: "line",
      datasets: [
        { key: "feedback", label: "Median business hours to first feedback", color: "#7c3aed" },
      ],
    },
  };

  function draw(figure) {
    const spec = SERIES[figure.dataset.chart];
    const source = document.getElementById(figure.dataset.source);
    if (!spec || !source || typeof window.Chart !== "function") {
      return;
    }
    const rows = JSON.parse(source.textContent);
    figure.hidden = false;
    const canvas = figure.querySelector("canvas");
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: rows.map(function (row) { return row.week; }),
        datasets: spec.datasets.map(function (set) {
          return {
            type: set.type || spec.type,
            label: set.label,
            data: rows.map(function (row) { return row[set.key]; }),
            borderColor: set.color,
            backgroundColor: set.color,
            spanGaps: true,
            pointRadius: 2,
            borderWidth: 2,
          };
        }),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { ticks: { maxTicksLimit: 6, maxRotation: 0 } },
          y: { beginAtZero: true, suggestedMax: spec.max },
        },
        plugins: { legend: { display: spec.datasets.length > 1 } },
      },
    });
  }

  function start() {
    document.querySelectorAll("figure[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
