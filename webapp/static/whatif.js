// What-if form: choosing the withdrawing examiner reloads the form with only their sessions.
(function () {
  var examiner = document.getElementById("withdrawing");
  if (!examiner) return;
  examiner.addEventListener("change", function () {
    if (!examiner.value) return;
    var url = new URL(window.location.href);
    url.search = "";
    url.searchParams.set("examiner", examiner.value);
    url.searchParams.set("pick", "1");
    window.location.assign(url.toString());
  });
})();
