// The dashboard page: one EventSource for the live panels, re-rendering only the panels whose
// content hash changed; fetch() for the history view. uPlot and ECharts are loaded as globals.
/* global uPlot, echarts */

const THEME_KEY = 'orderstream-theme';
const FILTER_KEYS = ['state', 'category'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const intFormat = new Intl.NumberFormat('en-US');
const moneyFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** @type {Map<string, { hash: string, payload: any, generatedAt: string }>} */
const panels = new Map();
/** @type {Map<string, number>} */
const renderCounts = new Map();
const charts = { hourly: null, sellers: null, heatmap: null, history: new Map() };
let source = null;
let serverClockOffsetMs = 0;
/** The business time zone the server buckets hours and days in (from the payloads). */
let businessTimeZone = document.querySelector('#time-zone')?.textContent || 'America/Sao_Paulo';

const $ = (selector) => document.querySelector(selector);
const money = (decimal) => `R$ ${moneyFormat.format(Number(decimal))}`;
const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'class') node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

const zonedFormats = new Map();

/** An instant as the business time zone's wall clock: `2026-03-10 15:20`. */
function formatTime(iso) {
  if (!iso) return '–';
  let format = zonedFormats.get(businessTimeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: businessTimeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    zonedFormats.set(businessTimeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

function setTimeZone(timeZone) {
  if (!timeZone || timeZone === businessTimeZone) return;
  businessTimeZone = timeZone;
  for (const id of ['#time-zone', '#history-time-zone']) {
    const node = document.querySelector(id);
    if (node) node.textContent = timeZone;
  }
}

// ---- theme -----------------------------------------------------------------------------------

function currentTheme() {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  for (const chart of [charts.sellers, charts.heatmap, ...charts.history.values()]) chart?.dispose();
  charts.sellers = null;
  charts.heatmap = null;
  charts.history.clear();
  charts.hourly?.destroy();
  charts.hourly = null;
  for (const id of panels.keys()) render(id);
  if (!$('#view-history').hidden) loadHistory();
}

function initTheme() {
  let stored = null;
  try {
    stored = localStorage.getItem(THEME_KEY);
  } catch {
    // storage disabled: fall back to the system preference
  }
  const preferred = window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  document.documentElement.dataset.theme = stored === 'dark' || stored === 'light' ? stored : preferred;
  $('#theme-toggle').addEventListener('click', () => {
    const next = currentTheme() === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(THEME_KEY, next);
    } catch {
      // not persisted; the toggle still works for this page
    }
    applyTheme(next);
  });
}

function echart(existing, container) {
  return (
    existing ?? echarts.init(container, currentTheme() === 'dark' ? 'dark' : null, { renderer: 'canvas' })
  );
}

// ---- filters and connection --------------------------------------------------------------------

function filterQuery() {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = $(`#filter-${key}`).value;
    if (value) params.set(key, value);
  }
  return params;
}

function showBanner(message) {
  const banner = $('#banner');
  banner.textContent = message;
  banner.hidden = !message;
}

function setConnection(state, text) {
  const pill = $('#connection');
  pill.className = `pill pill-${state}`;
  pill.textContent = text;
}

function updateCsvLinks() {
  const query = filterQuery().toString();
  for (const link of document.querySelectorAll('a[data-csv]')) {
    link.href = `/api/panels/${link.dataset.csv}.csv${query ? `?${query}` : ''}`;
  }
}

async function loadFilters() {
  const response = await fetch('/api/filters');
  const { states, categories } = await response.json();
  const state = $('#filter-state');
  for (const code of states) state.append(el('option', { value: code }, code));
  const category = $('#filter-category');
  for (const name of categories) category.append(el('option', { value: name }, name.replaceAll('_', ' ')));
}

/** Applies filters from the address bar, checking them with the server first (it answers 400). */
async function initialFilters() {
  const fromUrl = new URLSearchParams(location.search);
  if ([...fromUrl.keys()].length === 0) return;
  const response = await fetch(`/api/panels/kpis?${fromUrl}`);
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    showBanner(`${body.error?.message ?? 'Invalid filters.'} Showing all data.`);
    history.replaceState(null, '', location.pathname);
    return;
  }
  for (const key of FILTER_KEYS) {
    const select = $(`#filter-${key}`);
    const value = fromUrl.get(key);
    if (value && ![...select.options].some((option) => option.value === value))
      select.append(el('option', { value }, value));
    if (value) select.value = value;
  }
}

