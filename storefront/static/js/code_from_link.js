// The reset and welcome emails link to their pages with a code after "#": browsers never send a fragment to the
// server, so the code stays out of every access log. Copy it into the form's "code" field, then drop it from the
// address bar and the history.
document.addEventListener("DOMContentLoaded", function () {
  var field = document.getElementById("code");
  var code = window.location.hash.slice(1);
  if (!field || !code) {
    return;
  }
  field.value = decodeURIComponent(code);
  history.replaceState(null, "", window.location.pathname + window.location.search);
});
