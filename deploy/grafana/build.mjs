#!/usr/bin/env node
// Builds Comptoir's Grafana dashboards (dashboards as code): `node deploy/grafana/build.mjs` writes
// deploy/grafana/dashboards/*.json; `--check` only says whether the committed JSON is what this script builds
// (run by CTest, so the JSON never drifts from the code). Plain Node, no dependency.
//
// Each panel is a title, a type and PromQL targets; the helpers below give every dashboard the same datasource
// variable, layout and units. tests/observability/ extracts every `expr` of the built JSON, checks it with
// promtool and runs it against a real Prometheus after a short load: each must return series. Queries that can
// legitimately be empty (no 5xx yet) are written to return 0 instead (`or ... * 0`), so a panel never says
// "No data" on a healthy platform.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dashboards');

const DS = { type: 'prometheus', uid: '${datasource}' };

function target(expr, legend, refId) {
  return { datasource: DS, expr, legendFormat: legend ?? '', refId, range: true };
}

// A panel: `queries` is [[expr, legend], ...].
function panel(title, type, queries, { unit = 'short', w = 12, h = 8, description = '', decimals } = {}) {
  const defaults = { unit };
  if (decimals !== undefined) defaults.decimals = decimals;
  return {
    title,
    type,
    description,
    datasource: DS,
    fieldConfig: { defaults, overrides: [] },
    options: type === 'timeseries' ? { legend: { displayMode: 'table', placement: 'bottom', calcs: ['lastNotNull', 'max'] } } : {},
    targets: queries.map(([expr, legend], i) => target(expr, legend, String.fromCharCode(65 + i))),
    gridPos: { w, h },
  };
}

const ts = (title, queries, opts) => panel(title, 'timeseries', queries, opts);
const stat = (title, queries, opts) => panel(title, 'stat', queries, { w: 6, h: 4, ...opts });
const table = (title, queries, opts) => {
  const p = panel(title, 'table', queries, { w: 24, ...opts });
  for (const t of p.targets) {
    t.instant = true;
    t.range = false;
    t.format = 'table';
  }
  return p;
};
const row = (title) => ({ type: 'row', title, collapsed: false, panels: [], gridPos: { w: 24, h: 1 } });

function variable(name, label, query, { multi = true } = {}) {
  return {
    name,
    label,
    type: 'query',
    datasource: DS,
    query: { query, refId: `${name}-variable` },
    definition: query,
    refresh: 2,
    includeAll: true,
    allValue: '.*',
    multi,
    current: { selected: true, text: ['All'], value: ['$__all'] },
    sort: 1,
  };
}

const datasourceVariable = {
  name: 'datasource',
  label: 'Source',
  type: 'datasource',
  query: 'prometheus',
  current: {},
  hide: 0,
};

// Lays the panels out left to right, rows on their own line, and numbers them.
function layout(panels) {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return panels.map((p, i) => {
    const { w, h } = p.gridPos;
    if (p.type === 'row' || x + w > 24) {
      y += rowHeight;
      x = 0;
      rowHeight = 0;
    }
    const placed = { ...p, id: i + 1, gridPos: { x, y, w, h } };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    if (p.type === 'row') {
      y += h;
      x = 0;
      rowHeight = 0;
    }
    return placed;
  });
}

