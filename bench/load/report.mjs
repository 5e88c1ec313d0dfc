#!/usr/bin/env node
// The report of a `make loadtest` run: node bench/load/report.mjs <results dir>
// Reads <deployment>-<round>.json (comptoir-load results) and <deployment>-<round>.rss.json, writes
// report.html (tables and inline SVG charts: latency percentiles over time, throughput, errors, per
// deployment) and summary.md, beside the seeds' published figures. No dependencies.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench/load/report.mjs <results dir>');
  process.exit(2);
}

// The seeds' published figures (MelvinSDRS/log430-lab7-bis load_tests/k6/lab5-*-fair-comparison-results.json,
// Kong's benchmark page): see /work/shared/reference and bench/README.md.
const SEEDS = [
  { what: 'Seed, 15 VUs (Kong + Flask microservices)', requests: 33048, rps: 91.31, avg: 2.64, med: 1.70, p90: 4.47, p95: 7.84,
    note: 'error rate 95.8 %, checks 68.1 %: most answers were rejections (401 on /customers)' },
  { what: 'Seed, 100 VUs', requests: 682170, rps: 1136.81, avg: 28.36, med: 14.94, p90: 72.82, p95: 96.43,
    note: 'error rate 99.9 %, checks 66.7 %, 29,307 iterations' },
  { what: 'Seed lab 4, monolith baseline / with cache (15 VUs)', requests: null, rps: '1.84 / 2.43', avg: '1972 / 965',
    note: 'monolith + NGINX + Redis; at 100 VUs: saturated without cache, 6,796 iterations in 7 min with it' },
  { what: 'Kong 3.15 benchmark, proxy only, 16 vCPU', requests: null, rps: 135320, p95: 3.55, p99: 5.70, note: '≈ 8,460 req/s per vCPU, k6 closed model, 50 VUs' },
  { what: 'Kong 3.15, rate limit + key-auth', requests: null, rps: 100305, p95: 4.40, p99: 9.19, note: '≈ 6,270 req/s per vCPU' },
];

// Targets of issue 17 §4 (request name, p95 bound in ms).
const TARGETS = [
  { scenario: 'seed-100vu', name: null, p95: 5, success: true, label: 'seed 100-VU profile: 100 % success, p95 ≤ 5 ms' },
  { scenario: 'pos-sale', name: 'sales.create', p95: 15, label: 'POS sale at 50/s: p95 ≤ 15 ms' },
  { scenario: 'online-checkout', name: 'order.checkout', p95: 25, label: 'checkout at 20/s: p95 ≤ 25 ms' },
  { scenario: 'dashboard', name: 'reporting.dashboard', p95: 10, label: 'dashboard at 100/s: p95 ≤ 10 ms' },
];

const runs = readdirSync(dir)
  .filter((f) => /^[a-z]+-\d+\.json$/.test(f))
  .map((f) => ({ file: f, ...JSON.parse(readFileSync(join(dir, f), 'utf8')) }))
  .sort((a, b) => a.round - b.round || a.label.localeCompare(b.label));