function connect() {
  source?.close();
  for (const id of panels.keys()) panels.delete(id);
  const query = filterQuery().toString();
  source = new EventSource(`/api/stream${query ? `?${query}` : ''}`);
  setConnection('wait', 'connecting…');
  source.addEventListener('hello', () => setConnection('live', 'live'));
  source.addEventListener('status', (event) => {
    const status = JSON.parse(event.data);
    if (status.ok) {
      setConnection('live', 'live');
      showBanner('');
    } else {
      setConnection('down', 'warehouse unreachable');
      showBanner(status.message);
    }
  });
  source.addEventListener('panel', (event) => {
    const message = JSON.parse(event.data);
    serverClockOffsetMs = Date.parse(message.generatedAt) - Date.now();
    const previous = panels.get(message.id);
    if (previous?.hash === message.hash) return;
    panels.set(message.id, message);
    setTimeZone(message.payload?.timeZone);
    render(message.id);
  });
  source.onerror = () => setConnection('wait', 'reconnecting…');
}

function onFiltersChanged() {
  const query = filterQuery().toString();
  history.replaceState(null, '', query ? `?${query}` : location.pathname);
  showBanner('');
  updateCsvLinks();
  connect();
}

// ---- panels ------------------------------------------------------------------------------------

function render(id) {
  const message = panels.get(id);
  if (!message) return;
  const renderer = RENDERERS[id];
  if (!renderer) return;
  renderer(message.payload, message);
  const count = (renderCounts.get(id) ?? 0) + 1;
  renderCounts.set(id, count);
  for (const card of document.querySelectorAll(`[data-panel="${id}"]`)) {
    card.dataset.hash = message.hash;
    card.dataset.renders = String(count);
  }
}

function delta(current, previous, label) {
  if (previous === 0) return el('span', {}, current === 0 ? `– vs ${label}` : `new vs ${label}`);
  const pct = ((current - previous) / previous) * 100;
  const arrow = pct > 0 ? '▲' : pct < 0 ? '▼' : '■';
  return el(
    'span',
    { class: pct > 0 ? 'up' : pct < 0 ? 'down' : '' },
    `${arrow} ${oneDecimal.format(Math.abs(pct))}% vs ${label}`,
  );
}

const MONEY_KPIS = new Set(['revenue', 'averageBasket']);

function renderKpis(payload) {
  const { current, previous, lastWeek, metrics } = payload;
  for (const tile of document.querySelectorAll('[data-kpi]')) {
    const key = tile.dataset.kpi;
    const metric = metrics?.[key];
    if (metric) {
      tile.title = `${metric.label}: ${metric.definition}`;
      tile.querySelector('.label').textContent = metric.label;
    }
    const isMoney = MONEY_KPIS.has(key);
    const value = isMoney ? Number(current[key]) : current[key];
    tile.querySelector('.value').textContent = isMoney ? money(current[key]) : intFormat.format(value);
    const deltas = tile.querySelector('.delta');
    deltas.replaceChildren(
      delta(value, isMoney ? Number(previous[key]) : previous[key], 'previous hour'),
      delta(value, isMoney ? Number(lastWeek[key]) : lastWeek[key], 'same hour last week'),
    );
  }
}

function renderHourly(payload) {
  const metric = $('#metric-picker').value;
  const xs = payload.points.map((point) => Date.parse(point.hour) / 1000);
  const ys = payload.points.map((point) => Number(point[metric]));
  const container = $('#hourly-chart');
  if (charts.hourly && charts.hourly.metric === metric) {
    charts.hourly.setData([xs, ys]);
    return;
  }
  charts.hourly?.destroy();
  const axis = { stroke: css('--muted'), grid: { stroke: css('--grid') }, ticks: { stroke: css('--grid') } };
  const info = payload.metrics?.[metric];
  const label = `${info?.label ?? metric}${metric === 'revenue' ? ' (R$)' : ''}`;
  $('#hourly-chart').title = info ? `${info.label}: ${info.definition} Hours of ${businessTimeZone}.` : '';
  const plot = new uPlot(
    {
      width: container.clientWidth || 600,
      height: 260,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), businessTimeZone),
      scales: { x: { time: true } },
      series: [
        {},
        {
          label,
          stroke: css('--accent'),
          fill: css('--accent-soft'),
          width: 2,
          points: { show: true, size: 5 },
          value: (_, v) =>
            v === null ? '–' : metric === 'revenue' ? moneyFormat.format(v) : intFormat.format(v),
        },
      ],
      axes: [axis, { ...axis, size: 64 }],
    },
    [xs, ys],
    container,
  );
  plot.metric = metric;
  charts.hourly = plot;
}

