// Solve job page: poll the job's progress once a second; reload once it has ended.
(function () {
  var box = document.getElementById("job");
  if (!box || box.dataset.done === "true") return;
  function show(id, text) { var el = document.getElementById(id); if (el) el.textContent = text; }
  function tick() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        show("job-status", p.status_text);
        show("job-elapsed", p.elapsed);
        show("job-level", p.level_text);
        show("job-objective", p.objective ? p.objective.join(", ") : "—");
        show("job-bound", p.bound ? p.bound.join(", ") : "—");
        document.getElementById("job-bar").value = p.percent;
        document.getElementById("job-stopping").hidden = !p.stopping;
        if (p.done) { window.location.reload(); } else { setTimeout(tick, 1000); }
      })
      .catch(function () { setTimeout(tick, 2000); });
  }
  setTimeout(tick, 1000);
})();