const rss = readdirSync(dir)
  .filter((f) => f.endsWith('.rss.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
if (runs.length === 0) {
  console.error(`report: no results in ${dir}`);
  process.exit(1);
}
const deployments = [...new Set(runs.map((r) => r.label))];
const scenarioNames = [...new Set(runs.flatMap((r) => r.scenarios.map((s) => s.name)))];
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
const color = (d) => COLORS[deployments.indexOf(d) % COLORS.length];

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const fmt = (v, digits = 2) => (v === null || v === undefined || Number.isNaN(v) ? '–' : typeof v === 'number' ? v.toFixed(digits) : v);
const int = (v) => (v === null || v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));
const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (v.length === 0) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const scenarioOf = (run, name) => run.scenarios.find((s) => s.name === name);
const stat = (s, name) => (name ? s.by_name?.[name] : s.requests);

// Per scenario and deployment: one row per round, and the median of the rounds.
function rows(name) {
  const out = [];
  for (const d of deployments) {
    for (const run of runs.filter((r) => r.label === d)) {
      const s = scenarioOf(run, name);
      if (!s) continue;
      out.push({ d, round: run.round, s, load: run.machine.loadavg_start, loadEnd: run.machine.loadavg_end });
    }
  }
  return out;
}

function p95Of(name, d, requestName) {
  return median(rows(name).filter((r) => r.d === d).map((r) => stat(r.s, requestName)?.latency_ms?.p95));
}

// --- SVG line chart -------------------------------------------------------------------------------
function chart(title, series, yLabel) {
  const W = 640, H = 220, L = 56, R = 12, T = 24, B = 34;
  const pts = series.flatMap((s) => s.points);
  if (pts.length === 0) return '';
  const xMax = Math.max(...pts.map((p) => p[0]), 1);
  // An all-zero series (no failures) gets an axis of 0–1 rather than five ticks that all read 0.0.
  const top = Math.max(...pts.map((p) => p[1]));
  const yMax = (top > 0 ? top : 1) * 1.1;
  const x = (v) => L + (v / xMax) * (W - L - R);
  const y = (v) => H - B - (v / yMax) * (H - T - B);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * yMax);
  let svg = `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">`;
  svg += `<text x="${L}" y="16" font-size="13" font-weight="bold">${esc(title)}</text>`;
  for (const t of ticks) {
    svg += `<line x1="${L}" x2="${W - R}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`;
    svg += `<text x="${L - 4}" y="${y(t) + 4}" font-size="10" text-anchor="end">${fmt(t, t < 10 ? 1 : 0)}</text>`;
  }
  svg += `<text x="12" y="${T + (H - T - B) / 2}" font-size="10" transform="rotate(-90 12 ${T + (H - T - B) / 2})" text-anchor="middle">${esc(yLabel)}</text>`;
  svg += `<text x="${W - R}" y="${H - 6}" font-size="10" text-anchor="end">seconds since the start (${fmt(xMax, 0)} s)</text>`;
  // One legend row under the axis, an equal share of the width per series (four: two deployments × two rounds).
  const step = Math.min(200, (W - L - R - 8) / Math.max(series.length, 1));
  series.forEach((s, i) => {
    const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
    svg += `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5" ${s.dash ? 'stroke-dasharray="4 3"' : ''}/>`;
    svg += `<text x="${(L + 8 + i * step).toFixed(1)}" y="${H - 18}" font-size="10" fill="${s.color}">${esc(s.name)}</text>`;
  });
  return svg + '</svg>';
}

function charts(name) {
  const rs = rows(name);
  const series = (key, label) =>
    rs.map((r, i) => ({
      name: `${r.d} r${r.round} ${label}`,
      color: color(r.d),
      dash: r.round % 2 === 0,
      points: r.s.series.filter((p) => key !== 'p95_ms' || p.requests > 0).map((p) => [p.t, p[key]]),
    }));
  return [
    chart(`${name}: latency p95 (ms) over time`, series('p95_ms', 'p95'), 'ms'),
    chart(`${name}: latency p99 (ms) over time`, series('p99_ms', 'p99'), 'ms'),
    chart(`${name}: throughput (requests/s)`, series('rps', 'req/s'), 'req/s'),
    chart(`${name}: failed requests per interval`, series('failed', 'failed'), 'failed'),
  ].join('\n');
}