function renderSellers(payload) {
  const period = $('#period-picker').value;
  const rows = [...payload.periods[period]].reverse();
  const info = payload.metrics?.revenue;
  $('#sellers-chart').title = info
    ? `Ranked by ${info.label}: ${info.definition} Today and this week are local days of ${businessTimeZone}.`
    : '';
  charts.sellers = echart(charts.sellers, $('#sellers-chart'));
  charts.sellers.setOption(
    {
      backgroundColor: 'transparent',
      grid: { left: 90, right: 24, top: 8, bottom: 28 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (items) => {
          const row = rows[items[0].dataIndex];
          return `${row.sellerId}<br>${money(row.revenue)} revenue · ${row.orders} net orders · ${row.items} items`;
        },
      },
      xAxis: { type: 'value', axisLabel: { formatter: (v) => `R$ ${intFormat.format(v)}` } },
      yAxis: { type: 'category', data: rows.map((row) => `${row.sellerId.slice(0, 8)}…`) },
      series: [
        { type: 'bar', data: rows.map((row) => Number(row.revenue)), itemStyle: { color: css('--accent') } },
      ],
      graphic:
        rows.length === 0
          ? [
              {
                type: 'text',
                left: 'center',
                top: 'middle',
                style: { text: 'No sales in this period', fill: css('--muted') },
              },
            ]
          : [],
    },
    { notMerge: true },
  );
}

/** The ECharts option of a weekday × hour heatmap, `cells[dow][hour]` = orders. */
function heatmapOption(cells) {
  const data = [];
  let max = 0;
  cells.forEach((hours, dow) => {
    hours.forEach((orders, hour) => {
      data.push([hour, dow, orders]);
      max = Math.max(max, orders);
    });
  });
  return {
    backgroundColor: 'transparent',
    grid: { left: 44, right: 12, top: 8, bottom: 58 },
    tooltip: {
      formatter: (p) =>
        `${WEEKDAYS[p.value[1]]} ${p.value[0]}:00 (${businessTimeZone}) — ${intFormat.format(p.value[2])} orders`,
    },
    xAxis: {
      type: 'category',
      data: Array.from({ length: 24 }, (_, h) => String(h)),
      splitArea: { show: true },
    },
    yAxis: { type: 'category', data: WEEKDAYS, splitArea: { show: true } },
    visualMap: {
      min: 0,
      max: Math.max(max, 1),
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 4,
      itemHeight: 160,
      itemWidth: 10,
      text: [`${intFormat.format(max)} orders`, '0'],
      inRange: { color: [css('--accent-soft'), css('--accent')] },
      textStyle: { color: css('--muted') },
    },
    series: [
      { type: 'heatmap', data, emphasis: { itemStyle: { borderColor: css('--fg'), borderWidth: 1 } } },
    ],
  };
}

function renderHeatmap(payload) {
  $('#heatmap-chart').title = payload.metric
    ? `${payload.metric.label}: ${payload.metric.definition} Local weekdays and hours of ${businessTimeZone}.`
    : '';
  charts.heatmap = echart(charts.heatmap, $('#heatmap-chart'));
  charts.heatmap.setOption(heatmapOption(payload.cells), { notMerge: true });
}

function alertDetail(alert) {
  const parts = [];
  if (alert.observed !== null) parts.push(`observed ${oneDecimal.format(alert.observed)}`);
  if (alert.expected !== null) parts.push(`expected ${oneDecimal.format(alert.expected)}`);
  if (alert.bandLow !== null && alert.bandHigh !== null) {
    parts.push(`band ${oneDecimal.format(alert.bandLow)}–${oneDecimal.format(alert.bandHigh)}`);
  }
  return parts.join(' · ');
}

