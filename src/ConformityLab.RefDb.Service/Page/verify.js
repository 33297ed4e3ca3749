// Progressive enhancement: the form works without this. With it, the IMEI is checked as it is
// typed (digits and the Luhn check digit), and the answer replaces the page's result in place.
(function () {
  "use strict";
  var form = document.getElementById("check");
  var input = document.getElementById("imei");
  var hint = document.getElementById("imei-hint");
  if (!form || !input || !window.fetch) { return; }
  var original = hint.textContent;
  function luhnOk(digits) {
    var sum = 0;
    for (var i = 0; i < digits.length; i++) {
      var d = digits.charCodeAt(digits.length - 1 - i) - 48;
      if (i % 2 === 1) { d *= 2; if (d > 9) { d -= 9; } }
      sum += d;
    }
    return sum % 10 === 0;
  }
  input.addEventListener("input", function () {
    var v = input.value.replace(/[\s-]/g, "");
    var msg = original;
    if (/\D/.test(v)) { msg = input.dataset.digits; }
    else if (v.length === 15 && !luhnOk(v)) { msg = input.dataset.luhn; }
    hint.textContent = msg;
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var imei = input.value.replace(/[\s-]/g, "");
    var url = form.action + "?imei=" + encodeURIComponent(imei) + "&lang=" + encodeURIComponent(document.documentElement.lang);
    fetch(url + "&fragment=1", { headers: { "Accept": "text/html" } })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        document.getElementById("result").innerHTML = html;
        history.replaceState(null, "", url);
        var heading = document.querySelector("#result h2");
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
      })
      .catch(function () { form.submit(); });
  });
})();
