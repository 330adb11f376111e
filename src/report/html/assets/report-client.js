/* The report page: reads the embedded JSON and builds the DOM. Every piece of data goes through
   textContent or a DOM property, never innerHTML, so names from the fleet cannot become markup. */
(function () {
  var SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
  var COLORS = { critical: '#8e1b1b', high: '#d9480f', medium: '#e0a800', low: '#1c7ed6', info: '#868e96' };
  var data = JSON.parse(document.getElementById('report-data').textContent);

  // Laying out one unbreakable multi-kilobyte word costs seconds; long values are cut for display
  // (search still sees them whole) and the cut is said, never hidden.
  var DISPLAY_CHARS = 2000;
  function clip(text) {
    text = String(text);
    return text.length > DISPLAY_CHARS
      ? `${text.slice(0, DISPLAY_CHARS)}… (${text.length - DISPLAY_CHARS} more characters)`
      : text;
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = clip(text);
    return node;
  }
  function append(parent, ...children) {
    for (const child of children) if (child) parent.appendChild(child);
    return parent;
  }
  function byId(id) {
    return document.getElementById(id);
  }
  function sev(s) {
    return el('span', `sev sev-${s}`, s);
  }
  function row(cells) {
    var tr = el('tr');
    cells.forEach(function (c) {
      var td = el('td');
      if (c instanceof Node) td.appendChild(c);
      else td.textContent = c === undefined || c === null ? '' : clip(c);
      tr.appendChild(td);
    });
    return tr;
  }
  function table(headers) {
    var t = el('table'),
      thead = el('thead'),
      tr = el('tr');
    headers.forEach(function (h) {
      tr.appendChild(el('th', null, h));
    });
    append(t, append(thead, tr), el('tbody'));
    return t;
  }
  function empty(container, text) {
    container.appendChild(el('p', 'empty', text));
  }
  function pct(v) {
    return `${(v <= 1 ? v * 100 : v).toFixed(1)}%`;
  }

  var charts = [];
  function chart(container, id, config) {
    var box = el('div', 'chart'),
      canvas = el('canvas');
    canvas.id = id;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', config.label);
    append(container, append(box, canvas));
    config.options = Object.assign(
      {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { title: { display: true, text: config.label }, legend: { display: config.legend !== false } },
      },
      config.options || {},
    );
    charts.push(new Chart(canvas, { type: config.type, data: config.data, options: config.options }));
  }

  // Summary
  var s = data.summary;
  byId('generated').textContent = `Generated ${data.generatedAt}`;
  var cards = byId('summary-cards');
  [
    ['Hosts', s.hosts],
    ['VMs', s.vms],
    ['Perimeters', s.perimeters],
    ['Open findings', s.openTotal],
  ]
    .concat(
      SEVERITIES.map(function (x) {
        return [x, s.open[x]];
      }),
    )
    .concat([
      ['Waived', s.waived],
      ['Resolved', s.resolved],
    ])
    .forEach(function (c) {
      append(cards, append(el('div', 'card'), el('div', 'value', c[1]), el('div', 'label', c[0])));
    });

  var overview = byId('overview-charts');
  chart(overview, 'chart-severity', {
    type: 'bar',
    label: 'Open findings by severity',
    legend: false,
    data: {
      labels: SEVERITIES,
      datasets: [
        {
          label: 'open',
          data: SEVERITIES.map(function (x) {
            return s.open[x];
          }),
          backgroundColor: SEVERITIES.map(function (x) {
            return COLORS[x];
          }),
        },
      ],
    },
  });
  var cats = Object.keys(s.byCategory).sort();
  chart(overview, 'chart-category', {
    type: 'doughnut',
    label: 'Open findings by category',
    data: {
      labels: cats,
      datasets: [
        {
          data: cats.map(function (c) {
            return s.byCategory[c];
          }),
          backgroundColor: ['#4263eb', '#d9480f', '#2b8a3e', '#ae3ec9', '#868e96'],
        },
      ],
    },
  });

  // Heatmap
  var heat = byId('heatmap');
  if (data.heatmap.length === 0) empty(heat, 'No hosts in the inventory.');
  var clusters = {};
  data.heatmap.forEach(function (h) {
    clusters[h.cluster] = clusters[h.cluster] || [];
    clusters[h.cluster].push(h);
  });
  Object.keys(clusters)
    .sort()
    .forEach(function (name) {
      var grid = el('div', 'heat-grid');
      clusters[name].forEach(function (h) {
        var counts = SEVERITIES.filter(function (x) {
          return h.open[x] > 0;
        })
          .map(function (x) {
            return `${h.open[x]} ${x}`;
          })
          .join(', ');
        var cell = append(
          el('div', `heat risk-${h.bucket}`),
          el('div', 'name', h.name),
          el('div', 'detail', `risk ${h.risk}${counts ? ` (${counts})` : ''}`),
          h.simulationScore !== undefined
            ? el('div', 'detail', `simulation score ${Math.round(h.simulationScore)}`)
            : null,
        );
        cell.title = h.name === h.id ? h.id : `${h.name} (${h.id})`;
        cell.dataset.host = h.id;
        grid.appendChild(cell);
      });
      append(heat, append(el('div', 'heat-cluster'), el('h3', null, name), grid));
    });

  // One line of migration or clone evidence; parts the event did not carry are left out, not guessed.
  function movementText(m) {
    var parts = [m.time];
    if (m.kind === 'clone') {
      parts.push(`cloned from VM ${m.sourceVmId || 'unknown'}`);
      if (m.toHostId) parts.push(`onto host ${m.toHostId}`);
    } else {
      parts.push(`${m.kind} migration`);
      if (m.fromHostId || m.toHostId) parts.push(`host ${m.fromHostId || 'unknown'} → ${m.toHostId || 'unknown'}`);
    }
    if (m.fromDatastore || m.toDatastore)
      parts.push(`datastore ${m.fromDatastore ? `${m.fromDatastore} → ` : ''}${m.toDatastore || 'unknown'}`);
    parts.push(`(event ${m.eventId})`);
    return parts.join(' ');
  }

  // Perimeter violations with their movement evidence
  var per = byId('perimeter');
  if (data.perimeterViolations.length === 0) empty(per, 'No open perimeter violations.');
  else {
    const pt = table(['Severity', 'Resource', 'Perimeter', 'Host', 'Violation', 'Migrations and clones']);
    data.perimeterViolations.forEach(function (v) {
      var moves = el('ul', 'moves');
      v.movements.forEach(function (m) {
        moves.appendChild(el('li', null, movementText(m)));
      });
      if (v.movements.length === 0) moves.appendChild(el('li', 'empty', 'no movement recorded'));
      pt.tBodies[0].appendChild(
        row([
          sev(v.severity),
          `${v.resourceType} ${v.vmName}`,
          v.perimeter + (v.perimeterSource === 'clone' ? ' (inherited from clone source)' : ''),
          v.hostId,
          v.title,
          moves,
        ]),
      );
    });
    per.appendChild(pt);
  }

  // Simulation
  var sim = byId('simulation');
  if (!data.simulation) empty(sim, 'No simulation run recorded. Run `hyperaudit simulate` first.');
  else {
    const sv = data.simulation,
      figures = el('div', 'cards');
    if (sv.energyKWh !== undefined)
      append(
        figures,
        append(el('div', 'card'), el('div', 'value', `${sv.energyKWh.toFixed(1)} kWh`), el('div', 'label', 'Energy')),
      );
    if (sv.overloadedTimeFraction !== undefined)
      append(
        figures,
        append(
          el('div', 'card'),
          el('div', 'value', pct(sv.overloadedTimeFraction)),
          el('div', 'label', 'Time overloaded'),
        ),
      );
    sim.appendChild(figures);
    const simCharts = append(el('div', 'charts'));
    sim.appendChild(simCharts);
    const top = sv.hosts.slice(0, 25);
    if (top.length)
      chart(simCharts, 'chart-scores', {
        type: 'bar',
        label: 'Host risk score (0–100), highest 25',
        legend: false,
        data: {
          labels: top.map(function (h) {
            return h.name || h.id;
          }),
          datasets: [
            {
              label: 'score',
              data: top.map(function (h) {
                return h.score;
              }),
              backgroundColor: '#d9480f',
            },
          ],
        },
        options: { indexAxis: 'y', scales: { x: { min: 0, max: 100 } } },
      });
    if (sv.overload.values.length)
      chart(simCharts, 'chart-overload', {
        type: 'line',
        label: 'Overload over the day',
        legend: false,
        data: {
          labels: sv.overload.labels,
          datasets: [
            { label: 'overloaded', data: sv.overload.values, borderColor: '#c92a2a', pointRadius: 0, fill: false },
          ],
        },
      });
    // Availability differs in the third or fourth nine: chart percent on an axis that does not start at zero.
    const avail = sv.availability.map(function (a) {
      return a.value <= 1 ? a.value * 100 : a.value;
    });
    const lo = Math.min.apply(null, avail),
      hi = Math.max.apply(null, avail),
      span = Math.max(hi - lo, 0.01);
    if (avail.length)
      chart(simCharts, 'chart-availability', {
        type: 'bar',
        label: 'Availability (%)',
        legend: false,
        data: {
          labels: sv.availability.map(function (a) {
            return a.label;
          }),
          datasets: [{ label: 'availability %', data: avail, backgroundColor: '#2b8a3e' }],
        },
        options: { scales: { y: { min: Math.max(0, lo - span), max: Math.min(100, hi + span / 5) } } },
      });
    const reasons = sv.hosts
      .concat(sv.vms)
      .filter(function (e) {
        return e.reasons.length;
      })
      .sort(function (a, b) {
        return b.score - a.score;
      })
      .slice(0, 15);
    if (reasons.length) {
      const rt = table(['Score', 'Host or VM', 'Why']);
      reasons.forEach(function (e) {
        rt.tBodies[0].appendChild(row([Math.round(e.score), e.name || e.id, e.reasons.join('; ')]));
      });
      sim.appendChild(rt);
    }
  }

  // Trend
  var trend = byId('trend');
  if (data.trend.length < 2)
    empty(
      trend,
      data.trend.length ? 'Only one run so far; the trend appears from the second run.' : 'No previous runs.',
    );
  chart(trend, 'chart-trend', {
    type: 'line',
    label: 'Open findings per run',
    data: {
      labels: data.trend.map(function (r) {
        return r.at;
      }),
      datasets: SEVERITIES.map(function (x) {
        return {
          label: x,
          data: data.trend.map(function (r) {
            return r.open[x] || 0;
          }),
          borderColor: COLORS[x],
          backgroundColor: COLORS[x],
        };
      }),
    },
  });

  // Findings with filters and search. Rows are built on demand and at most PAGE more at a time: a fleet
  // with ten thousand findings would otherwise spend seconds laying out rows nobody scrolls to.
  var PAGE = 500;
  var ft = table(['Severity', 'Status', 'Category', 'Rule', 'Resource', 'Finding', 'Remediation']);
  ft.id = 'findings-table';
  function findingRow(f) {
    var detail = el('details');
    append(
      detail,
      el('summary', null, f.title),
      f.rationale ? el('p', null, f.rationale) : null,
      f.controls.length ? el('p', null, `Controls: ${f.controls.join(', ')}`) : null,
      el(
        'p',
        null,
        `First seen ${f.firstSeen}, last seen ${f.lastSeen}${f.resolvedAt ? `, resolved ${f.resolvedAt}` : ''}`,
      ),
      el('pre', null, f.evidence),
    );
    var tr = row([
      sev(f.severity),
      f.status,
      f.category,
      f.ruleId,
      `${f.resourceType} ${f.resourceName}${f.resourceName !== f.resourceId ? ` (${f.resourceId})` : ''}`,
      detail,
      f.remediation,
    ]);
    tr.className = 'finding';
    tr.dataset.severity = f.severity;
    tr.dataset.category = f.category;
    tr.dataset.status = f.status;
    return tr;
  }
  var rows = data.findings.map(function (f) {
    return {
      tr: null,
      f: f,
      text: [
        f.ruleId,
        f.title,
        f.resourceId,
        f.resourceName,
        f.remediation,
        f.evidence,
        f.controls.join(' '),
        f.hostId || '',
      ]
        .join('\n')
        .toLowerCase(),
    };
  });
  var fs = byId('findings');
  var more = el('button', null, 'Show more');
  more.type = 'button';
  append(fs, ft, more);
  var sevSel = byId('filter-severity'),
    catSel = byId('filter-category'),
    statusSel = byId('filter-status'),
    search = byId('search'),
    count = byId('visible-count');
  function options(select, values) {
    values.forEach(function (v) {
      var o = el('option', null, v);
      o.value = v;
      select.appendChild(o);
    });
  }
  options(
    sevSel,
    SEVERITIES.map(function (x) {
      return x;
    }),
  );
  options(
    catSel,
    Array.from(
      new Set(
        data.findings.map(function (f) {
          return f.category;
        }),
      ),
    ).sort(),
  );
  options(statusSel, ['open', 'waived', 'resolved']);
  var limit = PAGE;
  function render() {
    var sv2 = sevSel.value,
      cv = catSel.value,
      st = statusSel.value,
      q = search.value.trim().toLowerCase();
    var matches = rows.filter(function (r) {
      return (
        (!sv2 || SEVERITIES.indexOf(r.f.severity) <= SEVERITIES.indexOf(sv2)) &&
        (!cv || r.f.category === cv) &&
        (!st || r.f.status === st) &&
        (!q || r.text.indexOf(q) !== -1)
      );
    });
    var shown = matches.slice(0, limit).map(function (r) {
      r.tr = r.tr || findingRow(r.f);
      return r.tr;
    });
    ft.tBodies[0].replaceChildren.apply(ft.tBodies[0], shown);
    count.textContent =
      matches.length +
      ' of ' +
      rows.length +
      ' findings shown' +
      (shown.length < matches.length ? ` (first ${shown.length} listed)` : '');
    more.hidden = shown.length >= matches.length;
  }
  function applyFilters() {
    limit = PAGE;
    render();
  }
  more.addEventListener('click', function () {
    limit += PAGE;
    render();
  });
  [sevSel, catSel, statusSel].forEach(function (x) {
    x.addEventListener('change', applyFilters);
  });
  search.addEventListener('input', applyFilters);
  applyFilters();

  // Waived findings
  var waived = byId('waived');
  var wlist = data.findings.filter(function (f) {
    return f.status === 'waived';
  });
  if (wlist.length === 0) empty(waived, 'No waived findings.');
  else {
    const wt = table(['Severity', 'Rule', 'Resource', 'Finding', 'Reason', 'Owner', 'Expires']);
    wlist.forEach(function (f) {
      var w = f.waiver || {};
      wt.tBodies[0].appendChild(
        row([sev(f.severity), f.ruleId, f.resourceName, f.title, w.reason, w.owner, w.expires || 'never']),
      );
    });
    waived.appendChild(wt);
  }
  document.body.dataset.ready = 'true';
})();