function dashboard(uid, title, description, tags, variables, panels) {
  return {
    uid,
    title,
    description,
    tags: ['comptoir', ...tags],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    refresh: '10s',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-1h', to: 'now' },
    templating: { list: [datasourceVariable, ...variables] },
    annotations: { list: [] },
    links: [{ type: 'dashboards', tags: ['comptoir'], title: 'Comptoir', asDropdown: true }],
    panels: layout(panels),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Gateway: Kong's metric names (the gateway's prometheus plugin), so this dashboard and Kong's official one
// (grafana.com 7424) read the same series.
const gw = '{service=~"$service", instance=~"$instance"}';
const gateway = dashboard(
  'comptoir-gateway',
  'Comptoir — Passerelle',
  "The Kong-compatible gateway: traffic, answers, latency, bandwidth, upstream targets (Kong's metric names).",
  ['gateway', 'kong'],
  [
    variable('instance', 'Instance', 'label_values(kong_nginx_connections_total, instance)'),
    variable('service', 'Service', 'label_values(kong_http_requests_total, service)'),
  ],
  [
    row('Trafic'),
    stat('Requêtes/s', [[`sum(rate(kong_http_requests_total${gw}[$__rate_interval]))`, 'req/s']], { unit: 'reqps' }),
    stat('Erreurs 5xx', [[
      `(sum(rate(kong_http_requests_total{service=~"$service", instance=~"$instance", code=~"5.."}[$__rate_interval])) or vector(0)) / sum(rate(kong_http_requests_total${gw}[$__rate_interval]))`,
      '5xx',
    ]], { unit: 'percentunit' }),
    stat('p95 de bout en bout', [[
      `histogram_quantile(0.95, sum by (le) (rate(kong_request_latency_ms_bucket${gw}[$__rate_interval])))`,
      'p95',
    ]], { unit: 'ms' }),
    stat('Connexions actives', [[`sum(kong_nginx_connections_total{state="active", instance=~"$instance"})`, 'actives']]),
    ts('Requêtes/s par service', [[`sum by (service) (rate(kong_http_requests_total${gw}[$__rate_interval]))`, '{{service}}']], { unit: 'reqps' }),
    ts('Réponses par code', [[`sum by (code) (rate(kong_http_requests_total${gw}[$__rate_interval]))`, '{{code}}']], { unit: 'reqps' }),
    ts('Requêtes/s par consommateur', [[`sum by (consumer) (rate(kong_http_requests_total${gw}[$__rate_interval]))`, '{{consumer}}']], { unit: 'reqps' }),
    ts('Réponses de la passerelle elle-même (source=kong)', [[
      `sum by (code) (rate(kong_http_requests_total{service=~"$service", instance=~"$instance", source="kong"}[$__rate_interval])) or sum(rate(kong_http_requests_total${gw}[$__rate_interval])) * 0`,
      '{{code}}',
    ]], { unit: 'reqps', description: 'Answers the gateway gave without the upstream: 401, 404, 429, 502, 503...' }),
    row('Latence'),
    ts('p95 de bout en bout par service', [[
      `histogram_quantile(0.95, sum by (service, le) (rate(kong_request_latency_ms_bucket${gw}[$__rate_interval])))`,
      '{{service}}',
    ]], { unit: 'ms', w: 8 }),
    ts('p95 amont (service) par service', [[
      `histogram_quantile(0.95, sum by (service, le) (rate(kong_upstream_latency_ms_bucket${gw}[$__rate_interval])))`,
      '{{service}}',
    ]], { unit: 'ms', w: 8 }),
    ts('p95 ajoutée par la passerelle', [[
      `histogram_quantile(0.95, sum by (service, le) (rate(kong_kong_latency_ms_bucket${gw}[$__rate_interval])))`,
      '{{service}}',
    ]], { unit: 'ms', w: 8 }),
    row('Débit et cibles'),
    ts('Octets/s par sens', [[`sum by (direction) (rate(kong_bandwidth_bytes${gw}[$__rate_interval]))`, '{{direction}}']], { unit: 'Bps' }),
    ts('Connexions par état', [[`sum by (state) (kong_nginx_connections_total{state=~"active|reading|writing|waiting", instance=~"$instance"})`, '{{state}}']]),
    table('Santé des cibles amont', [[
      'max by (upstream, target, address, state) (kong_upstream_target_health) == 1',
      '',
    ]], { h: 7, description: 'One line per target in its current state (healthy, unhealthy, dns_error, healthchecks_off).' }),
    table('Nœuds', [['max by (instance, node_id, version) (kong_node_info)', '']], { h: 5 }),
  ],
);

// ---------------------------------------------------------------------------------------------------------
// Services: RED (rate, errors, duration) per service and per route, plus their pools and events.
const api = 'route=~"/api/.*"';
const services = dashboard(
  'comptoir-services',
  'Comptoir — Services',
  'Rate, errors and duration of every service, per route; database pools; outbox and consumers; cart instances.',
  ['services', 'red'],
  [
    variable('job', 'Service', 'label_values(http_requests_total, job)'),
    variable('route', 'Route', 'label_values(http_requests_total{job=~"$job", route=~"/api/.*"}, route)'),
  ],
  [
    row('Vue d’ensemble'),
    ts('Requêtes/s par service', [[`sum by (job) (rate(http_requests_total{job=~"$job", ${api}}[$__rate_interval]))`, '{{job}}']], { unit: 'reqps', w: 8 }),
    ts('Part de 5xx par service', [[
      `(sum by (job) (rate(http_requests_total{job=~"$job", ${api}, status=~"5.."}[$__rate_interval])) or sum by (job) (rate(http_requests_total{job=~"$job", ${api}}[$__rate_interval])) * 0) / sum by (job) (rate(http_requests_total{job=~"$job", ${api}}[$__rate_interval]))`,
      '{{job}}',
    ]], { unit: 'percentunit', w: 8 }),
    ts('p95 par service', [[
      `histogram_quantile(0.95, sum by (job, le) (rate(http_request_duration_seconds_bucket{job=~"$job", ${api}}[$__rate_interval])))`,
      '{{job}}',
    ]], { unit: 's', w: 8 }),
    table('Cibles Prometheus', [['up', '']], { h: 8, description: '1: the process answers its /metrics; 0: it does not.' }),
    row('Par route ($job)'),
    ts('Requêtes/s par route', [[
      `sum by (job, method, route) (rate(http_requests_total{job=~"$job", route=~"$route"}[$__rate_interval]))`,
      '{{job}} {{method}} {{route}}',
    ]], { unit: 'reqps', w: 24 }),
    ts('Réponses par statut', [[
      `sum by (job, status) (rate(http_requests_total{job=~"$job", route=~"$route"}[$__rate_interval]))`,
      '{{job}} {{status}}',
    ]], { unit: 'reqps' }),
    ts('p95 par route', [[
      `histogram_quantile(0.95, sum by (job, route, le) (rate(http_request_duration_seconds_bucket{job=~"$job", route=~"$route"}[$__rate_interval])))`,
      '{{job}} {{route}}',
    ]], { unit: 's' }),
    ts('Requêtes en cours', [['sum by (job, instance) (http_requests_in_flight{job=~"$job"})', '{{job}} {{instance}}']]),
    ts('Connexions ouvertes', [['sum by (job, instance) (http_connections_open{job=~"$job"})', '{{job}} {{instance}}']]),
    row('Instances de panier'),
    ts('Charge par instance de panier', [['instance:cart_requests:rate1m', '{{instance_id}}']], { unit: 'reqps', description: 'API requests per second served by each cart instance (the gateway balances them).' }),
    ts('Cibles panier vues par la passerelle', [[
      'max by (target, state) (kong_upstream_target_health{upstream="cart-upstream"}) == 1',
      '{{target}} {{state}}',
    ]]),
    row('Base de données et événements'),
    ts('Connexions au pool par état', [['sum by (job, state) (db_pool_connections{job=~"$job"})', '{{job}} {{state}}']]),
    ts('Requêtes SQL/s et p95', [
      ['sum by (job) (rate(db_queries_total{job=~"$job"}[$__rate_interval]))', '{{job}} req/s'],
      ['histogram_quantile(0.95, sum by (job, le) (rate(db_query_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))', '{{job}} p95 (s)'],
    ]),
    ts('Outbox : en attente', [['sum by (job) (outbox_backlog{job=~"$job"})', '{{job}}']], { w: 8 }),
    ts('Outbox : âge du plus ancien', [['max by (job) (outbox_lag_seconds{job=~"$job"})', '{{job}}']], { unit: 's', w: 8 }),
    ts('Consommateurs : retard et en cours', [
      ['sum by (group) (events_consumer_lag)', '{{group}} pas encore lus'],
      ['sum by (group) (events_consumer_pending)', '{{group}} non acquittés'],
    ], { w: 8 }),
  ],
);

// ---------------------------------------------------------------------------------------------------------
// Business: what head office watches. Amounts are counted in cents and shown in dollars.
const business = dashboard(
  'comptoir-business',
  'Comptoir — Commerce',
  'Sales per store and tender, online orders, average basket, checkout outcomes, returns, oversell refusals, registers, low stock.',
  ['business'],
  [variable('location_id', 'Magasin', 'label_values(sales_completed_total, location_id)')],
  [
    row('Magasins'),
    ts('Ventes par magasin (par heure)', [[
      'sum by (location_id) (increase(sales_completed_total{location_id=~"$location_id"}[1h]))',
      'magasin {{location_id}}',
    ]], { decimals: 0 }),
    ts('Chiffre d’affaires par magasin et mode de paiement ($/h)', [[
      'sum by (location_id, tender) (increase(sales_revenue_cents_total{location_id=~"$location_id"}[1h])) / 100',
      'magasin {{location_id}} {{tender}}',
    ]], { unit: 'currencyUSD' }),
    ts('Panier moyen en magasin ($, dernière heure)', [[
      'sum by (location_id) (increase(sales_revenue_cents_total{location_id=~"$location_id"}[1h])) / 100 / sum by (location_id) (increase(sales_completed_total{location_id=~"$location_id"}[1h]))',
      'magasin {{location_id}}',
    ]], { unit: 'currencyUSD' }),
    ts('Retours et remboursements ($/h)', [
      ['sum by (location_id) (increase(sales_returns_total{location_id=~"$location_id"}[1h]))', 'retours magasin {{location_id}}'],
      ['sum by (location_id) (increase(sales_refunded_cents_total{location_id=~"$location_id"}[1h])) / 100', 'remboursé magasin {{location_id}} ($)'],
    ]),
    row('Boutique en ligne'),
    stat('Commandes en ligne (dernière heure)', [['sum(increase(order_checkouts_total{outcome="placed"}[1h]))', 'commandes']], { decimals: 0 }),
    stat('Chiffre d’affaires en ligne ($, dernière heure)', [['sum(increase(order_revenue_cents_total[1h])) / 100', '$']], { unit: 'currencyUSD' }),
    stat('Panier moyen en ligne ($, dernière heure)', [[
      'sum(increase(order_revenue_cents_total[1h])) / 100 / sum(increase(order_checkouts_total{outcome="placed"}[1h]))',
      '$',
    ]], { unit: 'currencyUSD' }),
    stat('Échecs techniques du paiement (10 min)', [[
      'sum(rate(order_checkouts_total{outcome="failed"}[10m])) / sum(rate(order_checkouts_total[10m]))',
      'échecs',
    ]], { unit: 'percentunit' }),
    ts('Issues des paiements par raison', [[
      'sum by (outcome, reason) (increase(order_checkouts_total[10m]))',
      '{{outcome}} {{reason}}',
    ]], { w: 24, description: 'placed: order created; refused (4xx): declined card, short stock, empty cart; failed (5xx): provider down or slow.' }),
    row('Stock et caisses'),
    ts('Refus de survente par emplacement', [[
      'sum by (location_id, kind) (increase(inventory_oversell_refusals_total[1h]))',
      'emplacement {{location_id}} {{kind}}',
    ]], { w: 8 }),
    ts('Produits sous le point de commande', [[
      'max by (location_id, location_type) (inventory_low_stock_products)',
      '{{location_type}} {{location_id}}',
    ]], { w: 8 }),
    ts('Écart de caisse à la dernière fermeture ($)', [[
      'max by (location_id, register) (sales_register_last_over_short_cents) / 100',
      'magasin {{location_id}} {{register}}',
    ]], { unit: 'currencyUSD', w: 8 }),
  ],
);

// ---------------------------------------------------------------------------------------------------------
// Infrastructure: PostgreSQL and Redis through their exporters, and Prometheus's own view.
const infrastructure = dashboard(
  'comptoir-infrastructure',
  'Comptoir — Infrastructure',
  'PostgreSQL (postgres_exporter) and Redis (redis_exporter) of the platform, and the scrape targets.',
  ['infrastructure', 'postgresql', 'redis'],
  [],
  [
    row('PostgreSQL'),
    stat('PostgreSQL joignable', [['max(pg_up)', 'pg_up']]),
    stat('Connexions', [['sum(pg_stat_activity_count)', 'connexions']]),
    stat('Connexions max', [['max(pg_settings_max_connections)', 'max']]),
    stat('Cibles en panne', [['count(up == 0) or vector(0)', 'en panne']]),
    ts('Transactions/s par base', [[
      'sum by (datname) (rate(pg_stat_database_xact_commit{datname!~"template.*"}[$__rate_interval]) + rate(pg_stat_database_xact_rollback{datname!~"template.*"}[$__rate_interval]))',
      '{{datname}}',
    ]], { unit: 'ops' }),
    ts('Taille des bases', [['pg_database_size_bytes{datname!~"template.*"}', '{{datname}}']], { unit: 'bytes' }),
    ts('Connexions par base et état', [['sum by (datname, state) (pg_stat_activity_count{datname!~"template.*"})', '{{datname}} {{state}}']]),
    ts('Interblocages et conflits', [
      ['sum by (datname) (rate(pg_stat_database_deadlocks[$__rate_interval]))', '{{datname}} interblocages'],
      ['sum by (datname) (rate(pg_stat_database_conflicts[$__rate_interval]))', '{{datname}} conflits'],
    ]),
    row('Redis'),
    stat('Redis joignable', [['max(redis_up)', 'redis_up']]),
    stat('Clients connectés', [['sum(redis_connected_clients)', 'clients']]),
    stat('Mémoire utilisée', [['sum(redis_memory_used_bytes)', 'octets']], { unit: 'bytes' }),
    stat('Clés', [['sum(redis_db_keys)', 'clés']]),
    ts('Commandes/s', [['sum(rate(redis_commands_processed_total[$__rate_interval]))', 'commandes']], { unit: 'ops' }),
    ts('Commandes par type', [['topk(10, sum by (cmd) (rate(redis_commands_total[$__rate_interval])))', '{{cmd}}']], { unit: 'ops' }),
  ],
);

const dashboards = { 'gateway.json': gateway, 'services.json': services, 'business.json': business, 'infrastructure.json': infrastructure };

const check = process.argv.includes('--check');
let stale = [];
mkdirSync(out, { recursive: true });
for (const [file, body] of Object.entries(dashboards)) {
  const text = JSON.stringify(body, null, 2) + '\n';
  const path = join(out, file);
  if (check) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // missing: stale
    }
    if (current !== text) stale.push(file);
  } else {
    writeFileSync(path, text);
  }
}
if (check && stale.length > 0) {
  console.error(`deploy/grafana/dashboards/ is not what build.mjs builds (${stale.join(', ')}): run node deploy/grafana/build.mjs`);
  process.exit(1);
}
if (check) console.log(`${Object.keys(dashboards).length} dashboards match build.mjs`);