// --- tables -----------------------------------------------------------------------------------------
function scenarioTable(name, md) {
  const head = ['deployment', 'round', 'load avg (1 min) start → end', 'iterations', 'dropped', 'requests', 'req/s', 'failed',
    'checks failed', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'max ms'];
  const lines = rows(name).map((r) => {
    const q = r.s.requests;
    return [r.d, r.round, `${fmt(r.load[0])} → ${fmt(r.loadEnd[0])}`, int(r.s.iterations), int(r.s.dropped_iterations), int(q.count),
      fmt(q.rate, 1), int(q.failed), int(r.s.checks.fails), fmt(q.latency_ms.med), fmt(q.latency_ms.p90), fmt(q.latency_ms.p95),
      fmt(q.latency_ms.p99), fmt(q.latency_ms.max)];
  });
  md.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`), '');
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${lines
    .map((l) => `<tr>${l.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</table>`;
}

function byNameTable(name) {
  const rs = rows(name);
  const names = [...new Set(rs.flatMap((r) => Object.keys(r.s.by_name)))];
  let html = '<table><tr><th>request</th>';
  for (const d of deployments) html += `<th>${esc(d)}: count</th><th>p95 ms (median of rounds)</th><th>failed</th>`;
  html += '</tr>';
  for (const n of names) {
    html += `<tr><td>${esc(n)}</td>`;
    for (const d of deployments) {
      const mine = rs.filter((r) => r.d === d).map((r) => r.s.by_name[n]).filter(Boolean);
      html += `<td>${int(mine.reduce((a, s) => a + s.count, 0))}</td><td>${fmt(median(mine.map((s) => s.latency_ms.p95)))}</td><td>${int(
        mine.reduce((a, s) => a + s.failed, 0),
      )}</td>`;
    }
    html += '</tr>';
  }
  return html + '</table>';
}

function failures(md) {
  const items = [];
  for (const run of runs) {
    for (const s of run.scenarios) {
      for (const c of s.checks.list) {
        if (c.fails > 0) items.push({ d: run.label, round: run.round, scenario: s.name, ...c });
      }
    }
  }
  if (items.length === 0) {
    md.push('**Zero failed checks** in every scenario, deployment and round.', '');
    return '<p class="ok"><b>Zero failed checks</b> in every scenario, deployment and round.</p>';
  }
  md.push('| deployment | round | scenario | check | failed / total | first failures |', '|---|---|---|---|---|---|');
  let html = '<table><tr><th>deployment</th><th>round</th><th>scenario</th><th>check</th><th>failed / total</th><th>why (first failures)</th></tr>';
  for (const i of items) {
    const why = i.examples.slice(0, 3).join(' ‖ ');
    md.push(`| ${i.d} | ${i.round} | ${i.scenario} | ${i.name} | ${i.fails} / ${i.fails + i.passes} | ${why.replace(/\|/g, '\\|').slice(0, 400)} |`);
    html += `<tr class="bad"><td>${esc(i.d)}</td><td>${i.round}</td><td>${esc(i.scenario)}</td><td>${esc(i.name)}</td><td>${i.fails} / ${
      i.fails + i.passes
    }</td><td><code>${esc(why)}</code></td></tr>`;
  }
  md.push('');
  return html + '</table>';
}

function targets(md) {
  const head = ['target', ...deployments.map((d) => `${d}: measured`), 'met?'];
  md.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  let html = `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const add = (label, cells, ok) => {
    md.push(`| ${label} | ${cells.join(' | ')} | ${ok === null ? 'not run' : ok ? 'yes' : '**no**'} |`);
    html += `<tr><td>${esc(label)}</td>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}<td class="${ok ? 'ok' : 'bad'}">${
      ok === null ? 'not run' : ok ? 'yes' : 'no'
    }</td></tr>`;
  };
  for (const t of TARGETS) {
    if (!scenarioNames.includes(t.scenario)) {
      add(t.label, deployments.map(() => '–'), null);
      continue;
    }
    let ok = true;
    const cells = deployments.map((d) => {
      const p95 = p95Of(t.scenario, d, t.name);
      const rs = rows(t.scenario).filter((r) => r.d === d);
      const failed = rs.reduce((a, r) => a + (t.name ? r.s.by_name[t.name]?.failed ?? 0 : r.s.requests.failed) + r.s.checks.fails, 0);
      ok = ok && p95 !== null && p95 <= t.p95 && (!t.success || failed === 0);
      return `p95 ${fmt(p95)} ms${t.success ? `, ${failed} failed` : ''}`;
    });
    add(t.label, cells, ok);
  }
  if (deployments.includes('microservices') && deployments.includes('monolith')) {
    for (const name of scenarioNames.filter((n) => !n.startsWith('max-'))) {
      const m = p95Of(name, 'microservices', null);
      const o = p95Of(name, 'monolith', null);
      const ratio = m !== null && o ? m / o : null;
      add(`microservices p95 / monolith p95 ≤ 1.3: ${name}`, deployments.map((d) => (d === 'microservices' ? `${fmt(m)} ms` : d === 'monolith' ? `${fmt(o)} ms` : '–')).map(
        (c, i) => (i === deployments.length - 1 ? `${c} (ratio ${fmt(ratio)})` : c),
      ), ratio === null ? null : ratio <= 1.3);
    }
  }
  md.push('');
  return html + '</table>';
}

function rssTable(md) {
  if (rss.length === 0) return '<p>No RSS measurements.</p>';
  const byDeployment = {};
  for (const r of rss) {
    for (const [proc, kb] of Object.entries(r.idle_rss_kb)) {
      ((byDeployment[r.deployment] ??= {})[proc] ??= []).push(kb);
    }
  }
  md.push('| deployment | process | idle RSS MB (median of rounds) |', '|---|---|---|');
  let html = '<table><tr><th>deployment</th><th>process</th><th>idle RSS, MB (median of rounds)</th><th>≤ 30 MB?</th></tr>';
  for (const [d, procs] of Object.entries(byDeployment)) {
    for (const [p, kbs] of Object.entries(procs).sort()) {
      const mb = median(kbs) / 1024;
      md.push(`| ${d} | ${p} | ${fmt(mb, 1)} |`);
      html += `<tr><td>${esc(d)}</td><td>${esc(p)}</td><td>${fmt(mb, 1)}</td><td class="${mb <= 30 || p === 'comptoir' ? 'ok' : 'bad'}">${
        p === 'comptoir' ? 'all services' : mb <= 30 ? 'yes' : 'no'
      }</td></tr>`;
    }
  }
  md.push('');
  return html + '</table>';
}

function seeds(md) {
  md.push('| published figure | requests | req/s | avg ms | med ms | p90 ms | p95 ms | p99 ms | note |', '|---|---|---|---|---|---|---|---|---|');
  let html = '<table><tr><th>published figure</th><th>requests</th><th>req/s</th><th>avg ms</th><th>med ms</th><th>p90 ms</th><th>p95 ms</th><th>p99 ms</th><th>note</th></tr>';
  for (const s of SEEDS) {
    const cells = [s.what, int(s.requests), typeof s.rps === 'number' ? fmt(s.rps, 1) : s.rps, fmt(s.avg), fmt(s.med), fmt(s.p90), fmt(s.p95), fmt(s.p99), s.note];
    md.push(`| ${cells.join(' | ')} |`);
    html += `<tr>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
  }
  md.push('');
  return html + '</table>';
}

// --- the page -----------------------------------------------------------------------------------------
const m = runs[0].machine;
const loads = runs.map((r) => `${r.label} r${r.round}: ${fmt(r.machine.loadavg_start[0])} → ${fmt(r.machine.loadavg_end[0])}`).join('; ');
const md = [
  `# Load test ${runs[0].started_at.slice(0, 10)}`,
  '',
  `Machine: ${m.nproc} cores (${m.cpu_model}), ${fmt(m.mem_total_kb / 1048576, 1)} GB, ${m.kernel}. ` +
    `Load average (1 min) at the start → end of each run: ${loads}. Scale ${runs[0].scale} (1 = full length), ` +
    `${new Set(runs.map((r) => r.round)).size} round(s), deployments ${deployments.join(', ')}, runner threads ${runs[0].threads}.`,
  '',
  'Latency is measured from the intended send time (open-loop scenarios) — see bench/README.md.',
  '',
  '## Targets (issue 17 §4)',
  '',
];
let body = `<h1>Comptoir load test — ${esc(runs[0].started_at)}</h1>`;
body += `<p>Machine: ${m.nproc} cores (${esc(m.cpu_model)}), ${fmt(m.mem_total_kb / 1048576, 1)} GB, ${esc(m.kernel)}, host ${esc(m.hostname)}.<br>`;
body += `Load average (1 min) at the start → end of each run: ${esc(loads)}.<br>Scale ${runs[0].scale} (1 = full length); deployments `;
body += `${deployments.map((d) => `<span style="color:${color(d)}">${esc(d)}</span>`).join(', ')} (even rounds dashed); every request checked; latency from the intended send time.</p>`;
body += `<h2>Targets (issue 17 §4)</h2>${targets(md)}`;
md.push('## Failed checks', '');
body += `<h2>Failed checks</h2>${failures(md)}`;
md.push('## Scenarios', '');
body += '<h2>Scenarios</h2>';
for (const name of scenarioNames) {
  const desc = runs.map((r) => scenarioOf(r, name)).find(Boolean)?.description ?? '';
  md.push(`### ${name}`, '', desc, '');
  body += `<h3 id="${esc(name)}">${esc(name)}</h3><p>${esc(desc)}</p>${scenarioTable(name, md)}${byNameTable(name)}<div class="charts">${charts(name)}</div>`;
}
md.push('## Idle memory per process', '');
body += `<h2>Idle memory per process (5 s after start, before load)</h2>${rssTable(md)}`;
md.push('## The seeds\' published figures, for reference', '');
body += `<h2>The seeds' published figures, for reference</h2><p>Not comparable one to one: the seeds counted rejected requests as answers, ran on other machines, and closed-loop (k6 VUs).</p>${seeds(md)}`;

const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Comptoir load test</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:1400px}table{border-collapse:collapse;margin:8px 0 16px}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}td:first-child,th:first-child{text-align:left}
.ok{color:#1a7f37}.bad{color:#b00020}.charts{display:flex;flex-wrap:wrap;gap:8px}code{font-size:11px}</style></head>
<body>${body}</body></html>\n`;
writeFileSync(join(dir, 'report.html'), html);
writeFileSync(join(dir, 'summary.md'), md.join('\n') + '\n');
console.log(`report: ${join(dir, 'report.html')}, ${join(dir, 'summary.md')}`);
