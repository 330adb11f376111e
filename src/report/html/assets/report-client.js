/* The report page: reads the embedded JSON and builds the DOM. Every piece of data goes through
   textContent or a DOM property, never innerHTML, so names from the fleet cannot become markup.
   Sorting, filtering and the fix-first view are a few dozen lines here rather than a table library:
   the page must stay one file that opens offline under a hash-only CSP. */
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
      ? text.slice(0, DISPLAY_CHARS) + '… (' + (text.length - DISPLAY_CHARS) + ' more characters)'
      : text;
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = clip(text);
    return node;
  }
  function append(parent) {
    var i;
    for (i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }
  function byId(id) {
    return document.getElementById(id);
  }
  function sev(s) {
    return el('span', 'sev sev-' + s, s);
  }
  // Host and VM names break after their separators (fra-kvm-02.fra.example.com wraps at a dot or dash),
  // and only a name with no separator left to break at is cut mid-word; the full name is always on hover.
  var BREAK_AFTER = /([.\-_/:@])/;
  function nameNode(text, extraTitle) {
    text = text === undefined || text === null ? '' : String(text);
    var span = el('span', 'nm');
    span.title = clip(extraTitle ? text + ' (' + extraTitle + ')' : text);
    clip(text)
      .split(BREAK_AFTER)
      .forEach(function (part) {
        if (!part) return;
        span.appendChild(document.createTextNode(part));
        if (BREAK_AFTER.test(part)) span.appendChild(document.createElement('wbr'));
      });
    return span;
  }
  function resourceNode(f) {
    var label = f.resourceName !== f.resourceId ? f.resourceId : undefined;
    return append(el('span'), el('span', 'rtype', f.resourceType + ' '), nameNode(f.resourceName, label));
  }
  function cellContent(td, c) {
    if (c instanceof Node) td.appendChild(c);
    else td.textContent = c === undefined || c === null ? '' : clip(c);
  }
  function row(cells) {
    var tr = el('tr');
    cells.forEach(function (c) {
      var td = el('td');
      cellContent(td, c);
      tr.appendChild(td);
    });
    return tr;
  }
  function empty(container, text) {
    container.appendChild(el('p', 'empty', text));
  }
  function pct(v) {
    return (v * 100).toFixed(1) + '%';
  }
  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many || one + 's');
  }
  function compare(x, y) {
    return x < y ? -1 : x > y ? 1 : 0;
  }

  /* A table over a list of items: click a header to sort by it (again to reverse), rows built on demand
     and at most `page` at a time. A fleet with ten thousand findings would otherwise spend seconds laying
     out rows nobody scrolls to. Columns: { label, sort: item -> number|string, cell: item -> Node|string }. */
  function dataTable(opts) {
    var t = el('table', 'sortable'),
      thead = el('thead'),
      headRow = el('tr'),
      tbody = el('tbody');
    if (opts.id) t.id = opts.id;
    var items = [],
      sortCol = -1,
      dir = 1,
      page = opts.page || 0,
      limit = page,
      cache = new Map(),
      ths = [];
    var more = el('button', 'more', 'Show more');
    more.type = 'button';
    more.hidden = true;
    opts.columns.forEach(function (c, i) {
      var th = el('th'),
        b;
      if (c.sort) {
        b = el('button', 'sort', c.label);
        b.type = 'button';
        b.title = 'Sort by ' + c.label.toLowerCase();
        b.addEventListener('click', function () {
          dir = sortCol === i ? -dir : 1;
          sortCol = i;
          ths.forEach(function (h, j) {
            if (opts.columns[j].sort)
              h.setAttribute('aria-sort', j === i ? (dir > 0 ? 'ascending' : 'descending') : 'none');
          });
          limit = page;
          render();
        });
        th.setAttribute('aria-sort', 'none');
        th.appendChild(b);
      } else th.textContent = c.label;
      ths.push(th);
      headRow.appendChild(th);
    });
    append(t, append(thead, headRow), tbody);
    function rowFor(item) {
      var tr = cache.get(item);
      if (!tr) {
        tr = row(
          opts.columns.map(function (c) {
            return c.cell(item);
          }),
        );
        if (opts.decorate) opts.decorate(tr, item);
        cache.set(item, tr);
      }
      return tr;
    }
    function ordered() {
      if (sortCol < 0) return items;
      var key = opts.columns[sortCol].sort;
      // Array.prototype.sort is stable, so equal keys keep the report's own ranking.
      return items
        .map(function (item) {
          return { item: item, key: key(item) };
        })
        .sort(function (a, b) {
          return compare(a.key, b.key) * dir;
        })
        .map(function (x) {
          return x.item;
        });
    }
    var current = [];
    function render() {
      current = ordered();
      var shown = page ? current.slice(0, limit) : current;
      tbody.replaceChildren.apply(tbody, shown.map(rowFor));
      more.hidden = shown.length >= current.length;
      if (opts.onRender) opts.onRender(shown.length, current.length);
    }
    more.addEventListener('click', function () {
      limit += page;
      render();
    });
    return {
      table: t,
      more: more,
      setItems: function (list) {
        items = list;
        limit = page;
        render();
      },
      /** The row of an item in the current list, listing more rows if it is beyond those shown. */
      reveal: function (item) {
        var i = current.indexOf(item);
        if (i === -1) return undefined;
        if (page && i >= limit) {
          limit = Math.ceil((i + 1) / page) * page;
          render();
        }
        return rowFor(item);
      },
    };
  }
  // A short list as a sortable table with a text filter over everything its rows hold.
  function sortableTable(container, columns, list, what) {
    var dt = dataTable({ columns: columns });
    var texts = list.map(function (item) {
      return JSON.stringify(item).toLowerCase();
    });
    var filter = el('input', 'table-filter');
    filter.type = 'search';
    filter.placeholder = 'Filter ' + what;
    filter.setAttribute('aria-label', 'Filter ' + what);
    filter.addEventListener('input', function () {
      var q = filter.value.trim().toLowerCase();
      dt.setItems(
        list.filter(function (_, i) {
          return !q || texts[i].indexOf(q) !== -1;
        }),
      );
    });
    append(container, append(el('div', 'filters'), filter), dt.table);
    dt.setItems(list);
    return dt;
  }
  var severityOrder = function (x) {
    return SEVERITIES.indexOf(x.severity);
  };

  var charts = [];
  // Every chart names what it counts on each axis, with its unit.
  function axes(x, y, extra) {
    var scales = {
      x: { title: { display: true, text: x } },
      y: { title: { display: true, text: y } },
    };
    Object.keys(extra || {}).forEach(function (k) {
      Object.assign(scales[k], extra[k]);
    });
    return { scales: scales };
  }
  function chart(container, id, config) {
    var box = el('div', 'chart'),
      canvas = el('canvas');
    canvas.id = id;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', config.label);
    append(container, append(box, canvas));
    var options = Object.assign(
      {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { title: { display: true, text: config.label }, legend: { display: config.legend !== false } },
      },
      config.options || {},
    );
    charts.push(new Chart(canvas, { type: config.type, data: config.data, options: options }));
  }
  var WHOLE = { ticks: { precision: 0 }, beginAtZero: true };

  // Summary
  var s = data.summary;
  byId('generated').textContent = 'Generated ' + data.generatedAt;
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
      ['Unverified', s.unverified || 0],
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
          label: 'open findings',
          data: SEVERITIES.map(function (x) {
            return s.open[x];
          }),
          backgroundColor: SEVERITIES.map(function (x) {
            return COLORS[x];
          }),
        },
      ],
    },
    options: axes('Severity', 'Open findings (count)', { y: WHOLE }),
  });
  var cats = Object.keys(s.byCategory).sort();
  chart(overview, 'chart-category', {
    type: 'bar',
    label: 'Open findings by category',
    legend: false,
    data: {
      labels: cats,
      datasets: [
        {
          label: 'open findings',
          data: cats.map(function (c) {
            return s.byCategory[c];
          }),
          backgroundColor: ['#4263eb', '#d9480f', '#2b8a3e', '#ae3ec9', '#868e96'],
        },
      ],
    },
    options: axes('Category', 'Open findings (count)', { y: WHOLE }),
  });

  var byFingerprint = new Map();
  data.findings.forEach(function (f) {
    byFingerprint.set(f.fingerprint, f);
  });

  // Fix first: one row per rule (or per remediation text), its resources one click away.
  var fixList = byId('fix-first-list'),
    fixBy = byId('fix-group-by'),
    fixSearch = byId('fix-search'),
    fixCount = byId('fix-count');
  function groupText(g) {
    return [g.key, g.title, g.remediation, g.ruleIds.join(' ')]
      .concat(
        g.findings.map(function (fp) {
          var f = byFingerprint.get(fp);
          return f ? f.resourceName + ' ' + f.resourceId : '';
        }),
      )
      .join('\n')
      .toLowerCase();
  }
  function resourcesCell(g) {
    var details = el('details', 'resources');
    var summary = el(
      'summary',
      null,
      plural(g.resources, 'resource') + (g.hosts ? ' on ' + plural(g.hosts, 'host') : ''),
    );
    details.appendChild(summary);
    // Listed when opened: a rule can reach thousands of VMs.
    details.addEventListener('toggle', function () {
      if (!details.open || details.dataset.filled) return;
      details.dataset.filled = 'true';
      var ul = el('ul', 'group-resources');
      g.findings.forEach(function (fp) {
        var f = byFingerprint.get(fp);
        if (!f) return;
        var a = el('a');
        a.href = '#f-' + fp;
        append(a, resourceNode(f));
        append(ul, append(el('li'), a, el('span', 'status status-' + f.status, f.status)));
      });
      details.appendChild(ul);
    });
    return details;
  }
  var fixTable = dataTable({
    id: 'fix-first-table',
    page: 100,
    columns: [
      {
        label: 'Rank',
        sort: function (g) {
          return g.rank;
        },
        cell: function (g) {
          return String(g.rank);
        },
      },
      {
        label: 'Severity',
        sort: severityOrder,
        cell: function (g) {
          return sev(g.severity);
        },
      },
      {
        label: 'Category',
        sort: function (g) {
          return g.category;
        },
        cell: function (g) {
          return g.category;
        },
      },
      {
        label: 'Fix',
        sort: function (g) {
          return g.title.toLowerCase();
        },
        cell: function (g) {
          return append(
            el('div'),
            el('div', 'fix-title', g.title),
            el('div', 'fix-rules', g.ruleIds.length === 1 ? 'rule ' + g.ruleIds[0] : 'rules ' + g.ruleIds.join(', ')),
          );
        },
      },
      {
        label: 'Resources',
        sort: function (g) {
          return -g.resources;
        },
        cell: resourcesCell,
      },
      {
        label: 'Remediation',
        sort: function (g) {
          return g.remediation.toLowerCase();
        },
        cell: function (g) {
          return g.remediation;
        },
      },
    ],
    decorate: function (tr, g) {
      tr.className = 'fix-group';
      tr.dataset.key = g.key;
    },
    onRender: function (shown, total) {
      fixCount.textContent = plural(total, 'fix', 'fixes') + (shown < total ? ' (first ' + shown + ' listed)' : '');
    },
  });
  append(fixList, fixTable.table, fixTable.more);
  var fixGroups = { rule: data.fixFirst.byRule, remediation: data.fixFirst.byRemediation };
  var fixSearchText = {};
  Object.keys(fixGroups).forEach(function (k) {
    fixSearchText[k] = fixGroups[k].map(function (g, i) {
      g.rank = i + 1;
      return groupText(g);
    });
  });
  function renderFixFirst() {
    var q = fixSearch.value.trim().toLowerCase(),
      by = fixBy.value,
      text = fixSearchText[by];
    fixTable.setItems(
      fixGroups[by].filter(function (_, i) {
        return !q || text[i].indexOf(q) !== -1;
      }),
    );
  }
  if (data.fixFirst.byRule.length === 0) empty(fixList, 'Nothing to fix: no open findings.');
  fixBy.addEventListener('change', renderFixFirst);
  fixSearch.addEventListener('input', renderFixFirst);
  renderFixFirst();

  // Heatmap: each tile opens the findings of its host and the VMs it runs.
  var scale = data.riskScale,
    b = scale.buckets;
  byId('risk-explained').textContent =
    'Risk = ' +
    SEVERITIES.filter(function (x) {
      return scale.weights[x] > 0;
    })
      .map(function (x) {
        return scale.weights[x] + ' × ' + x;
      })
      .join(' + ') +
    ', counting the open findings on the host and on the VMs it runs now. It ranks hosts against each other; it is not a probability. Click a host to list its findings.';
  var legend = byId('risk-legend');
  ['none', 'low', 'moderate', 'high', 'severe'].forEach(function (word, i) {
    var lo = i === 0 ? 0 : b[i - 1],
      hi = i < b.length ? b[i] - 1 : undefined;
    var range = i === 0 ? '0' : hi === undefined ? lo + '+' : lo === hi ? String(lo) : lo + '–' + hi;
    legend.appendChild(el('span', 'risk-' + i, word + ' (' + range + ')'));
  });
  var heat = byId('heatmap');
  if (data.heatmap.length === 0) empty(heat, 'No hosts in the inventory.');
  var clusters = {};
  data.heatmap.forEach(function (h) {
    if (!clusters[h.cluster]) clusters[h.cluster] = [];
    clusters[h.cluster].push(h);
  });
  Object.keys(clusters)
    .sort()
    .forEach(function (name) {
      var grid = el('div', 'heat-grid');
      clusters[name].forEach(function (h) {
        var counts = SEVERITIES.filter(function (x) {
          return h.open[x] > 0;
        }).map(function (x) {
          return h.open[x] + ' ' + x;
        });
        var breakdown = SEVERITIES.filter(function (x) {
          return h.open[x] > 0 && scale.weights[x] > 0;
        })
          .map(function (x) {
            return h.open[x] + ' ' + x + ' × ' + scale.weights[x];
          })
          .join(' + ');
        var tile = el('button', 'heat risk-' + h.bucket);
        tile.type = 'button';
        append(
          tile,
          append(el('span', 'name'), nameNode(h.name, h.name === h.id ? undefined : h.id)),
          el('span', 'detail', 'risk ' + h.risk + (counts.length ? ': ' + counts.join(', ') : '')),
          h.simulationScore !== undefined
            ? el('span', 'detail', 'simulation score ' + Math.round(h.simulationScore) + ' / 100')
            : null,
        );
        tile.title =
          clip(h.name === h.id ? h.id : h.name + ' (' + h.id + ')') +
          '\nrisk ' +
          h.risk +
          (breakdown ? ' = ' + breakdown : ' (no open findings)') +
          '\nClick to list its findings.';
        tile.dataset.host = h.id;
        tile.addEventListener('click', function () {
          showHostFindings(h.id);
        });
        grid.appendChild(tile);
      });
      append(heat, append(el('div', 'heat-cluster'), el('h3', null, name), grid));
    });

  // One line of migration or clone evidence; parts the event did not carry are left out, not guessed.
  function movementText(m) {
    var parts = [m.time];
    if (m.kind === 'clone') {
      parts.push('cloned from VM ' + (m.sourceVmId || 'unknown'));
      if (m.toHostId) parts.push('onto host ' + m.toHostId);
    } else {
      parts.push(m.kind + ' migration');
      if (m.fromHostId || m.toHostId)
        parts.push('host ' + (m.fromHostId || 'unknown') + ' → ' + (m.toHostId || 'unknown'));
    }
    if (m.fromDatastore || m.toDatastore)
      parts.push('datastore ' + (m.fromDatastore ? m.fromDatastore + ' → ' : '') + (m.toDatastore || 'unknown'));
    parts.push('(event ' + m.eventId + ')');
    return parts.join(' ');
  }
  function findingLink(fingerprint, node) {
    var a = el('a');
    a.href = '#f-' + fingerprint;
    return append(a, node);
  }

  // Perimeter violations with their movement evidence
  var per = byId('perimeter');
  if (data.perimeterViolations.length === 0) empty(per, 'No open perimeter violations.');
  else
    sortableTable(
      per,
      [
        {
          label: 'Severity',
          sort: severityOrder,
          cell: function (v) {
            return sev(v.severity);
          },
        },
        {
          label: 'Resource',
          sort: function (v) {
            return v.vmName.toLowerCase();
          },
          cell: function (v) {
            return append(
              el('span'),
              el('span', 'rtype', v.resourceType + ' '),
              findingLink(v.fingerprint, nameNode(v.vmName)),
            );
          },
        },
        {
          label: 'Perimeter',
          sort: function (v) {
            return v.perimeter;
          },
          cell: function (v) {
            return v.perimeter + (v.perimeterSource === 'clone' ? ' (inherited from clone source)' : '');
          },
        },
        {
          label: 'Host',
          sort: function (v) {
            return v.hostId;
          },
          cell: function (v) {
            return nameNode(v.hostId);
          },
        },
        {
          label: 'Violation',
          sort: function (v) {
            return v.title;
          },
          cell: function (v) {
            return v.title;
          },
        },
        {
          label: 'Migrations and clones',
          sort: function (v) {
            return v.movements.length ? v.movements[v.movements.length - 1].time : '';
          },
          cell: function (v) {
            var moves = el('ul', 'moves');
            v.movements.forEach(function (m) {
              moves.appendChild(el('li', null, movementText(m)));
            });
            if (v.movements.length === 0) moves.appendChild(el('li', 'empty', 'no movement recorded'));
            return moves;
          },
        },
      ],
      data.perimeterViolations,
      'perimeter violations',
    );

  // Simulation
  var sim = byId('simulation');
  function renderSimulation(sv) {
    var figures = el('div', 'cards'),
      windowHours = (sv.window.steps * sv.window.stepSeconds) / 3600;
    var windowText = (windowHours % 1 ? windowHours.toFixed(1) : windowHours) + ' h from ' + sv.window.start;
    var energyCard, missing;
    if (sv.energy) {
      energyCard = append(
        el('div', 'card'),
        el('div', 'value', sv.energy.kWh.toFixed(1) + ' kWh'),
        el('div', 'label', 'Energy over the simulated ' + windowText),
      );
      energyCard.id = 'energy-card';
      if (sv.energy.hostsWithoutCurve > 0)
        energyCard.appendChild(
          el(
            'div',
            'note',
            plural(sv.energy.hostsCounted, 'host') +
              ' counted; ' +
              plural(sv.energy.hostsWithoutCurve, 'host') +
              ' without a SPECpower curve not counted',
          ),
        );
      figures.appendChild(energyCard);
    }
    append(
      figures,
      append(
        el('div', 'card'),
        el('div', 'value', pct(sv.overloadedTimeFraction)),
        el('div', 'label', 'Host-time overloaded (CPU demand above capacity)'),
      ),
    );
    sim.appendChild(figures);
    if (!sv.energy) {
      missing = el('p', 'note', sv.energyMissing);
      missing.id = 'energy-missing';
      sim.appendChild(missing);
    }
    sim.appendChild(
      el(
        'p',
        'note',
        'Simulation score: 0–100, higher is riskier; the sum of points for CPU overload (up to 30), CPU ready (25), memory overcommit (15), NIC contention (10), storage contention (10) and coinciding VM peaks (10), each scaled from a harmless level to its full weight (docs/simulation.md, "Score").' +
          (sv.hostsOmitted
            ? ' ' + plural(sv.hostsOmitted, 'host') + ' with the lowest scores were left out of the stored result.'
            : ''),
      ),
    );
    var simCharts = append(el('div', 'charts'));
    sim.appendChild(simCharts);
    var top = sv.hosts.slice(0, 25);
    if (top.length)
      chart(simCharts, 'chart-scores', {
        type: 'bar',
        label: 'Simulation score per host, highest 25',
        legend: false,
        data: {
          labels: top.map(function (h) {
            return h.name || h.id;
          }),
          datasets: [
            {
              label: 'score (0–100)',
              data: top.map(function (h) {
                return h.score;
              }),
              backgroundColor: '#d9480f',
            },
          ],
        },
        options: Object.assign(
          { indexAxis: 'y' },
          axes('Simulation score (0–100, higher is riskier)', 'Host', { x: { min: 0, max: 100 } }),
        ),
      });
    if (sv.overload.values.length)
      chart(simCharts, 'chart-overload', {
        type: 'line',
        label: 'Overloaded hosts per step (' + sv.overload.stepMinutes + '-minute steps)',
        legend: false,
        data: {
          labels: sv.overload.labels,
          datasets: [
            {
              label: 'overloaded hosts',
              data: sv.overload.values,
              borderColor: '#c92a2a',
              pointRadius: 0,
              fill: false,
            },
          ],
        },
        options: axes('Time of day (UTC)', 'Overloaded hosts (count)', { y: WHOLE }),
      });
    // Availability differs in the third or fourth nine, which a percentage axis hides; hours of expected
    // downtime per year tell the same thing in a unit people plan with.
    if (sv.downtime.entries.length)
      chart(simCharts, 'chart-downtime', {
        type: 'bar',
        label: 'Expected downtime per ' + sv.downtime.per + ' (hours per year), most first',
        legend: false,
        data: {
          labels: sv.downtime.entries.map(function (a) {
            return a.label;
          }),
          datasets: [
            {
              label: 'hours per year',
              data: sv.downtime.entries.map(function (a) {
                return a.hoursPerYear;
              }),
              backgroundColor: '#2b8a3e',
            },
          ],
        },
        options: axes(sv.downtime.per === 'host' ? 'Host' : 'Application', 'Downtime (hours/year)', {
          y: { beginAtZero: true },
        }),
      });
    var scored = sv.hosts.filter(function (e) {
      return e.reasons.length;
    });
    if (scored.length)
      sortableTable(
        sim,
        [
          {
            label: 'Score (0–100)',
            sort: function (e) {
              return -e.score;
            },
            cell: function (e) {
              return String(Math.round(e.score));
            },
          },
          {
            label: 'Host',
            sort: function (e) {
              return (e.name || e.id).toLowerCase();
            },
            cell: function (e) {
              return nameNode(e.name || e.id, e.name && e.name !== e.id ? e.id : undefined);
            },
          },
          {
            label: 'Why',
            cell: function (e) {
              return e.reasons.join('; ');
            },
          },
        ],
        scored.slice(0, 15),
        'hosts',
      );
  }
  if (data.simulation) renderSimulation(data.simulation);
  else empty(sim, 'No simulation run recorded. Run `hyperaudit simulate` first.');

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
        return r.at.slice(0, 16).replace('T', ' ');
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
    options: axes('Report run (UTC)', 'Open findings (count)', { y: WHOLE }),
  });

  // Findings: filters, search, sortable columns, and one anchor per finding (#f-<fingerprint>).
  var rows = data.findings.map(function (f) {
    return {
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
  var rowOf = new Map();
  rows.forEach(function (r) {
    rowOf.set(r.f.fingerprint, r);
  });
  var count = byId('visible-count');
  var findingTable = dataTable({
    id: 'findings-table',
    page: 500,
    columns: [
      {
        label: 'Severity',
        sort: function (r) {
          return SEVERITIES.indexOf(r.f.severity);
        },
        cell: function (r) {
          return sev(r.f.severity);
        },
      },
      {
        label: 'Status',
        sort: function (r) {
          return r.f.status;
        },
        cell: function (r) {
          return r.f.status;
        },
      },
      {
        label: 'Category',
        sort: function (r) {
          return r.f.category;
        },
        cell: function (r) {
          return r.f.category;
        },
      },
      {
        label: 'Rule',
        sort: function (r) {
          return r.f.ruleId;
        },
        cell: function (r) {
          return r.f.ruleId;
        },
      },
      {
        label: 'Resource',
        sort: function (r) {
          return r.f.resourceName.toLowerCase();
        },
        cell: function (r) {
          return resourceNode(r.f);
        },
      },
      {
        label: 'Finding',
        sort: function (r) {
          return r.f.title.toLowerCase();
        },
        cell: function (r) {
          var f = r.f,
            detail = el('details');
          var link = el('a', 'anchor', '#');
          link.href = '#f-' + f.fingerprint;
          link.title = 'Link to this finding';
          append(
            detail,
            el('summary', null, f.title),
            f.rationale ? el('p', null, f.rationale) : null,
            f.controls.length ? el('p', null, 'Controls: ' + f.controls.join(', ')) : null,
            el(
              'p',
              null,
              'First seen ' +
                f.firstSeen +
                ', last seen ' +
                f.lastSeen +
                (f.resolvedAt ? ', resolved ' + f.resolvedAt : ''),
            ),
            el('pre', null, f.evidence),
          );
          return append(el('div', 'finding-cell'), detail, link);
        },
      },
      {
        label: 'Last seen',
        sort: function (r) {
          return r.f.lastSeen;
        },
        cell: function (r) {
          // Non-breaking hyphens: a date split over two lines reads as two values.
          return r.f.lastSeen.slice(0, 16).replace('T', ' ').replace(/-/g, '\u2011');
        },
      },
      {
        label: 'Remediation',
        cell: function (r) {
          return r.f.remediation;
        },
      },
    ],
    decorate: function (tr, r) {
      tr.className = 'finding';
      tr.id = 'f-' + r.f.fingerprint;
      tr.tabIndex = -1;
      tr.dataset.severity = r.f.severity;
      tr.dataset.category = r.f.category;
      tr.dataset.status = r.f.status;
    },
    onRender: function (shown, total) {
      count.textContent =
        total + ' of ' + rows.length + ' findings shown' + (shown < total ? ' (first ' + shown + ' listed)' : '');
    },
  });
  var fs = byId('findings');
  append(fs, findingTable.table, findingTable.more);
  var sevSel = byId('filter-severity'),
    catSel = byId('filter-category'),
    statusSel = byId('filter-status'),
    hostSel = byId('filter-host'),
    search = byId('search');
  function options(select, values) {
    values.forEach(function (v) {
      var o = el('option', null, v[1]);
      o.value = v[0];
      select.appendChild(o);
    });
  }
  function same(v) {
    return [v, v];
  }
  function distinct(key) {
    return Array.from(
      new Set(
        data.findings.map(function (f) {
          return f[key];
        }),
      ),
    ).sort();
  }
  options(sevSel, SEVERITIES.map(same));
  options(catSel, distinct('category').map(same));
  // Statuses as the data has them: a status added later appears here without a change to the page.
  options(statusSel, distinct('status').map(same));
  options(
    hostSel,
    data.heatmap.map(function (h) {
      return [h.id, h.name === h.id ? h.id : h.name + ' (' + h.id + ')'];
    }),
  );
  var filters = [sevSel, catSel, statusSel, hostSel];
  function matches(r) {
    var sv2 = sevSel.value,
      q = search.value.trim().toLowerCase();
    return (
      (!sv2 || SEVERITIES.indexOf(r.f.severity) <= SEVERITIES.indexOf(sv2)) &&
      (!catSel.value || r.f.category === catSel.value) &&
      (!statusSel.value || r.f.status === statusSel.value) &&
      (!hostSel.value || r.f.hostId === hostSel.value) &&
      (!q || r.text.indexOf(q) !== -1)
    );
  }
  function applyFilters() {
    findingTable.setItems(rows.filter(matches));
  }
  filters.forEach(function (x) {
    x.addEventListener('change', applyFilters);
  });
  search.addEventListener('input', applyFilters);
  applyFilters();

  function showHostFindings(hostId) {
    filters.forEach(function (x) {
      x.value = '';
    });
    search.value = '';
    hostSel.value = hostId;
    applyFilters();
    fs.scrollIntoView({ block: 'start' });
  }

  // #f-<fingerprint>: the finding is listed (filters that hide it are cleared), scrolled to and marked.
  var anchorNote = byId('anchor-note'),
    targeted;
  function showAnchoredFinding() {
    var hash = location.hash;
    if (hash.indexOf('#f-') !== 0) return;
    var fp;
    try {
      fp = decodeURIComponent(hash.slice(3));
    } catch (e) {
      fp = hash.slice(3);
    }
    var r = rowOf.get(fp);
    if (targeted) targeted.classList.remove('targeted');
    targeted = undefined;
    if (!r) {
      anchorNote.textContent =
        'The linked finding (' + clip(fp) + ') is not in this report: it may belong to another run or fleet.';
      anchorNote.hidden = false;
      fs.scrollIntoView({ block: 'start' });
      return;
    }
    anchorNote.hidden = true;
    if (!matches(r)) {
      filters.forEach(function (x) {
        x.value = '';
      });
      search.value = '';
      applyFilters();
    }
    var tr = findingTable.reveal(r);
    if (!tr) return;
    tr.classList.add('targeted');
    targeted = tr;
    var details = tr.querySelector('details');
    if (details) details.open = true;
    tr.scrollIntoView({ block: 'center' });
    tr.focus({ preventScroll: true });
  }
  window.addEventListener('hashchange', showAnchoredFinding);
  // A second click on a link to the finding already in the address bar fires no hashchange.
  document.addEventListener('click', function (e) {
    var a = e.target instanceof Element ? e.target.closest('a[href^="#f-"]') : null;
    if (a && a.getAttribute('href') === location.hash) showAnchoredFinding();
  });

  // Waived findings
  var waived = byId('waived');
  var wlist = data.findings.filter(function (f) {
    return f.status === 'waived';
  });
  if (wlist.length === 0) empty(waived, 'No waived findings.');
  else
    sortableTable(
      waived,
      [
        {
          label: 'Severity',
          sort: severityOrder,
          cell: function (f) {
            return sev(f.severity);
          },
        },
        {
          label: 'Rule',
          sort: function (f) {
            return f.ruleId;
          },
          cell: function (f) {
            return f.ruleId;
          },
        },
        {
          label: 'Resource',
          sort: function (f) {
            return f.resourceName.toLowerCase();
          },
          cell: function (f) {
            return findingLink(f.fingerprint, nameNode(f.resourceName));
          },
        },
        {
          label: 'Finding',
          cell: function (f) {
            return f.title;
          },
        },
        {
          label: 'Reason',
          cell: function (f) {
            return (f.waiver || {}).reason;
          },
        },
        {
          label: 'Owner',
          sort: function (f) {
            return (f.waiver || {}).owner || '';
          },
          cell: function (f) {
            return (f.waiver || {}).owner;
          },
        },
        {
          label: 'Expires',
          sort: function (f) {
            return (f.waiver || {}).expires || '9999';
          },
          cell: function (f) {
            return (f.waiver || {}).expires || 'never';
          },
        },
      ],
      wlist,
      'waived findings',
    );

  // The sections rendered as static HTML (compliance, unverified, excursions, planned fixes) sort and filter
  // too: a header click orders the rows by that column, numbers and percentages by value, text by text (a
  // second click reverses); a filter box above each keeps the rows holding its text.
  function cellKey(row, i) {
    var cell = row.cells[i];
    return cell ? cell.textContent.trim() : '';
  }
  function asNumber(text) {
    var plain = text.replace(/[,%\s]/g, '');
    return plain !== '' && /^-?\d+(\.\d+)?$/.test(plain) ? parseFloat(plain) : undefined;
  }
  function enhanceStaticTable(table) {
    var tbody = table.tBodies[0];
    if (!tbody || !table.tHead || !table.tHead.rows[0]) return;
    var rows = Array.prototype.slice.call(tbody.rows),
      ths = Array.prototype.slice.call(table.tHead.rows[0].cells),
      sortCol = -1,
      dir = 1;
    ths.forEach(function (th, i) {
      var label = th.textContent,
        b = el('button', 'sort', label);
      b.type = 'button';
      b.title = 'Sort by ' + label.toLowerCase();
      th.textContent = '';
      th.appendChild(b);
      th.setAttribute('aria-sort', 'none');
      b.addEventListener('click', function () {
        dir = sortCol === i ? -dir : 1;
        sortCol = i;
        ths.forEach(function (h, j) {
          h.setAttribute('aria-sort', j === i ? (dir > 0 ? 'ascending' : 'descending') : 'none');
        });
        var keys = rows.map(function (r) {
          return cellKey(r, i);
        });
        // A column is numeric when every value that is not a dash reads as a number; dashes sort last.
        var numeric = keys.every(function (k) {
          return k === '' || k === '—' || asNumber(k) !== undefined;
        });
        var order = rows
          .map(function (r, n) {
            var k = keys[n];
            return { row: r, blank: k === '' || k === '—', key: numeric ? asNumber(k) : k.toLowerCase() };
          })
          .sort(function (a, b2) {
            if (a.blank !== b2.blank) return a.blank ? 1 : -1;
            return compare(a.key, b2.key) * dir;
          });
        tbody.replaceChildren.apply(
          tbody,
          order.map(function (o) {
            return o.row;
          }),
        );
      });
    });
    if (rows.length < 2) return;
    var texts = rows.map(function (r) {
      return r.textContent.toLowerCase();
    });
    var filter = el('input', 'table-filter');
    filter.type = 'search';
    filter.placeholder = 'Filter rows';
    filter.setAttribute('aria-label', 'Filter rows');
    filter.addEventListener('input', function () {
      var q = filter.value.trim().toLowerCase();
      rows.forEach(function (r, n) {
        r.hidden = q !== '' && texts[n].indexOf(q) === -1;
      });
    });
    table.parentNode.insertBefore(append(el('div', 'filters'), filter), table);
  }
  Array.prototype.forEach.call(document.querySelectorAll('main table:not(.sortable)'), enhanceStaticTable);

  showAnchoredFinding();
  document.body.dataset.ready = 'true';
})();
