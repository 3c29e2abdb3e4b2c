/* The DAI editor: suggestions for the catalog fields (país, unidades). Progressive enhancement
   only: without this file the fields are plain text inputs checked by the server. The catalogs
   come from the cached endpoint once per page (the browser keeps them an hour) and become a
   <datalist>, which browsers expose to screen readers as a combobox's suggestions. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var inputs = document.querySelectorAll("input[data-catalogo]");
  var wanted = {};
  Array.prototype.forEach.call(inputs, function (input) { wanted[input.dataset.catalogo] = true; });
  Object.keys(wanted).forEach(function (name) {
    var id = "catalogo-" + name;
    var url = script.dataset[name];
    if (!url) return;
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (rows) {
        var list = document.createElement("datalist");
        list.id = id;
        rows.forEach(function (row) {
          var option = document.createElement("option");
          option.value = row[0];
          option.label = row[0] + " - " + row[1];
          option.textContent = row[0] + " - " + row[1];
          list.appendChild(option);
        });
        document.body.appendChild(list);
        Array.prototype.forEach.call(inputs, function (input) {
          if (input.dataset.catalogo === name) input.setAttribute("list", id);
        });
      })
      .catch(function () { /* the plain input still works */ });
  });
  // The error list at the top takes the focus, so a screen reader reads it first; each of its
  // links moves the focus to its field (an item's field once its page has loaded).
  var focusField = function (id) {
    var field = id && document.getElementById(id);
    if (field && typeof field.focus === "function") { field.focus(); return true; }
    return false;
  };
  var summary = document.getElementById("errores");
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a");
      var href = link && link.getAttribute("href");
      if (href && href.charAt(0) === "#" && focusField(href.slice(1))) event.preventDefault();
    });
    summary.focus();
  } else if (window.location.hash.indexOf("#id_") === 0) {
    focusField(window.location.hash.slice(1));
  }
})();