function renderAlerts(payload) {
  const status = $('#alert-status');
  const firing = payload.firing;
  status.className = `alert-status ${firing.length > 0 ? 'firing' : 'ok'}`;
  status.textContent =
    firing.length === 0
      ? 'All normal — no alert firing'
      : `${firing.length} alert${firing.length > 1 ? 's' : ''} firing`;
  $('#firing-alerts').replaceChildren(
    ...firing.map((alert) =>
      el(
        'li',
        { 'data-alert-id': alert.alertId },
        el('strong', {}, `${alert.rule} · ${alert.series}`),
        el('div', {}, alert.explanation),
        el('div', { class: 'muted' }, alertDetail(alert)),
      ),
    ),
  );
  const timeline = $('#alert-timeline');
  if (payload.timeline.length === 0) {
    timeline.replaceChildren(el('li', { class: 'muted' }, 'No alerts in the last 7 days.'));
    return;
  }
  timeline.replaceChildren(
    ...payload.timeline.map((alert) =>
      el(
        'li',
        { 'data-alert-id': alert.alertId },
        el(
          'time',
          { datetime: alert.firedAt ?? alert.startedAt ?? '' },
          formatTime(alert.firedAt ?? alert.startedAt),
        ),
        el(
          'span',
          { class: `sev sev-${alert.state === 'firing' ? alert.severity : alert.state}` },
          `${alert.severity} · ${alert.state}`,
        ),
        el(
          'div',
          {},
          el('strong', {}, `${alert.rule} · ${alert.series}`),
          el('div', {}, alert.explanation),
          el(
            'div',
            { class: 'muted' },
            [alertDetail(alert), alert.resolvedAt ? `resolved ${formatTime(alert.resolvedAt)}` : '']
              .filter(Boolean)
              .join(' · '),
          ),
        ),
      ),
    ),
  );
}

function renderHealth(payload) {
  $('#health-rate').textContent = oneDecimal.format(payload.eventsPerSecond);
  $('#health-latency').textContent =
    payload.endToEndLatencyMs === null
      ? '–'
      : `${intFormat.format(Math.round(payload.endToEndLatencyMs))} ms`;
  $('#health-dlq').textContent = intFormat.format(payload.deadLetterCount);
  const lag = payload.consumerLag;
  $('#health-lag-head').textContent = lag ? 'Lag' : 'Committed offset';
  const rows = lag
    ? lag.map((p) => [p.topic, p.partition, intFormat.format(p.lag)])
    : payload.committedOffsets.map((o) => [o.topic, o.partition, o.nextOffset]);
  $('#health-lag').replaceChildren(
    ...(rows.length === 0
      ? [el('tr', {}, el('td', { colspan: '3', class: 'muted' }, 'No partitions yet'))]
      : rows.map((cells) => el('tr', {}, ...cells.map((cell) => el('td', {}, String(cell)))))),
  );
  $('#health-source').textContent = payload.reportedByPipeline
    ? 'Reported by the running pipeline, plus max(ingested_at) from the warehouse.'
    : 'From the warehouse (no pipeline attached): landed rows, Kafka rejects and committed offsets.';
  tickFreshness();
}

function tickFreshness() {
  const health = panels.get('health')?.payload;
  const target = $('#health-updated');
  if (!health?.lastIngestedAt) {
    target.textContent = 'no data yet';
    return;
  }
  const seconds = Math.max(
    0,
    Math.round((Date.now() + serverClockOffsetMs - Date.parse(health.lastIngestedAt)) / 1000),
  );
  target.textContent =
    seconds < 120
      ? `${seconds} s ago`
      : seconds < 7200
        ? `${Math.round(seconds / 60)} min ago`
        : `${Math.round(seconds / 3600)} h ago`;
}

const RENDERERS = {
  kpis: renderKpis,
  'hourly-sales': renderHourly,
  'top-sellers': renderSellers,
  heatmap: renderHeatmap,
  alerts: renderAlerts,
  health: renderHealth,
};

// ---- history ------------------------------------------------------------------------------------

async function loadHistory() {
  const grid = $('#history-grid');
  const message = $('#history-message');
  let body;
  try {
    const response = await fetch('/api/history');
    body = await response.json();
    if (!response.ok) throw new Error(body.error?.message ?? 'The history could not be loaded.');
  } catch (error) {
    message.textContent = error.message;
    message.hidden = false;
    return;
  }
  for (const chart of charts.history.values()) chart.dispose();
  charts.history.clear();
  grid.replaceChildren();
  message.hidden = body.built;
  const command = body.panels.find((panel) => panel.payload.command)?.payload.command;
  message.replaceChildren(
    body.message ?? '',
    ...(command && !body.built ? [' ', el('code', { 'data-testid': 'dbt-command' }, command)] : []),
  );
  setTimeZone(body.panels[0]?.payload.timeZone);
  if (!body.built) return;
  for (const panel of body.panels) grid.append(historyCard(panel));
  for (const panel of body.panels) drawHistoryChart(panel);
}

