// claimledger pages: draw the embedded charts and send reviews to the JSON API.
// Loaded as a file (never inline), so the pages work under a strict Content-Security-Policy.
"use strict";

function drawCharts() {
  if (typeof Plotly === "undefined") return;
  document.querySelectorAll("script.chart-data").forEach(function (node) {
    var spec = JSON.parse(node.textContent);
    var box = document.getElementById(spec.target);
    if (!box) return;
    // No logo, no links to plotly's cloud: the page must not point anywhere else.
    Plotly.newPlot(box, spec.data, spec.layout, {
      displaylogo: false, responsive: true, showLink: false, showSendToCloud: false, showEditInChartStudio: false
    });
    box.on("plotly_click", function (event) {
      var point = event.points && event.points[0];
      if (point && point.customdata) window.location.href = spec.link + point.customdata;
    });
  });
}

function showError(section, message) {
  var box = section.querySelector(".form-error");
  if (!box) return;
  box.textContent = message;  // text, never markup
  box.hidden = false;
}

function reviewBody(form) {
  var body = {action: form.dataset.action};
  var note = form.elements.namedItem("note");
  var reviewer = form.elements.namedItem("reviewer");
  if (note && note.value) body.note = note.value;
  if (reviewer && reviewer.value) body.reviewer = reviewer.value;
  if (body.action === "correct") {
    body.changes = {};
    form.querySelectorAll("[data-field]").forEach(function (input) {
      if (input.value !== input.dataset.original) body.changes[input.name] = input.value;
    });
  }
  return body;
}

function sendReview(event) {
  event.preventDefault();
  var form = event.target;
  var section = form.closest("section") || document;
  var headers = {"Content-Type": "application/json", "Accept": "application/json"};
  var token = document.getElementById("write-token");
  if (token && token.value) headers["Authorization"] = "Bearer " + token.value;
  fetch("/api/claims/" + encodeURIComponent(form.dataset.claim) + "/review", {
    method: "POST", headers: headers, body: JSON.stringify(reviewBody(form)), credentials: "same-origin"
  }).then(function (response) {
    if (response.ok) { window.location.reload(); return null; }
    return response.json().then(function (data) {
      showError(section, "Review not saved (" + response.status + "): " + (data.detail || response.statusText));
    }, function () {
      showError(section, "Review not saved (" + response.status + " " + response.statusText + ")");
    });
  }).catch(function (err) { showError(section, "Review not saved: " + err); });
}

function dropEmptyFilters(event) {
  // Keep the address short: unset filters are left out of the query string.
  event.target.querySelectorAll("input, select").forEach(function (el) {
    if (!el.value) el.disabled = true;
  });
}

document.addEventListener("DOMContentLoaded", function () {
  drawCharts();
  document.querySelectorAll("form.review-form").forEach(function (form) {
    form.addEventListener("submit", sendReview);
  });
  var filters = document.getElementById("filter-form");
  if (filters) filters.addEventListener("submit", dropEmptyFilters);
});
