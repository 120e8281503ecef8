// Progressive enhancement only: suggestions under the header's search box, from
// /search/suggest/ (names across enterprises, case studies, bases and policies). Without
// JavaScript the box is a plain form that opens the search page. The list follows the
// ARIA combobox pattern: arrows move through it, Enter opens the chosen page, Escape closes.
(function () {
  var input = document.getElementById("site-search-q");
  if (!input || !window.fetch) return;
  var url = input.getAttribute("data-suggest-url");
  var list = document.createElement("ul");
  list.id = "site-search-suggestions";
  list.className = "search-suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
  list.hidden = true;
  input.parentNode.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  // Answers already had, by query: typing back and forth asks once. Each request counts
  // in the site's per-address page limit (a refused one simply shows no suggestions).
  var items = [], active = -1, timer = null, pending = null, answers = {};

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function show(suggestions) {
    list.textContent = "";
    items = suggestions;
    active = -1;
    suggestions.forEach(function (suggestion, index) {
      var option = document.createElement("li");
      option.id = "site-search-option-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = suggestion.name;  // text, never HTML: names come from staff
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();  // keep the focus in the box until the page changes
        window.location.href = suggestion.url;
      });
      list.appendChild(option);
    });
    if (suggestions.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    } else {
      close();
    }
  }

  function choose(index) {
    var options = list.children;
    if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
    active = index;
    if (index >= 0 && options[index]) {
      options[index].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[index].id);
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function ask() {
    var query = input.value.trim();
    if (!query) { close(); return; }
    if (answers.hasOwnProperty(query)) { show(answers[query]); return; }
    if (pending) pending.abort();
    pending = window.AbortController ? new AbortController() : null;
    fetch(url + "?q=" + encodeURIComponent(query), {
      headers: { Accept: "application/json" },
      signal: pending ? pending.signal : undefined
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        // A refused or failed answer is not kept: the next keystroke asks again.
        if (data) answers[query] = data.suggestions || [];
        if (input.value.trim() === query) show(data ? answers[query] : []);
      })
      .catch(function () { /* aborted or offline: the form still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      choose(Math.min(active + 1, items.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      choose(Math.max(active - 1, -1));
    } else if (event.key === "Escape") {
      close();
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = items[active].url;
    }
  });
  input.addEventListener("blur", close);
})();