const twoDecimals = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const threeDecimals = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

/** Formats a mart cell: dates without a time, numbers rounded and grouped, text as is. */
function formatCell(cell) {
  if (cell === null) return '';
  if (typeof cell === 'number')
    return Math.abs(cell) < 1 ? threeDecimals.format(cell) : twoDecimals.format(cell);
  if (/^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/.test(cell)) return cell.slice(0, 10);
  if (/^\d{4}-\d{2}-\d{2}T/.test(cell)) return formatTime(cell);
  if (/^-?\d+\.\d+$/.test(cell)) return moneyFormat.format(Number(cell));
  return cell;
}

/** The mart's rows in the chart's order: by label for time and scores, largest value first otherwise. */
function sortedRows(payload) {
  const { chart, columns, rows } = payload;
  if (!chart || chart.kind === 'tiles' || chart.kind === 'heatmap') return rows;
  const labelAt = columns.indexOf(chart.label);
  const valueAt = columns.indexOf(chart.value);
  if (labelAt < 0 || valueAt < 0) return rows;
  const byLabel = (a, b) =>
    typeof a[labelAt] === 'number'
      ? a[labelAt] - b[labelAt]
      : String(a[labelAt]).localeCompare(String(b[labelAt]));
  return [...rows].sort(chart.sort === 'label' ? byLabel : (a, b) => Number(b[valueAt]) - Number(a[valueAt]));
}

/** A header cell with the metric's definition as its tooltip. */
function headerCell(header) {
  return el('th', header.definition ? { title: header.definition } : {}, header.label);
}

function historyTiles(payload) {
  const row = payload.rows[0] ?? [];
  return el(
    'div',
    { class: 'history-tiles' },
    ...payload.headers.map((header, i) => {
      const value = row[i];
      const text = typeof value === 'string' ? money(value) : intFormat.format(Number(value ?? 0));
      return el(
        'div',
        { title: header.definition ?? '', 'data-metric': header.id },
        el('span', { class: 'label' }, header.label.replace(' (R$)', '')),
        el('span', { class: 'value' }, text),
      );
    }),
  );
}

function historyCard(panel) {
  const card = $('#history-card').content.firstElementChild.cloneNode(true);
  card.dataset.history = panel.id;
  card.querySelector('h2').textContent = panel.title;
  card.querySelector('.csv').href = `/api/panels/${panel.id}.csv`;
  const { built, headers, message, command, chart } = panel.payload;
  if (!built) {
    card
      .querySelector('.chart')
      .replaceWith(el('p', { class: 'muted' }, message, ...(command ? [' ', el('code', {}, command)] : [])));
    return card;
  }
  if (chart?.kind === 'tiles') {
    card.querySelector('.chart').replaceWith(historyTiles(panel.payload));
    card.querySelector('.table-wrap').remove();
    card.classList.replace('span-6', 'span-12');
    return card;
  }
  card.querySelector('thead').append(el('tr', {}, ...headers.map(headerCell)));
  card.querySelector('tbody').append(
    ...sortedRows(panel.payload)
      .slice(0, 100)
      .map((row) => el('tr', {}, ...row.map((cell) => el('td', {}, formatCell(cell))))),
  );
  return card;
}

/** The label of a time step after `label` (`2018-08` → `2018-09`, `2018-08-31` → `2018-09-01`). */
function nextStep(label, step) {
  if (step === 'month') {
    const [y, m] = label.split('-').map(Number);
    return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  }
  const next = new Date(Date.parse(`${label}T00:00:00Z`) + 86_400_000);
  return next.toISOString().slice(0, 10);
}

/**
 * Points on a time axis, with a visible break where steps are missing (the years between the
 * Olist history and the stream): one gap point labelled with what is missing, and no line across.
 */
