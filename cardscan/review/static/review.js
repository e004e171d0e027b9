// cardscan review: one card at a time, photo beside fields, keyboard first.
// OCR text is data: it only ever goes into input values and text nodes (never innerHTML).
"use strict";

(function () {
  const token = document.querySelector('meta[name="cardscan-token"]').content;
  const LIST_FIELDS = ["emails", "websites"];
  const PHONE_KINDS = ["work", "mobile", "fax", "other"];
  const $ = (id) => document.getElementById(id);

  const state = {
    items: [],        // the list as the server sent it (doubtful first)
    visible: [],      // after the text filter
    current: null,    // id of the card shown
    card: null,       // the card as the server sent it
    loaded: "",       // the form as loaded, to tell an edited card
    discardArmed: false,
    zoom: 0,          // 0 off, 1 front, 2 back
  };

  async function api(method, path, body) {
    const options = { method, headers: { "X-Cardscan-Token": token } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    let data = {};
    try { data = await response.json(); } catch (e) { data = { error: response.statusText }; }
    if (!response.ok) {
      const error = new Error(data.error || response.statusText);
      error.field = data.field;
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function status(text, kind) {
    const line = $("status");
    line.textContent = text;
    line.className = kind || "";
  }

  // --- the list ---
  async function loadList(keepId) {
    const params = new URLSearchParams();
    if ($("event").value) params.set("event", $("event").value);
    if ($("needs-review").checked) params.set("needs_review", "1");
    const data = await api("GET", "/api/contacts?" + params.toString());
    state.items = data.contacts;
    const select = $("event");
    const chosen = select.value;
    while (select.options.length > 1) select.remove(1);
    for (const name of data.events) select.add(new Option(name, name));
    select.value = data.events.includes(chosen) ? chosen : "";
    renderList();
    const keep = state.visible.find((item) => item.id === keepId);
    const first = keep || state.visible.find((item) => !item.reviewed_at) || state.visible[0];
    if (first) await show(first.id, !keep);
    else showEmpty();
  }

  function renderList() {
    const words = $("filter").value.toLowerCase().trim();
    state.visible = state.items.filter((item) =>
      !words || [item.name, item.company, item.event, item.id].some((v) => v && v.toLowerCase().includes(words)));
    const list = $("list");
    list.replaceChildren();
    for (const item of state.visible) {
      const li = document.createElement("li");
      li.dataset.id = item.id;
      li.tabIndex = -1;
      if (item.id === state.current) li.setAttribute("aria-current", "true");
      if (item.reviewed_at) li.classList.add("reviewed");
      if (item.needs_review) li.classList.add("doubtful");
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = item.name || "(no name)";
      const company = document.createElement("span");
      company.className = "company";
      company.textContent = item.company || "";
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = item.reviewed_at ? "✓ reviewed"
        : item.lowest_confidence === null ? "unsure" : Math.round(item.lowest_confidence * 100) + "%";
      li.append(name, badge, company);
      li.addEventListener("click", () => go(item.id));
      list.append(li);
    }
    const left = state.items.filter((item) => !item.reviewed_at).length;
    $("progress").textContent = `${state.items.length} cards · ${left} to review`;
  }

  function showEmpty() {
    state.current = null;
    state.card = null;
    $("empty").hidden = false;
    for (const el of document.querySelectorAll(".field, .buttons")) el.hidden = true;
    $("front-photo").removeAttribute("src");
    $("back-figure").hidden = true;
  }

  // --- one card ---
  // `edit`: put the cursor in the first doubtful field, as when working through the list;
  // browsing (j/k, a click, the filter) leaves it out of the fields so the keys keep browsing.
  async function show(id, edit) {
    const card = await api("GET", "/api/contacts/" + encodeURIComponent(id));
    state.current = id;
    state.card = card;
    state.discardArmed = false;
    $("empty").hidden = true;
    for (const el of document.querySelectorAll(".field, .buttons")) el.hidden = false;
    fillForm(card);
    const t = encodeURIComponent(token);
    const stamp = encodeURIComponent(id);
    $("front-photo").src = card.images.front ? `/photo/${stamp}/front?t=${t}` : "";
    $("back-figure").hidden = !card.images.back;
    if (card.images.back) $("back-photo").src = `/photo/${stamp}/back?t=${t}`;
    else $("back-photo").removeAttribute("src");
    setZoom(0);
    for (const li of $("list").children) {
      if (li.dataset.id === id) {
        li.setAttribute("aria-current", "true");
        li.scrollIntoView({ block: "nearest" });
      } else {
        li.removeAttribute("aria-current");
      }
    }
    status(card.reviewed_at ? "Reviewed " + card.reviewed_at + " UTC." : "", "");
    if (edit) focusFirstLow();
    else if (document.activeElement && document.activeElement.closest(".field")) document.activeElement.blur();
    $("card").dataset.id = id;  // the card shown, ready for keys
  }

  function fillForm(card) {
    for (const field of document.querySelectorAll(".field")) {
      const name = field.dataset.field;
      const input = field.querySelector("input, textarea");
      input.value = formValue(name, card.fields[name]);
      const low = card.low.includes(name);
      field.classList.toggle("low", low);
      field.classList.remove("error");
      for (const old of field.querySelectorAll(".conf, .was")) old.remove();
      const confidence = card.confidence[name];
      if (confidence !== undefined) {
        const badge = document.createElement("span");
        badge.className = "conf";
        badge.textContent = (low ? "unsure · " : "") + Math.round(confidence * 100) + "%";
        badge.title = "how sure the reader was of this field";
        field.querySelector("label").append(" ", badge);
      }
      if (card.machine) {
        const was = formValue(name, card.machine[name]);
        if (was !== input.value) {
          const note = document.createElement("small");
          note.className = "was";
          note.textContent = "read as: " + (was || "(nothing)");
          field.append(note);
        }
      }
    }
    state.loaded = JSON.stringify(collect());
  }

  function formValue(name, value) {
    if (name === "phones") return (value || []).map((p) => p.number + " " + p.kind).join("\n");
    if (LIST_FIELDS.includes(name)) return (value || []).join("\n");
    return value || "";
  }

  function collect() {
    const fields = {};
    for (const field of document.querySelectorAll(".field")) {
      const name = field.dataset.field;
      const value = field.querySelector("input, textarea").value;
      if (name === "phones") {
        fields.phones = value.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
          const words = line.split(/\s+/);
          const last = words[words.length - 1].toLowerCase();
          if (words.length > 1 && PHONE_KINDS.includes(last)) {
            return { number: words.slice(0, -1).join(" "), kind: last };
          }
          return { number: line, kind: "work" };
        });
      } else if (LIST_FIELDS.includes(name)) {
        fields[name] = value.split("\n").map((line) => line.trim()).filter(Boolean);
      } else {
        fields[name] = value;
      }
    }
    return fields;
  }

  function edited() {
    return state.card !== null && JSON.stringify(collect()) !== state.loaded;
  }

  function focusFirstLow() {
    const first = document.querySelector(".field.low input, .field.low textarea");
    if (first) {
      first.focus();
      first.select();
    } else if (document.activeElement && document.activeElement !== document.body) {
      document.activeElement.blur();
    }
  }

  function focusField(name) {
    const input = document.querySelector(`.field[data-field="${name}"] input, .field[data-field="${name}"] textarea`);
    if (input) {
      input.focus();
      input.select();
    }
  }

  // --- saving and moving on ---
  async function finish(action) {
    if (!state.card) return;
    if (action === "accept" && edited() && !state.discardArmed) {
      state.discardArmed = true;
      status("This card has unsaved edits: Enter saves them; press a again to accept it as read.", "error");
      return;
    }
    const id = state.current;
    let result;
    try {
      result = action === "accept"
        ? await api("POST", `/api/contacts/${encodeURIComponent(id)}/accept`, {})
        : await api("POST", `/api/contacts/${encodeURIComponent(id)}/save`, { fields: collect() });
    } catch (error) {
      status((error.status === 500 ? "" : "Not saved: ") + error.message, "error");
      if (error.field) {
        const field = document.querySelector(`.field[data-field="${error.field}"]`);
        if (field) field.classList.add("error");
        focusField(error.field);
      }
      return;
    }
    const item = state.items.find((entry) => entry.id === id);
    if (item) {
      item.reviewed_at = result.reviewed_at || "now";
      item.needs_review = false;
      item.name = result.fields.name || null;
      item.company = result.fields.company || null;
    }
    renderList();
    const what = result.changed.length ? "Saved: " + result.changed.join(", ") + " corrected." : "Accepted as read.";
    const sample = result.truth ? " Sample written: " + result.truth : "";
    const next = nextToReview(id);
    if (next) {
      await show(next, true);
      status(what + sample, "ok");
    } else {
      state.card = result;
      fillForm(result);
      status(what + sample + " Every card in this list is reviewed.", "ok");
      if (document.activeElement) document.activeElement.blur();
    }
  }

  function nextToReview(fromId) {
    const at = state.visible.findIndex((item) => item.id === fromId);
    for (let step = 1; step <= state.visible.length; step += 1) {
      const item = state.visible[(at + step) % state.visible.length];
      if (!item.reviewed_at && item.id !== fromId) return item.id;
    }
    return null;
  }

  async function go(id) {
    if (id === state.current) return;
    if (edited() && !state.discardArmed) {
      state.discardArmed = true;
      status("This card has unsaved edits: Enter saves them; press again to leave without saving.", "error");
      return;
    }
    await show(id, false);
  }

  function step(delta) {
    if (!state.visible.length) return;
    const at = state.visible.findIndex((item) => item.id === state.current);
    const next = Math.min(state.visible.length - 1, Math.max(0, at + delta));
    go(state.visible[next].id);
  }

  function setZoom(level) {
    state.zoom = level;
    $("front-box").classList.toggle("zoomed", level === 1);
    $("back-box").classList.toggle("zoomed", level === 2);
  }

  function zoomAt(box, level, event) {
    const zoomed = !box.classList.contains("zoomed");
    setZoom(zoomed ? level : 0);
    if (zoomed && event) {
      const rect = box.getBoundingClientRect();
      const fx = (event.clientX - rect.left) / rect.width;
      const fy = (event.clientY - rect.top) / rect.height;
      box.scrollLeft = fx * box.scrollWidth - rect.width / 2;
      box.scrollTop = fy * box.scrollHeight - rect.height / 2;
    }
  }

  function toggleHelp(show) {
    $("help").hidden = show === undefined ? !$("help").hidden : !show;
  }

  // --- keyboard ---
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement
      || target instanceof HTMLSelectElement;
    const ctrl = event.ctrlKey || event.metaKey;
    if (ctrl && (event.key === "s" || event.key === "Enter")) {
      event.preventDefault();
      finish("save");
      return;
    }
    if (event.key === "Escape") {
      if (!$("help").hidden) toggleHelp(false);
      else if (typing) target.blur();
      else setZoom(0);
      return;
    }
    if (typing) {
      if (event.key !== "Enter" || event.isComposing) return;
      if (target.id === "filter") {
        event.preventDefault();
        target.blur();
        if (state.visible.length) go(state.visible[0].id);
      } else if (target instanceof HTMLInputElement && target.closest(".field")) {
        event.preventDefault();
        finish("save");
      }
      return;
    }
    if (ctrl || event.altKey) return;
    const actions = {
      j: () => step(1), ArrowDown: () => step(1),
      k: () => step(-1), ArrowUp: () => step(-1),
      Enter: () => finish("save"),
      a: () => finish("accept"),
      e: () => (document.querySelector(".field.low") ? focusFirstLow() : focusField("name")),
      "/": () => { $("filter").focus(); $("filter").select(); },
      n: () => { $("needs-review").checked = !$("needs-review").checked; loadList(state.current); },
      z: () => setZoom(state.card && state.card.images.back ? (state.zoom + 1) % 3 : (state.zoom ? 0 : 1)),
      "?": () => toggleHelp(),
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  $("filter").addEventListener("input", renderList);
  $("event").addEventListener("change", () => loadList(state.current));
  $("needs-review").addEventListener("change", () => loadList(state.current));
  $("save").addEventListener("click", () => finish("save"));
  $("accept").addEventListener("click", () => finish("accept"));
  $("prev").addEventListener("click", () => step(-1));
  $("next").addEventListener("click", () => step(1));
  $("front-box").addEventListener("click", (event) => zoomAt($("front-box"), 1, event));
  $("back-box").addEventListener("click", (event) => zoomAt($("back-box"), 2, event));
  for (const field of document.querySelectorAll(".field")) {
    field.addEventListener("input", () => { field.classList.remove("error"); state.discardArmed = false; });
  }

  loadList(null).catch((error) => status("Could not load the contacts: " + error.message, "error"));
})();
