/*
 * Prognos card sandbox. Plain browser JavaScript, no CDN, no innerHTML: every text from a card
 * (summary, Markdown detail, labels) becomes DOM text nodes; links are kept only for http(s) URLs.
 * Flow: api/sandbox/request builds the hook request (prefetch from the service's templates against
 * the chosen record) → POST cds-services/{id} (the real endpoint) → render the cards as an EHR
 * would → accept / override send real CDS Hooks feedback.
 */
(function () {
  'use strict';

  var state = { options: null, bundle: null, lastService: null };

  function $(id) { return document.getElementById(id); }
  /** Absolute URL from location.origin (a page opened with credentials in its URL cannot fetch relative URLs). */
  function url(relative) { return new URL(relative, location.origin + location.pathname).href; }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'className') node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function showError(text) { var b = $('sandbox-error'); b.hidden = !text; b.textContent = text || ''; }

  function request(method, path, body) {
    return fetch(url(path), {
      method: method, credentials: 'same-origin', cache: 'no-store',
      headers: body === undefined ? { Accept: 'application/json' } : { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (res) {
      return res.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        if (!res.ok) {
          var why = json && json.issue && json.issue[0] && json.issue[0].diagnostics;
          throw new Error('HTTP ' + res.status + (why ? ': ' + why : ''));
        }
        return json;
      });
    });
  }

  /** Safe http(s) URL or null (javascript:, data: and the like are dropped). */
  function safeHref(href) {
    try {
      var u = new URL(href, location.origin);
      return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
    } catch (e) { return null; }
  }

  /** Inline Markdown: **bold**, *em*, `code`, [text](url). Text nodes only. */
  function inline(text, parent) {
    var re = /(\*\*([^*]+)\*\*|\*([^*]+)\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\))/g;
    var last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      if (m[2]) parent.appendChild(el('strong', { text: m[2] }));
      else if (m[3]) parent.appendChild(el('em', { text: m[3] }));
      else if (m[4]) parent.appendChild(el('code', { text: m[4] }));
      else {
        var href = safeHref(m[6]);
        parent.appendChild(href ? el('a', { href: href, target: '_blank', rel: 'noopener noreferrer', text: m[5] }) : document.createTextNode(m[5]));
      }
      last = re.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /** Block Markdown (paragraphs, - / * / 1. lists, # headings as bold lines) into `box`. */
  function markdown(text, box) {
    var list = null;
    String(text).split(/\r?\n/).forEach(function (line) {
      var item = /^\s*(?:[-*]|\d+\.)\s+(.*)$/.exec(line);
      if (item) {
        if (!list) { list = el('ul'); box.appendChild(list); }
        var li = el('li'); inline(item[1], li); list.appendChild(li);
        return;
      }
      list = null;
      if (!line.trim()) return;
      var heading = /^#{1,6}\s+(.*)$/.exec(line);
      var p = el('p');
      if (heading) { var s = el('strong'); inline(heading[1], s); p.appendChild(s); } else inline(line, p);
      box.appendChild(p);
    });
  }

  /**
   * The real CDS endpoint in development mode; with JWT issuers configured the browser has no client
   * JWT, so the operator-only relay runs the same pipeline as the client 'prognos-sandbox'.
   */
  function cdsPath(serviceId) {
    var base = state.options && state.options.authMode === 'jwt' ? 'api/sandbox/cds-services/' : 'cds-services/';
    return base + encodeURIComponent(serviceId);
  }

  function sendFeedback(serviceId, item) {
    item.outcomeTimestamp = new Date().toISOString();
    return request('POST', cdsPath(serviceId) + '/feedback', { feedback: [item] });
  }

  function renderCard(serviceId, card, i) {
    var ind = ['info', 'warning', 'critical'].indexOf(card.indicator) >= 0 ? card.indicator : 'info';
    var box = el('article', { className: 'card ind-' + ind, 'data-testid': 'card-' + i, 'data-indicator': ind, 'aria-label': ind + ': ' + card.summary });
    var title = el('h3');
    title.appendChild(el('span', { className: 'badge indicator ind-' + ind, text: ind }));
    title.appendChild(document.createTextNode(card.summary));
    box.appendChild(title);
    if (card.detail) { var d = el('div', { className: 'detail' }); markdown(card.detail, d); box.appendChild(d); }
    if (card.source) {
      var src = el('div', { className: 'source' });
      src.appendChild(document.createTextNode('Source: '));
      var href = card.source.url && safeHref(card.source.url);
      src.appendChild(href ? el('a', { href: href, target: '_blank', rel: 'noopener noreferrer', text: card.source.label }) : document.createTextNode(card.source.label));
      box.appendChild(src);
    }
    if (card.links && card.links.length) {
      var links = el('div', { className: 'links' });
      card.links.forEach(function (l) {
        var h = safeHref(l.url);
        if (h && l.type !== 'smart') links.appendChild(el('a', { href: h, target: '_blank', rel: 'noopener noreferrer', text: l.label }));
        else links.appendChild(el('span', { className: 'note', text: l.label + (l.type === 'smart' ? ' (SMART app)' : '') }));
      });
      box.appendChild(links);
    }
    var actions = el('div', { className: 'actions' });
    var stateLine = el('span', { className: 'feedback-state', 'data-testid': 'card-' + i + '-feedback', 'aria-live': 'polite' });
    var done = function (text) { stateLine.textContent = text; };
    var fail = function (e) { showError('Feedback not recorded: ' + e.message); };
    (card.suggestions || []).forEach(function (s, j) {
      var b = el('button', { type: 'button', className: s.isRecommended ? 'primary' : '', 'data-testid': 'card-' + i + '-accept-' + j, text: s.label });
      b.addEventListener('click', function () {
        sendFeedback(serviceId, { card: card.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: s.uuid }] })
          .then(function () { done('Accepted: ' + s.label); }, fail);
      });
      actions.appendChild(b);
    });
    if (card.overrideReasons && card.overrideReasons.length) {
      var sel = el('select', { 'aria-label': 'Override reason', 'data-testid': 'card-' + i + '-reason' });
      card.overrideReasons.forEach(function (r, j) { sel.appendChild(el('option', { value: String(j), text: r.display || r.code })); });
      var ob = el('button', { type: 'button', 'data-testid': 'card-' + i + '-override', text: 'Override' });
      ob.addEventListener('click', function () {
        var r = card.overrideReasons[Number(sel.value)];
        sendFeedback(serviceId, { card: card.uuid, outcome: 'overridden', overrideReason: { reason: { system: r.system, code: r.code, display: r.display } } })
          .then(function () { done('Overridden: ' + (r.display || r.code)); }, fail);
      });
      actions.appendChild(sel);
      actions.appendChild(ob);
    }
    actions.appendChild(stateLine);
    box.appendChild(actions);
    return box;
  }

  function renderCards(serviceId, response) {
    var box = $('cards');
    box.replaceChildren();
    var cards = (response && response.cards) || [];
    if (cards.length === 0) box.appendChild(el('p', { className: 'note', text: 'No card for this patient and service.' }));
    cards.forEach(function (c, i) { box.appendChild(renderCard(serviceId, c, i)); });
    box.setAttribute('data-count', String(cards.length));
  }

  function selectedService() {
    var id = $('service-select').value;
    return state.options.services.find(function (s) { return s.id === id; });
  }

  function onServiceChange() {
    var s = selectedService();
    $('service-description').textContent = s ? s.description || '' : '';
    $('draft-order-box').hidden = !s || (s.hook !== 'order-select' && s.hook !== 'order-sign');
  }

  function call(ev) {
    ev.preventDefault();
    showError('');
    var s = selectedService();
    if (!s) return;
    var body = { serviceId: s.id };
    if (state.bundle) body.bundle = state.bundle; else body.sample = $('patient-select').value;
    if (!$('draft-order-box').hidden) body.draftOrder = $('draft-order-select').value;
    $('call-status').textContent = 'Calling ' + s.id + '…';
    var t0 = performance.now();
    request('POST', 'api/sandbox/request', body)
      .then(function (hookRequest) { return request('POST', cdsPath(s.id), hookRequest); })
      .then(function (response) {
        renderCards(s.id, response);
        $('call-status').textContent = s.id + ' answered in ' + Math.round(performance.now() - t0) + ' ms';
      })
      .catch(function (e) { $('call-status').textContent = ''; showError('Call failed: ' + e.message); });
  }

  function fill(select, items, label) {
    select.replaceChildren();
    items.forEach(function (it) { select.appendChild(el('option', { value: it.id, text: label(it) })); });
  }

  $('bundle-file').addEventListener('change', function (ev) {
    var file = ev.target.files && ev.target.files[0];
    state.bundle = null;
    document.body.removeAttribute('data-bundle');
    if (!file) return;
    file.text().then(function (text) {
      try {
        state.bundle = JSON.parse(text);
        showError('');
        $('call-status').textContent = 'Using the uploaded Bundle (' + file.name + ')';
        document.body.setAttribute('data-bundle', 'loaded');
      } catch (e) { showError('The file is not JSON'); }
    });
  });
  $('patient-select').addEventListener('change', function () { state.bundle = null; $('bundle-file').value = ''; });
  $('service-select').addEventListener('change', onServiceChange);
  $('sandbox-form').addEventListener('submit', call);

  request('GET', 'api/sandbox/options').then(function (options) {
    state.options = options;
    fill($('patient-select'), options.patients, function (p) { return p.label; });
    fill($('service-select'), options.services, function (s) { return s.title + ' (' + s.hook + ')'; });
    fill($('draft-order-select'), options.draftOrders, function (d) { return d.label; });
    onServiceChange();
    document.body.setAttribute('data-ready', 'true');
  }).catch(function (e) { showError('Could not load the sandbox: ' + e.message); });
})();
