// Optional comfort on top of a page that works without scripts: copy buttons and a name filter.
(function () {
  document.querySelectorAll("code[data-copy]").forEach(function (code) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(code.textContent).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 1500);
      });
    });
    code.insertAdjacentElement("afterend", button);
  });
  var filters = document.querySelector(".filters");
  if (!filters) { return; }
  var search = document.createElement("input");
  search.type = "search";
  search.placeholder = "Filter by name";
  search.setAttribute("aria-label", "Filter files by name");
  search.addEventListener("input", function () {
    var needle = search.value.toLowerCase();
    document.querySelectorAll("[data-name]").forEach(function (element) {
      element.classList.toggle("hidden", element.dataset.name.toLowerCase().indexOf(needle) < 0);
    });
  });
  filters.appendChild(search);
})();
