/* Progressive enhancement only: every screen works without this file. */
(function () {
  "use strict";
  var body = document.body;
  // Idle-session warning: shown before the server-side idle timeout ends the session.
  if (body.dataset.authenticated) {
    var idle = parseInt(body.dataset.sessionIdle, 10) || 1800;
    var warn = parseInt(body.dataset.sessionWarning, 10) || 120;
    var timer = null;
    var show = function () {
      if (document.getElementById("session-warning")) return;
      var box = document.createElement("div");
      box.id = "session-warning";
      box.className = "session-warning";
      box.setAttribute("role", "alertdialog");
      box.innerHTML = "<p>" + (body.dataset.warningText || "Su sesión está por expirar por inactividad.") + "</p>";
      var btn = document.createElement("button");
      btn.className = "btn";
      btn.type = "button";
      btn.textContent = body.dataset.warningButton || "Continuar sesión";
      btn.addEventListener("click", function () {
        fetch(body.dataset.keepaliveUrl || window.location.href, { credentials: "same-origin" }).then(function (response) {
          if (response.redirected || !response.ok) { window.location.assign(body.dataset.loginUrl || "/"); return; }
          box.remove(); schedule();
        });
      });
      box.appendChild(btn);
      body.appendChild(box);
      btn.focus();
    };
    var expireTimer = null;
    var schedule = function () {
      if (timer) window.clearTimeout(timer);
      if (expireTimer) window.clearTimeout(expireTimer);
      timer = window.setTimeout(show, Math.max(idle - warn, 5) * 1000);
      // When the idle time has passed the server has ended the session: go to the login page.
      if (body.dataset.loginUrl) {
        expireTimer = window.setTimeout(function () { window.location.assign(body.dataset.loginUrl); }, idle * 1000);
      }
    };
    schedule();
  }
  // Confirmation before destructive or final actions: <button data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var message = submitter && submitter.dataset.confirm;
    if (message && !window.confirm(message)) { event.preventDefault(); return; }
    // Double-submit guard: a form is sent once.
    var form = event.target;
    if (form.dataset.submitted) { event.preventDefault(); return; }
    form.dataset.submitted = "1";
  });
})();
