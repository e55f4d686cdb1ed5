/*
 * Prognos operations dashboard. Plain browser JavaScript, no build step, no CDN: Chart.js is served
 * by the service from its node_modules. Data: GET api/dashboard/summary and api/dashboard/timeseries
 * (same origin; the browser resends the operator's basic-auth credential by itself).
 * DOM is built with textContent only: label values never become markup.
 */
(function () {
  'use strict';

  // Series colours. Red, amber and green are kept out: they mean critical, warning and OK.
  var PALETTE = ['#2457a6', '#8e44ad', '#0f8b8d', '#546e7a', '#c2185b', '#6d4c41', '#3949ab', '#00838f', '#7b1fa2'];
  /** The conventional CDS card indicator colours (CDS Hooks sandbox, EHR alert banners). */
  var INDICATOR_COLORS = { info: '#1f6feb', warning: '#d4a017', critical: '#cf222e' };
  var INDICATOR_ORDER = ['critical', 'warning', 'info'];
  var QUANTILE_COLORS = { p50: '#2457a6', p95: '#d9822b', p99: '#b3261e' };
  var state = { refreshMs: 5000, timer: null, refreshes: 0 };

  function $(id) { return document.getElementById(id); }
  /**
   * Absolute request URL for `relative` (e.g. 'api/dashboard/summary'), built from location.origin
   * and the page path: a page opened as https://user:pass@host/dashboard has the credentials in its
   * base URL, and fetch() refuses any URL resolved against it ("Request cannot be constructed from a
   * URL that includes credentials"). The browser still sends the basic-auth header it was given.
   */
  function apiUrl(relative) { return new URL(relative, location.origin + location.pathname).href; }
  function indicatorColor(ind) { return INDICATOR_COLORS[ind] || '#6b7785'; }
  function fmtInt(n) { return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'); }
  function fmtMs(n) { return n === null || n === undefined ? '–' : (n < 10 ? n.toFixed(2) : n.toFixed(1)) + ' ms'; }
  function fmtRate(r) { return r === null || r === undefined ? '–' : (r * 100).toFixed(1) + ' %'; }
  function fmtTime(t) { return new Date(t).toLocaleTimeString('en-GB', { hour12: false }); }
  function color(i) { return PALETTE[i % PALETTE.length]; }
  function setText(id, text) { var el = $(id); if (el) el.textContent = text; }

  /** Replaces a table body with rows; each cell: { text, testid?, num? }. */
  function fillTable(tableId, rows, emptyText, columns) {
    var body = $(tableId).querySelector('tbody');
    body.replaceChildren();
    if (rows.length === 0) {
      var tr = document.createElement('tr');
      var td = document.createElement('td');
      td.colSpan = columns;
      td.className = 'empty';
      td.textContent = emptyText;
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    rows.forEach(function (row) {
      var tr = document.createElement('tr');
      if (row.testid) tr.setAttribute('data-testid', row.testid);
      row.cells.forEach(function (cell) {
        var td = document.createElement('td');
        if (cell.indicator) {
          var badge = document.createElement('span');
          badge.className = 'badge ind-' + cell.indicator;
          badge.textContent = cell.text;
          td.appendChild(badge);
        } else if (cell.onClick) {
          var button = document.createElement('button');
          button.type = 'button';
          button.className = 'link';
          button.textContent = cell.text;
          if (cell.pressed !== undefined) button.setAttribute('aria-pressed', String(cell.pressed));
          button.addEventListener('click', cell.onClick);
          td.appendChild(button);
        } else {
          td.textContent = cell.text;
        }
        if (cell.testid) td.setAttribute('data-testid', cell.testid);
        if (cell.num) td.className = 'num';
        if (cell.title) td.title = cell.title;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    // Right-align the headers of numeric columns like their cells.
    var heads = $(tableId).querySelectorAll('thead th');
    rows[0].cells.forEach(function (cell, i) { if (heads[i]) heads[i].className = cell.num ? 'num' : ''; });
  }

  function upsertChart(canvas, config) {
    if (typeof window.Chart === 'undefined' || !canvas) return null;
    var chart = window.Chart.getChart(canvas);
    if (chart) {
      chart.data.labels = config.data.labels;
      chart.data.datasets = config.data.datasets;
      chart.update('none');
      return chart;
    }
    return new window.Chart(canvas, config);
  }

  function lineOptions(yTitle, beginAtZero) {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      // An interval without observations is a gap, not a straight line to the next value.
      spanGaps: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
      scales: {
        x: { ticks: { maxTicksLimit: 8, autoSkip: true } },
        y: { beginAtZero: beginAtZero !== false, title: { display: Boolean(yTitle), text: yTitle } },
      },
    };
  }

  /** Request rate (calls/s, all services) and error percentage per interval. */
  function renderRate(s, series) {
    var sec = series.intervalMs / 1000;
    var labels = series.points.map(function (p) { return fmtTime(p.t); });
    var rate = [], errPct = [];
    series.points.forEach(function (p) {
      var req = 0, err = 0;
      Object.keys(p.traffic).forEach(function (k) { req += p.traffic[k].requests; err += p.traffic[k].errors; });
      rate.push(Math.round((req / sec) * 100) / 100);
      // No call in the interval: the error percentage is unknown (a gap), not 0 %.
      errPct.push(req > 0 ? Math.round((err / req) * 1000) / 10 : null);
    });
    upsertChart($('rate-chart'), {
      type: 'line',
      data: { labels: labels, datasets: [
        { label: 'calls / s', data: rate, yAxisID: 'y', borderColor: '#2457a6', backgroundColor: '#2457a6', borderWidth: 2, pointRadius: 0 },
        { label: 'errors %', data: errPct, yAxisID: 'y1', borderColor: '#cf222e', backgroundColor: '#cf222e', borderWidth: 2, pointRadius: 0 },
      ] },
      options: (function () {
        var o = lineOptions('calls / s');
        o.scales.y1 = { position: 'right', min: 0, max: 100, title: { display: true, text: 'errors %' }, grid: { drawOnChartArea: false } };
        return o;
      })(),
    });
  }

  function renderErrors(s) {
    fillTable('errors-table', s.errors.map(function (e) {
      return { cells: [
        { text: e.status }, { text: e.reason }, { text: e.service },
        { text: fmtInt(e.count), testid: 'errors-' + e.status + '-' + e.reason, num: true },
      ] };
    }), 'No error', 4);
    fillTable('recent-errors-table', s.recentErrors.slice(0, 20).map(function (e, i) {
      return { testid: 'recent-error-' + i, cells: [
        { text: fmtTime(Date.parse(e.time)) }, { text: e.service }, { text: String(e.status) }, { text: e.reason }, { text: e.issuer },
      ] };
    }), 'No error', 5);
  }

  function fmtBytes(n) { return n === null || n === undefined ? '–' : (n / 1048576).toFixed(1) + ' MiB'; }
  function fmtDuration(sec) {
    if (sec === null || sec === undefined) return '–';
    var d = Math.floor(sec / 86400), h = Math.floor((sec % 86400) / 3600), m = Math.floor((sec % 3600) / 60);
    return (d ? d + ' d ' : '') + (d || h ? h + ' h ' : '') + m + ' min';
  }

  function kv(listId, pairs) {
    var list = $(listId);
    list.replaceChildren();
    pairs.forEach(function (p) {
      var dt = document.createElement('dt'); dt.textContent = p[0];
      var dd = document.createElement('dd'); dd.textContent = p[1];
      if (p[2]) dd.setAttribute('data-testid', p[2]);
      if (p[3]) dd.className = p[3];
      list.appendChild(dt); list.appendChild(dd);
    });
  }

  function renderHealth(s) {
    var p = s.process;
    if (p) {
      kv('process-health', [
        ['CPU', p.cpuPercent === null ? '–' : p.cpuPercent.toFixed(1) + ' % of a core', 'process-cpu'],
        ['Memory (RSS)', fmtBytes(p.rssBytes), 'process-rss'],
        ['Heap used / total', fmtBytes(p.heapUsedBytes) + ' / ' + fmtBytes(p.heapTotalBytes), 'process-heap'],
        ['Event-loop delay p50 / p99 / max', [p.eventLoopDelayMs.p50, p.eventLoopDelayMs.p99, p.eventLoopDelayMs.max].map(fmtMs).join(' / '), 'process-loop-delay',
          p.eventLoopDelayMs.p99 !== null && p.eventLoopDelayMs.p99 > 100 ? 'bad' : ''],
        ['Uptime', fmtDuration(p.uptimeS), 'process-uptime'],
        ['Version', (p.version || '–') + ' · Node ' + p.node, 'process-version'],
        ['Commit', p.commit ? p.commit.slice(0, 12) : '–', 'process-commit'],
        ['Hooks waiting admission (HOOK_MAX_CONCURRENT)', fmtInt(s.hooksWaitingAdmission), 'hooks-waiting-admission', s.hooksWaitingAdmission > 0 ? 'warn' : ''],
      ]);
    }
    var r = s.redis;
    $('panel-redis').hidden = !r;
    if (r) {
      kv('redis-health', [
        ['Version / uptime', (r.version || '–') + ' / ' + fmtDuration(r.uptimeS), 'redis-version'],
        ['Memory used / peak / max', [r.usedMemory, r.peakMemory, r.maxMemory].map(function (x) { return x || '–'; }).join(' / '), 'redis-memory'],
        ['Clients (blocked)', fmtInt(r.connectedClients) + ' (' + fmtInt(r.blockedClients) + ')', 'redis-clients'],
        ['Eviction policy', r.evictionPolicy || '–', 'redis-eviction', r.evictionPolicy && r.evictionPolicy !== 'noeviction' ? 'bad' : ''],
        ['Persistence', r.aofEnabled === null ? '–' : (r.aofEnabled ? 'AOF on' : 'AOF off') + (r.rdbLastSaveStatus ? ', last RDB save ' + r.rdbLastSaveStatus : ''), 'redis-persistence', r.aofEnabled === false ? 'warn' : ''],
      ]);
      var w = $('redis-warnings');
      w.hidden = !(r.warnings.length || r.error);
      w.textContent = [r.error].concat(r.warnings).filter(Boolean).join(' · ');
    }
  }

  function renderClients(s) {
    fillTable('clients-table', s.clients.map(function (c) {
      var key = c.issuer + (c.tenant ? '-' + c.tenant : '');
      var answered = c.accepted + c.overridden;
      return { testid: 'client-row-' + key, cells: [
        { text: c.issuer }, { text: c.tenant || '–' },
        { text: fmtInt(c.hooks), testid: 'client-hooks-' + key, num: true },
        { text: fmtInt(c.errors), testid: 'client-errors-' + key, num: true },
        { text: fmtInt(c.accepted), testid: 'client-accepted-' + key, num: true },
        { text: fmtInt(c.overridden), testid: 'client-overridden-' + key, num: true },
        { text: answered ? fmtRate(c.accepted / answered) : '–', num: true },
      ] };
    }), 'No client call yet', 7);
  }

  function renderHeader(s) {
    var ready = s.readiness && s.readiness.ready;
    var degraded = ready && s.readiness.degraded;
    var pill = $('readiness-status');
    pill.textContent = !ready ? 'not ready' : degraded ? 'degraded' : 'ready';
    pill.className = 'pill ' + (!ready ? 'bad' : degraded ? 'warn' : 'ok');
    setText('service-mode', s.service.mode);
    setText('auth-mode', s.service.authMode);
    setText('execution-provider', s.service.executionProvider || '–');
    setText('last-updated', fmtTime(Date.parse(s.generatedAt)));
    $('dev-warning').hidden = s.service.authMode !== 'development';
    $('access-warning').hidden = s.service.operatorAccess !== 'open';
  }

  function renderKpis(s) {
    var requests = 0, errors = 0, misses = 0, cards = 0;
    s.traffic.forEach(function (t) {
      requests += t.requests; errors += t.clientErrors + t.serverErrors; misses += t.deadlineMisses; cards += t.cards;
    });
    setText('kpi-requests', fmtInt(requests));
    setText('kpi-errors', fmtInt(errors));
    setText('kpi-deadline-misses', fmtInt(misses));
    setText('kpi-cards', fmtInt(cards));
    setText('kpi-acceptance-rate', fmtRate(s.feedback.acceptanceRate));
    setText('kpi-models', fmtInt(s.models.length));
  }

  function renderTraffic(s, series) {
    fillTable('traffic-table', s.traffic.map(function (t) {
      return {
        testid: 'traffic-row-' + t.service,
        cells: [
          { text: t.service },
          { text: fmtInt(t.requests), testid: 'traffic-requests-' + t.service, num: true },
          { text: fmtInt(t.ok), testid: 'traffic-ok-' + t.service, num: true },
          { text: fmtInt(t.clientErrors), testid: 'traffic-4xx-' + t.service, num: true },
          { text: fmtInt(t.serverErrors), testid: 'traffic-5xx-' + t.service, num: true },
          { text: fmtInt(t.deadlineMisses), testid: 'traffic-deadline-misses-' + t.service, num: true },
          { text: fmtInt(t.cards), testid: 'traffic-cards-' + t.service, num: true },
          { text: fmtInt(t.suggestions), testid: 'traffic-suggestions-' + t.service, num: true },
        ],
      };
    }), 'No hook calls yet', 8);

    var services = [];
    series.points.forEach(function (p) {
      Object.keys(p.traffic).forEach(function (svc) { if (services.indexOf(svc) < 0) services.push(svc); });
    });
    services.sort();
    setText('traffic-unit', 'calls per ' + (series.intervalMs / 1000) + ' s interval');
    var labels = series.points.map(function (p) { return fmtTime(p.t); });
    var datasets = [];
    services.forEach(function (svc, i) {
      datasets.push({
        label: svc + ' calls',
        data: series.points.map(function (p) { return p.traffic[svc] ? p.traffic[svc].requests : 0; }),
        borderColor: color(i), backgroundColor: color(i), borderWidth: 2, pointRadius: 0,
        prognos: { service: svc, kind: 'requests' },
      });
      datasets.push({
        label: svc + ' errors',
        data: series.points.map(function (p) { return p.traffic[svc] ? p.traffic[svc].errors : 0; }),
        borderColor: color(i), backgroundColor: color(i), borderWidth: 1, borderDash: [5, 4], pointRadius: 0,
        prognos: { service: svc, kind: 'errors' },
      });
    });
    upsertChart($('traffic-chart'), { type: 'line', data: { labels: labels, datasets: datasets }, options: lineOptions('calls / interval') });
  }

  function renderLatency(s, series) {
    setText('latency-window', '(' + Math.round(series.windowMs / 1000) + ' s)');
    fillTable('latency-table', s.latency.map(function (l) {
      return {
        testid: 'latency-row-' + l.stage,
        cells: [
          { text: l.stage },
          { text: fmtInt(l.count), testid: 'latency-count-' + l.stage, num: true },
          { text: fmtMs(l.p50), testid: 'latency-p50-' + l.stage, num: true },
          { text: fmtMs(l.p95), testid: 'latency-p95-' + l.stage, num: true },
          { text: fmtMs(l.p99), testid: 'latency-p99-' + l.stage, num: true },
          { text: fmtMs(l.meanMs), testid: 'latency-mean-' + l.stage, num: true },
        ],
      };
    }), 'No latency observed yet', 6);

    var stages = s.latency.map(function (l) { return l.stage; });
    var container = $('latency-charts');
    var labels = series.points.map(function (p) { return fmtTime(p.t); });
    stages.forEach(function (stage) {
      var canvas = document.querySelector('canvas[data-stage="' + CSS.escape(stage) + '"]');
      if (!canvas) {
        var figure = document.createElement('figure');
        var caption = document.createElement('figcaption');
        caption.textContent = stage;
        var wrap = document.createElement('div');
        wrap.className = 'chart';
        canvas = document.createElement('canvas');
        canvas.setAttribute('data-stage', stage);
        canvas.setAttribute('data-testid', 'latency-chart-' + stage);
        wrap.appendChild(canvas);
        figure.appendChild(caption);
        figure.appendChild(wrap);
        container.appendChild(figure);
      }
      var datasets = ['p50', 'p95', 'p99'].map(function (q) {
        return {
          label: q,
          data: series.points.map(function (p) { return p.latency[stage] ? p.latency[stage][q] : null; }),
          borderColor: QUANTILE_COLORS[q], backgroundColor: QUANTILE_COLORS[q], borderWidth: 2, pointRadius: 0,
        };
      });
      if (stage === 'total') {
        // Reference lines: this service's hook deadline and the CDS Hooks spec's ~500 ms guidance.
        var refs = [{ label: 'spec ~500 ms', value: 500, color: '#d4a017' }];
        if (s.service.hookDeadlineMs) refs.push({ label: 'deadline ' + s.service.hookDeadlineMs + ' ms', value: s.service.hookDeadlineMs, color: '#cf222e' });
        refs.forEach(function (r) {
          datasets.push({
            label: r.label, data: series.points.map(function () { return r.value; }), prognos: { reference: true },
            borderColor: r.color, backgroundColor: r.color, borderWidth: 1.5, borderDash: [6, 4], pointRadius: 0,
          });
        });
      }
      upsertChart(canvas, { type: 'line', data: { labels: labels, datasets: datasets }, options: lineOptions('ms') });
    });
  }

  function renderQueue(s, series) {
    var distributed = s.queue !== null || s.workers !== null;
    $('panel-queue').hidden = !distributed;
    if (!distributed) return;
    var counts = s.queue && s.queue.counts;
    setText('queue-waiting', counts ? fmtInt(counts.waiting + counts.prioritized) : '–');
    setText('queue-active', counts ? fmtInt(counts.active) : '–');
    setText('queue-delayed', counts ? fmtInt(counts.delayed) : '–');
    setText('queue-failed', counts ? fmtInt(counts.failed) : '–');
    var batches = s.queue && s.queue.batches;
    setText('queue-inputs-per-job', batches && batches.inputsPerJob !== null ? batches.inputsPerJob.toFixed(2) : '–');
    setText('workers-online', s.workers ? fmtInt(s.workers.online) : '–');
    var errors = [s.queue && s.queue.error, s.workers && s.workers.error].filter(Boolean);
    $('queue-error').hidden = errors.length === 0;
    setText('queue-error', errors.join(' · '));
    fillTable('workers-table', (s.workers ? s.workers.list : []).map(function (w) {
      var batches = Object.keys(w.batches || {}).sort(function (a, b) { return Number(a) - Number(b); })
        .map(function (size) { return size + '×' + w.batches[size]; }).join('  ');
      return {
        testid: 'worker-row-' + w.id,
        cells: [
          { text: w.id },
          { text: w.provider, testid: 'worker-provider-' + w.id },
          { text: (w.host || '–') + (w.pid ? ' / ' + w.pid : '') },
          { text: w.concurrency === undefined ? '–' : String(w.concurrency), num: true },
          { text: w.started ? fmtDuration((Date.now() - Date.parse(w.started)) / 1000) : '–' },
          { text: fmtTime(Date.parse(w.lastSeen)) },
          { text: w.jobs ? Object.keys(w.jobs).filter(function (k) { return w.jobs[k] > 0; }).map(function (k) { return k + ' ' + w.jobs[k]; }).join(', ') || '–' : '–', testid: 'worker-jobs-' + w.id },
          { text: batches || '–', testid: 'worker-batches-' + w.id },
        ],
      };
    }), 'No worker online', 8);
    var points = series.points.filter(function (p) { return p.queue; });
    upsertChart($('queue-chart'), {
      type: 'line',
      data: {
        labels: points.map(function (p) { return fmtTime(p.t); }),
        datasets: ['waiting', 'active', 'failed'].map(function (k, i) {
          return {
            label: k, data: points.map(function (p) { return p.queue[k]; }),
            borderColor: color(i), backgroundColor: color(i), borderWidth: 2, pointRadius: 0,
          };
        }),
      },
      options: lineOptions('jobs'),
    });
  }

  function renderModels(s) {
    fillTable('models-table', s.models.map(function (m) {
      return {
        testid: 'model-row-' + m.id,
        cells: [
          { text: m.id, testid: 'model-id-' + m.id },
          { text: m.version, testid: 'model-version-' + m.id },
          { text: m.citation, title: m.citation },
          { text: m.loadMs === undefined || m.loadMs === null ? '–' : fmtMs(m.loadMs), num: true },
          { text: m.origin },
        ],
      };
    }), 'No model loaded', 5);
  }

  function renderReadiness(s) {
    var list = $('readiness-checks');
    list.replaceChildren();
    var checks = (s.readiness && s.readiness.checks) || {};
    Object.keys(checks).sort().forEach(function (name) {
      var li = document.createElement('li');
      li.className = !checks[name].ok ? 'bad' : (name === 'auth' && s.service.authMode === 'development' ? 'warn' : 'ok');
      li.setAttribute('data-testid', 'readiness-check-' + name);
      li.setAttribute('data-ok', String(checks[name].ok));
      var strong = document.createElement('strong');
      strong.textContent = name;
      li.appendChild(strong);
      if (checks[name].detail) {
        var detail = document.createElement('span');
        detail.className = 'detail';
        detail.textContent = checks[name].detail;
        li.appendChild(detail);
      }
      list.appendChild(li);
    });
    if (!checks.auth) list.appendChild(authModeItem(s));
    $('readiness-error').hidden = !s.readiness.error;
    setText('readiness-error', s.readiness.error || '');
  }

  /** CDS client auth mode as a readiness line: development mode is a warning, not a failure. */
  function authModeItem(s) {
    var li2 = document.createElement('li');
    li2.className = s.service.authMode === 'jwt' ? 'ok' : 'warn';
    li2.setAttribute('data-testid', 'readiness-check-auth-mode');
    var strong2 = document.createElement('strong');
    strong2.textContent = 'CDS client auth';
    var d2 = document.createElement('span');
    d2.className = 'detail';
    d2.textContent = s.service.authMode === 'jwt' ? 'JWT verified against configured issuers' : 'development mode (no issuers)';
    li2.appendChild(strong2);
    li2.appendChild(d2);
    return li2;
  }

  function renderCards(s) {
    fillTable('cards-table', s.cards.map(function (c) {
      return {
        cells: [
          { text: c.service }, { text: c.indicator, indicator: c.indicator },
          { text: fmtInt(c.count), testid: 'cards-' + c.service + '-' + c.indicator, num: true },
        ],
      };
    }), 'No cards returned yet', 3);
    var services = [], indicators = [];
    s.cards.forEach(function (c) {
      if (services.indexOf(c.service) < 0) services.push(c.service);
      if (indicators.indexOf(c.indicator) < 0) indicators.push(c.indicator);
    });
    indicators.sort(function (a, b) { return INDICATOR_ORDER.indexOf(a) - INDICATOR_ORDER.indexOf(b); });
    upsertChart($('cards-chart'), {
      type: 'bar',
      data: {
        labels: services,
        datasets: indicators.map(function (ind, i) {
          return {
            label: ind,
            data: services.map(function (svc) {
              var hit = s.cards.find(function (c) { return c.service === svc && c.indicator === ind; });
              return hit ? hit.count : 0;
            }),
            backgroundColor: indicatorColor(ind),
          };
        }),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  function renderFeedback(s) {
    var f = s.feedback;
    setText('feedback-accepted', fmtInt(f.accepted));
    setText('feedback-overridden', fmtInt(f.overridden));
    setText('feedback-acceptance-rate', fmtRate(f.acceptanceRate));
    setText('feedback-override-rate', fmtRate(f.overrideRate));
    fillTable('override-reasons-table', f.topOverrideReasons.slice(0, 10).map(function (r) {
      return { cells: [{ text: r.reason }, { text: fmtInt(r.count), testid: 'override-reason-' + r.reason, num: true }] };
    }), 'No coded override reason yet', 2);
    var store = s.feedbackStore;
    var note = $('feedback-store');
    if (store && (store.accepted !== undefined || store.overridden !== undefined)) {
      note.hidden = false;
      note.textContent = 'Feedback store (all time): ' + fmtInt(store.accepted) + ' accepted, ' + fmtInt(store.overridden) + ' overridden';
    } else {
      note.hidden = true;
    }
  }

  /** Non-empty batch-size buckets as "≤4: 12 runs" items. */
  function batchDistribution(buckets) {
    var parts = [];
    (buckets || []).forEach(function (b, i) {
      if (b.runs <= 0) return;
      var bound = b.le === '+Inf' ? '>' + (i > 0 ? buckets[i - 1].le : 0) : '≤' + b.le;
      parts.push(bound + ': ' + fmtInt(b.runs));
    });
    return parts.length ? parts.join(', ') : '–';
  }

  function renderInference(s, series) {
    fillTable('inference-table', s.inference.map(function (r) {
      var key = r.model + '-' + r.provider;
      return {
        cells: [
          { text: r.model }, { text: r.provider },
          { text: fmtInt(r.rows), testid: 'inference-rows-' + key, num: true },
          { text: fmtInt(r.runs), testid: 'inference-runs-' + key, num: true },
          { text: r.meanBatchSize === null ? '–' : r.meanBatchSize.toFixed(2), testid: 'inference-batch-' + key, num: true },
          { text: batchDistribution(r.batchSizes), testid: 'inference-batch-sizes-' + key },
        ],
      };
    }), 'No inference yet', 6);
    var keys = [];
    series.points.forEach(function (p) {
      Object.keys(p.batchSize).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); });
    });
    keys.sort();
    upsertChart($('batch-chart'), {
      type: 'line',
      data: {
        labels: series.points.map(function (p) { return fmtTime(p.t); }),
        datasets: keys.map(function (k, i) {
          return {
            label: k, data: series.points.map(function (p) { return p.batchSize[k] === undefined ? null : p.batchSize[k]; }),
            borderColor: color(i), backgroundColor: color(i), borderWidth: 2, pointRadius: 0,
          };
        }),
      },
      options: lineOptions('rows per run'),
    });
  }

  /** Reason chosen for the data-quality drill-down (null: none). */
  state.dqReason = null;

  function renderQuality(s) {
    var detailReasons = {};
    (s.dataQualityDetail || []).forEach(function (d) { detailReasons[d.reason] = true; });
    fillTable('dq-table', s.dataQualityExclusions.map(function (r) {
      var drill = detailReasons[r.reason] ? function () {
        state.dqReason = state.dqReason === r.reason ? null : r.reason;
        renderDqDetail(s);
        renderQuality(s);
      } : null;
      return { cells: [
        drill ? { text: r.reason, onClick: drill, pressed: state.dqReason === r.reason } : { text: r.reason },
        { text: fmtInt(r.count), testid: 'dq-' + r.reason, num: true },
      ] };
    }), 'No exclusion', 2);
    renderDqDetail(s);
    fillTable('not-computed-table', s.predictionsNotComputed.map(function (r) {
      return { cells: [{ text: r.model }, { text: r.reason }, { text: fmtInt(r.count), testid: 'not-computed-' + r.model + '-' + r.reason, num: true }] };
    }), 'None', 3);
    fillTable('jwt-table', s.jwtRejections.map(function (r) {
      return { cells: [{ text: r.reason }, { text: fmtInt(r.count), testid: 'jwt-rejections-' + r.reason, num: true }] };
    }), 'No rejection', 2);
    var fhirRows = s.fhirQueries.map(function (r) {
      var label = r.outcome === 'refused' ? 'refused (query needed, server not allowed)' : r.outcome;
      return { cells: [{ text: label }, { text: fmtInt(r.count), testid: 'fhir-queries-' + r.outcome, num: true }] };
    });
    (s.fhirNotNeeded || []).forEach(function (r) {
      fhirRows.push({ cells: [
        { text: 'not needed: prefetch complete (' + (r.server === 'allowed' ? 'server allowed' : 'server not allowed') + ')' },
        { text: fmtInt(r.count), testid: 'fhir-not-needed-' + r.server, num: true },
      ] });
    });
    fillTable('fhir-table', fhirRows, 'No FHIR query', 2);
  }

  /** Value-level exclusions for the chosen reason, by concept and unit (no patient data). */
  function renderDqDetail(s) {
    var box = $('dq-detail');
    box.hidden = !state.dqReason;
    if (!state.dqReason) return;
    setText('dq-detail-reason', state.dqReason);
    fillTable('dq-detail-table', (s.dataQualityDetail || []).filter(function (d) { return d.reason === state.dqReason; }).map(function (d) {
      return { cells: [
        { text: d.concept }, { text: d.unit },
        { text: fmtInt(d.count), testid: 'dq-detail-' + d.reason + '-' + d.concept + '-' + d.unit, num: true },
      ] };
    }), 'No value-level detail for this reason', 3);
  }

  state.ruleKind = null;

  function fmtCi(ci) { return ci ? ' (' + (ci[0] * 100).toFixed(0) + '–' + (ci[1] * 100).toFixed(0) + ' %)' : ''; }

  function renderRules(a) {
    setText('rules-window', (a.ignoredAfterMs / 3600000) + ' h');
    var kinds = {};
    a.rules.forEach(function (r) { kinds[r.kind] = true; });
    if (state.ruleKind && !kinds[state.ruleKind]) state.ruleKind = null;
    fillTable('rules-table', a.rules.map(function (r) {
      return {
        testid: 'rule-row-' + r.kind,
        cells: [
          { text: r.kind, pressed: state.ruleKind === r.kind, onClick: function () {
            state.ruleKind = state.ruleKind === r.kind ? null : r.kind;
            renderRules(a);
          } },
          { text: fmtInt(r.shown), testid: 'rule-shown-' + r.kind, num: true },
          { text: fmtInt(r.accepted), testid: 'rule-accepted-' + r.kind, num: true },
          { text: fmtInt(r.overridden), testid: 'rule-overridden-' + r.kind, num: true },
          { text: fmtInt(r.ignored), testid: 'rule-ignored-' + r.kind, num: true },
          { text: fmtInt(r.pending), testid: 'rule-pending-' + r.kind, num: true },
          { text: fmtRate(r.acceptanceRate) + fmtCi(r.acceptanceCi), testid: 'rule-acceptance-' + r.kind, num: true },
          { text: r.topOverrideReasons.map(function (x) { return x.code + ' ×' + x.count; }).join(', ') || '–', testid: 'rule-reasons-' + r.kind },
        ],
      };
    }), 'No card shown yet', 8);
    setText('rules-trend-kind', state.ruleKind ? '(' + state.ruleKind + ')' : '(all rules)');
    var buckets = {};
    a.rules.forEach(function (r) {
      if (state.ruleKind && r.kind !== state.ruleKind) return;
      r.trend.forEach(function (p) {
        var b = buckets[p.t] || (buckets[p.t] = { accepted: 0, overridden: 0, ignored: 0 });
        b.accepted += p.accepted; b.overridden += p.overridden; b.ignored += p.ignored;
      });
    });
    var times = Object.keys(buckets).sort();
    var colours = { accepted: '#2457a6', overridden: '#8e44ad', ignored: '#9aa5b1' };
    upsertChart($('rules-trend-chart'), {
      type: 'bar',
      data: {
        labels: times.map(function (t) { return a.bucket === 'day' ? t.slice(0, 10) : t.slice(0, 13) + 'h'; }),
        datasets: ['accepted', 'overridden', 'ignored'].map(function (k) {
          return { label: k, data: times.map(function (t) { return buckets[t][k]; }), backgroundColor: colours[k] };
        }),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  /** Drift panel (api/dashboard/drift): per model output, the prediction distribution and missing inputs. */
  var BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
  function sparkline(counts) {
    var max = Math.max.apply(null, counts.concat([1]));
    return counts.map(function (c) { return c === 0 ? '·' : BARS[Math.min(7, Math.floor((c / max) * 7.999))]; }).join('');
  }
  function renderDrift(d) {
    var body = $('drift-table').querySelector('tbody');
    body.replaceChildren();
    var missingBy = {};
    d.missingness.forEach(function (m) { missingBy[m.model] = m; });
    if (d.predictions.length === 0) {
      var tr0 = document.createElement('tr');
      var td0 = document.createElement('td');
      td0.colSpan = 8; td0.className = 'empty'; td0.textContent = 'No prediction yet';
      tr0.appendChild(td0); body.appendChild(tr0);
      return;
    }
    d.predictions.forEach(function (p) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-testid', 'drift-' + p.model + '-' + p.output);
      var last = p.bins.length ? p.bins[p.bins.length - 1] : null;
      var miss = missingBy[p.model];
      var top = miss ? Object.keys(miss.inputs).filter(function (k) { return miss.inputs[k] > 0; })
        .sort(function (a, b) { return miss.inputs[b] - miss.inputs[a]; }).slice(0, 3)
        .map(function (k) { return k + ' ' + fmtRate(miss.inputs[k]); }).join(', ') : '';
      [p.model + ' v' + p.version, p.output, fmtInt(p.n), p.mean === null ? '–' : fmtRate(p.mean),
        last && last.mean !== null ? fmtRate(last.mean) : '–', sparkline(p.deciles), top || 'none'].forEach(function (text, i) {
        var td = document.createElement('td');
        td.textContent = text;
        if (i === 2 || i === 3 || i === 4) td.className = 'num';
        if (i === 5) td.title = p.deciles.join(' / ');
        tr.appendChild(td);
      });
      var cardTd = document.createElement('td');
      if (d.modelCards[p.model]) {
        var a = document.createElement('a');
        a.href = d.modelCards[p.model].replace(/^\//, '../');
        a.textContent = 'model card';
        a.setAttribute('data-testid', 'model-card-' + p.model);
        cardTd.appendChild(a);
      } else {
        cardTd.textContent = '–';
      }
      tr.appendChild(cardTd);
      body.appendChild(tr);
    });
  }

  function fetchJson(url) {
    return fetch(apiUrl(url), { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) throw new Error(res.status === 401 || res.status === 403 ? 'Not authorized (' + res.status + ')' : 'HTTP ' + res.status);
        return res.json();
      });
  }

  function refresh() {
    // The per-rule analytics read the whole feedback store: at most every 30 s, not every refresh.
    var rulesDue = !state.rulesAt || Date.now() - state.rulesAt >= Math.max(30000, state.refreshMs);
    return Promise.all([
      fetchJson('api/dashboard/summary'),
      fetchJson('api/dashboard/timeseries?minutes=' + encodeURIComponent($('time-range').value)),
      rulesDue ? fetchJson('api/feedback/rules') : Promise.resolve(null),
    ])
      .then(function (both) {
        var s = both[0], series = both[1];
        if (both[2]) { state.rulesAt = Date.now(); renderRules(both[2]); }
        var override = Number(new URLSearchParams(location.search).get('refresh'));
        state.refreshMs = override >= 250 ? override : s.refreshMs;
        renderHeader(s);
        renderKpis(s);
        renderTraffic(s, series);
        renderRate(s, series);
        renderErrors(s);
        renderHealth(s);
        renderClients(s);
        renderLatency(s, series);
        renderQueue(s, series);
        renderModels(s);
        renderReadiness(s);
        renderCards(s);
        renderFeedback(s);
        renderInference(s, series);
        renderQuality(s);
        fetchJson('api/dashboard/drift').then(renderDrift).catch(function () { /* the panel keeps its last state */ });
        var first = series.points[0];
        setText('history-span', first ? Math.max(1, Math.round((Date.now() - first.t) / 60000)) + ' min' : '–');
        $('fetch-error').hidden = true;
        state.refreshes += 1;
        document.body.setAttribute('data-refreshes', String(state.refreshes));
        document.body.setAttribute('data-generated-at', s.generatedAt);
      })
      .catch(function (err) {
        var banner = $('fetch-error');
        banner.hidden = false;
        banner.textContent = 'Could not refresh: ' + err.message;
      })
      .then(function () {
        state.timer = setTimeout(refresh, state.refreshMs);
      });
  }

  // A new time range applies at once, not at the next refresh.
  $('time-range').addEventListener('change', function () {
    clearTimeout(state.timer);
    refresh();
  });

  if (typeof window.Chart === 'undefined') {
    var banner = $('fetch-error');
    banner.hidden = false;
    banner.textContent = 'Chart library not available: tables only.';
  }
  refresh();
})();
