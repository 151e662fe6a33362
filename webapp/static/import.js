// The import confirmation: show a progress bar while the server imports, and never submit twice.
(function () {
  var form = document.getElementById("confirm-import");
  if (!form) return;
  form.addEventListener("submit", function (event) {
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.querySelector("button").disabled = true;
    form.querySelector(".progress").hidden = false;
  });
})();
