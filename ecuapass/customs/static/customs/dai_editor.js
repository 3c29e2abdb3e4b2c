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
  // The error list at the top takes the focus, so a screen reader reads it first.
  var summary = document.getElementById("errores");
  if (summary) summary.focus();
})();
