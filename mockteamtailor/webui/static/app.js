// mockteamtailor web UI: small enhancements over server-rendered pages.
// Every page works without this file; it adds copying secrets, drag and
// drop on the pipeline, refetching partner forms, and live updates.
(function () {
  'use strict';

  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // Secrets: show and copy.
  document.addEventListener('click', function (e) {
    var reveal = e.target.closest('[data-reveal]');
    if (reveal) {
      var box = reveal.closest('[data-secret]');
      var shown = reveal.getAttribute('aria-pressed') === 'true';
      box.querySelector('[data-secret-value]').hidden = shown;
      box.querySelector('[data-secret-mask]').hidden = !shown;
      reveal.setAttribute('aria-pressed', shown ? 'false' : 'true');
      reveal.textContent = shown ? 'Show' : 'Hide';
      reveal.setAttribute('aria-label', reveal.getAttribute('aria-label').replace(shown ? /^Hide/ : /^Show/, shown ? 'Show' : 'Hide'));
      return;
    }
    var copy = e.target.closest('[data-copy]');
    if (copy) {
      var value = copy.closest('[data-secret]').querySelector('[data-secret-value]').textContent;
      copyText(value).then(function () { flashLabel(copy, 'Copied'); }, function () { flashLabel(copy, 'Press Ctrl+C'); });
    }
  });

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var ta = document.createElement('textarea');
      ta.value = text;
      ta.setAttribute('readonly', '');
      ta.className = 'offscreen';
      document.body.appendChild(ta);
      ta.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (err) { ok = false; }
      document.body.removeChild(ta);
      if (ok) { resolve(); } else { reject(); }
    });
  }

  function flashLabel(btn, text) {
    var old = btn.textContent;
    btn.textContent = text;
    setTimeout(function () { btn.textContent = old; }, 1500);
  }

  // Confirmations on destructive forms.
  document.addEventListener('submit', function (e) {
    var msg = e.target.getAttribute && e.target.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });

  // Range inputs show their value.
  $all('[data-range-output]').forEach(function (input) {
    var out = document.getElementById(input.getAttribute('data-range-output'));
    var show = function () { out.value = input.value; };
    input.addEventListener('input', show);
    show();
  });

  // Partner forms: a field with refetch makes Teamtailor fetch the form
  // again with the values picked so far (docs/protocol.md §3).
  $all('[data-config-form]').forEach(function (form) {
    var btn = form.querySelector('[data-refetch-button]');
    if (!btn) { return; }
    $all('[data-refetch]', form).forEach(function (field) {
      field.addEventListener('change', function () {
        form.setAttribute('aria-busy', 'true');
        try { sessionStorage.setItem('mocktt-refocus', field.id); } catch (err) { /* private mode */ }
        form.requestSubmit(btn);
      });
    });
  });

  // After a refetch the page is new: put focus back where it was.
  try {
    var refocus = sessionStorage.getItem('mocktt-refocus');
    if (refocus) {
      sessionStorage.removeItem('mocktt-refocus');
      var el = document.getElementById(refocus);
      if (el) { el.focus(); }
    } else {
      // After a refused submission, start at the first field to fix.
      var bad = document.querySelector('main [aria-invalid="true"]');
      if (bad) { bad.focus(); }
    }
  } catch (err) { /* private mode */ }

  // Bulk selection.
  $all('[data-bulk-form]').forEach(function (form) {
    var all = form.querySelector('[data-select-all]');
    var boxes = $all('[data-select]', form);
    var count = form.querySelector('[data-selected-count]');
    var update = function () {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      if (count) { count.textContent = n + ' selected'; }
      if (all) {
        all.checked = n > 0 && n === boxes.length;
        all.indeterminate = n > 0 && n < boxes.length;
      }
    };
    if (all) {
      all.addEventListener('change', function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
        update();
      });
    }
    boxes.forEach(function (b) { b.addEventListener('change', update); });
    update();
  });

  // Pipeline: drag a card onto another stage; it submits the card's own
  // "Move to" form, which works with the keyboard too.
  var dragged = null;
  $all('.cand[draggable]').forEach(function (card) {
    card.addEventListener('dragstart', function (e) {
      dragged = card;
      card.classList.add('dragging');
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', card.getAttribute('data-candidate'));
    });
    card.addEventListener('dragend', function () {
      card.classList.remove('dragging');
      $all('.column.drop-target').forEach(function (c) { c.classList.remove('drop-target'); });
    });
  });
  $all('.column[data-stage]').forEach(function (col) {
    col.addEventListener('dragover', function (e) {
      if (!dragged) { return; }
      e.preventDefault();
      col.classList.add('drop-target');
    });
    col.addEventListener('dragleave', function () { col.classList.remove('drop-target'); });
    col.addEventListener('drop', function (e) {
      e.preventDefault();
      col.classList.remove('drop-target');
      if (!dragged) { return; }
      var form = dragged.querySelector('form.move');
      var select = form.querySelector('select[name=stage]');
      var stage = col.getAttribute('data-stage');
      dragged = null;
      if (select.value === stage) { return; }
      select.value = stage;
      form.requestSubmit();
    });
  });

  // Live updates: new journal entries arrive as server-sent events.
  var status = document.querySelector('[data-live-status]');
  var tables = $all('[data-live-rows]');
  var sections = function () { return $all('[data-live-refresh]'); };
  if (!window.EventSource || (tables.length === 0 && sections().length === 0)) {
    if (status) { status.hidden = true; }
    return;
  }
  var after = document.body.getAttribute('data-live-after') || '0';
  var source = new EventSource('/live?after=' + encodeURIComponent(after));
  var offlineTimer = null;
  source.addEventListener('open', function () {
    clearTimeout(offlineTimer);
    if (status) { status.textContent = 'Live'; status.classList.add('on'); }
  });
  source.addEventListener('error', function () {
    // The server ends each stream after a few seconds and the browser
    // reconnects at once: only a lasting error is shown.
    clearTimeout(offlineTimer);
    offlineTimer = setTimeout(function () {
      if (status) { status.textContent = 'Live off'; status.classList.remove('on'); }
    }, 3000);
  });
  source.addEventListener('delivery', function (e) {
    var d;
    try { d = JSON.parse(e.data); } catch (err) { return; }
    tables.forEach(function (table) { addRow(table, d); });
    sections().forEach(function (sec) { maybeRefresh(sec, d); });
  });

  function addRow(table, d) {
    var kind = table.getAttribute('data-filter-kind');
    var verdict = table.getAttribute('data-filter-verdict');
    if ((kind && kind !== d.kind) || (verdict && verdict !== d.verdict)) { return; }
    var body = table.tBodies[0];
    if (body.querySelector('tr[data-id="' + d.id + '"]')) { return; }
    $all('tr.placeholder', body).forEach(function (tr) { tr.remove(); });
    var tmp = document.createElement('tbody');
    tmp.innerHTML = d.row;
    var row = tmp.querySelector('tr');
    if (!row) { return; }
    row.classList.add('fresh');
    // Newest first, by id.
    var before = $all('tr[data-id]', body).find(function (tr) { return Number(tr.getAttribute('data-id')) < d.id; });
    body.insertBefore(row, before || null);
    var maxRows = Number(table.getAttribute('data-live-max') || 0);
    if (maxRows > 0) {
      var rows = $all('tr[data-id]', body);
      for (var i = maxRows; i < rows.length; i++) { rows[i].remove(); }
    }
  }

  var pending = new WeakMap();
  function maybeRefresh(sec, d) {
    var results = (sec.getAttribute('data-live-results') || '').split(' ');
    var match = (d.resultId && results.indexOf(d.resultId) >= 0) ||
      (d.candidateId && String(d.candidateId) === sec.getAttribute('data-live-candidate')) ||
      (d.bulkRunId && d.bulkRunId === sec.getAttribute('data-live-bulk'));
    if (!match || pending.get(sec)) { return; }
    pending.set(sec, true);
    // Coalesce bursts (a bulk run) into one refresh.
    setTimeout(function () {
      fetch(sec.getAttribute('data-live-refresh'), { headers: { 'Accept': 'text/html' } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var tmp = document.createElement('div');
          tmp.innerHTML = html.trim();
          var fresh = tmp.firstElementChild;
          if (!fresh) { return; }
          // Keep open "view details" open.
          var open = $all('details[open]', sec).map(function (el) {
            var art = el.closest('[data-result]');
            return art ? art.getAttribute('data-result') : '';
          });
          open.forEach(function (id) {
            var el = fresh.querySelector('[data-result="' + id + '"] details');
            if (el) { el.open = true; }
          });
          sec.replaceWith(fresh);
        })
        .catch(function () {})
        .then(function () { pending.delete(sec); });
    }, 150);
  }
})();
