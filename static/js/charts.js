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

  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // "2026-11-30" → [2026, 11, 30], without the browser's timezone.
  function parts(iso) {
    return iso.split("-").map(Number);
  }

  // A week's axis label, short enough for a phone: "30 Nov" over "2026".
  function tickLabel(labels) {
    return function (value) {
      const iso = labels[value];
      if (iso === undefined) {
        return "";
      }
      const [year, month, day] = parts(iso);
      return [day + " " + MONTHS[month - 1], String(year)];
    };
  }

  function weekTitle(items) {
    if (!items.length) {
      return "";
    }
    const [year, month, day] = parts(items[0].label);
    return "Week of " + day + " " + MONTHS[month - 1] + " " + year;
  }

  function draw(figure) {
    const spec = SERIES[figure.dataset.chart];
    const source = document.getElementById(figure.dataset.source);
    if (!spec || !source || typeof window.Chart !== "function") {
      return;
    }
    const rows = JSON.parse(source.textContent);
    figure.hidden = false;
    const canvas = figure.querySelector("canvas");
    const labels = rows.map(function (row) { return row.week; });
    // Fewer ticks on a narrow chart (a phone): about one per 80 pixels, 3 to 8 of them.
    const ticks = Math.max(3, Math.min(8, Math.floor(figure.clientWidth / 80)));
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: labels,
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
          x: {
            ticks: {
              maxTicksLimit: ticks,
              maxRotation: 0,
              autoSkipPadding: 12,
              callback: tickLabel(labels),
            },
          },
          y: { beginAtZero: true, suggestedMax: spec.max },
        },
        plugins: {
          legend: { display: spec.datasets.length > 1 },
          tooltip: { callbacks: { title: weekTitle } },
        },
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