function withBreaks(points, step) {
  if (!step) return points;
  const out = [];
  for (const point of points) {
    const previous = out.at(-1);
    if (previous && !previous.gap && nextStep(previous.label, step) !== point.label) {
      const missing = step === 'month' ? 'months' : 'days';
      out.push({ label: `⋯ no data ⋯`, value: null, gap: true, title: `${missing} without data` });
    }
    out.push(point);
  }
  return out;
}

function drawHistoryChart(panel) {
  const { built, chart, columns } = panel.payload;
  const container = document.querySelector(`[data-history="${panel.id}"] .chart`);
  if (!built || !chart || !container) return;
  const instance = echarts.init(container, currentTheme() === 'dark' ? 'dark' : null);
  charts.history.set(panel.id, instance);
  if (chart.kind === 'heatmap') {
    const cells = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
    const dowAt = columns.indexOf('dow');
    const hourAt = columns.indexOf('hour');
    const valueAt = columns.indexOf(chart.value);
    for (const row of panel.payload.rows) cells[row[dowAt]][row[hourAt]] = Number(row[valueAt] ?? 0);
    instance.setOption(heatmapOption(cells));
    return;
  }
  const labelAt = columns.indexOf(chart.label);
  const valueAt = columns.indexOf(chart.value);
  const label = (cell) => {
    if (typeof cell !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(cell)) return String(cell ?? '–');
    return chart.step === 'day' ? cell.slice(0, 10) : cell.slice(0, 7);
  };
  let points = sortedRows(panel.payload).map((row) => ({
    label: label(row[labelAt]),
    value: Number(row[valueAt] ?? 0),
  }));
  if (chart.sort === 'value') points = points.slice(0, 25);
  points = withBreaks(points, chart.step);
  const line = chart.kind === 'line';
  const rotate = !line && points.some((p) => p.label.length > 6);
  const header = panel.payload.headers.find((h) => h.id === chart.value);
  container.title = header?.definition ?? '';
  const gaps = points.filter((p) => p.gap).map((p) => ({ xAxis: p.label }));
  instance.setOption({
    backgroundColor: 'transparent',
    grid: { left: 70, right: 16, top: 28, bottom: rotate ? 90 : 40 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: points.map((p) => p.label), axisLabel: { rotate: rotate ? 50 : 0 } },
    yAxis: { type: 'value', name: header?.label ?? chart.value },
    series: [
      {
        type: chart.kind,
        data: points.map((p) => p.value),
        connectNulls: false,
        itemStyle: { color: css('--accent') },
        areaStyle: line ? { color: css('--accent-soft') } : undefined,
        markLine:
          gaps.length > 0
            ? {
                symbol: 'none',
                silent: true,
                label: { formatter: 'break', color: css('--muted') },
                lineStyle: { type: 'dashed', color: css('--muted') },
                data: gaps,
              }
            : undefined,
      },
    ],
  });
  container.dataset.breaks = String(gaps.length);
}

// ---- wiring -------------------------------------------------------------------------------------

function showView(view) {
  for (const tab of document.querySelectorAll('[data-view]'))
    tab.setAttribute('aria-selected', String(tab.dataset.view === view));
  $('#view-live').hidden = view !== 'live';
  $('#view-history').hidden = view !== 'history';
  $('#filters').hidden = view !== 'live';
  if (view === 'history') loadHistory();
  else for (const chart of [charts.sellers, charts.heatmap]) chart?.resize();
}

async function main() {
  initTheme();
  for (const tab of document.querySelectorAll('[data-view]'))
    tab.addEventListener('click', () => showView(tab.dataset.view));
  $('#history-refresh').addEventListener('click', loadHistory);
  $('#metric-picker').addEventListener('change', () => render('hourly-sales'));
  $('#period-picker').addEventListener('change', () => render('top-sellers'));
  $('#filter-state').addEventListener('change', onFiltersChanged);
  $('#filter-category').addEventListener('change', onFiltersChanged);
  window.addEventListener('resize', () => {
    for (const chart of [charts.sellers, charts.heatmap, ...charts.history.values()]) chart?.resize();
    const container = $('#hourly-chart');
    charts.hourly?.setSize({ width: container.clientWidth, height: 260 });
  });
  setInterval(tickFreshness, 1000);
  try {
    await loadFilters();
    await initialFilters();
  } catch {
    showBanner('The filter lists could not be loaded; showing all data.');
  }
  updateCsvLinks();
  connect();
}

window.addEventListener('DOMContentLoaded', main);
