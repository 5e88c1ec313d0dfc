// The generated files: in sync with their sources, and refused when stale or when a source names a host
// the generator does not know.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { renderKong, renderPrometheusRules } from '../render.mjs';

const here = resolve(fileURLToPath(import.meta.url), '..');
const root = resolve(here, '../../..');
const kong = readFileSync(join(root, 'deploy/kong.yml'), 'utf8');
const renderCheck = (r) => spawnSync(process.execPath, [join(here, '../render.mjs'), '--check', '--root', r], { encoding: 'utf8' });

test('the generated files are in sync with deploy/kong.yml and deploy/prometheus/rules', () => {
  const r = renderCheck(root);
  assert.equal(r.status, 0, r.stderr);
});

test('a changed deploy/kong.yml makes the generated files stale', () => {
  const dir = mkdtempSync(join(tmpdir(), 'render-'));
  try {
    cpSync(join(root, 'deploy'), join(dir, 'deploy'), { recursive: true });
    writeFileSync(join(dir, 'deploy/kong.yml'), kong.replace('retries: 2', 'retries: 4'));
    const r = renderCheck(dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /deploy\/compose\/kong.yml, deploy\/k8s\/base\/gateway\/kong.yml/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an upstream on a port the generator does not know is refused', () => {
  assert.throws(() => renderKong(kong.replace('http://127.0.0.1:8001', 'http://127.0.0.1:8099'), 'k8s'), /8099/);
});

test('Kubernetes: no 127.0.0.1 upstream, one cart target, API keys from the environment', () => {
  const k8s = parse(renderKong(kong, 'k8s'));
  for (const s of k8s.services) assert.doesNotMatch(s.url, /127\.0\.0\.1/);
  assert.deepEqual(k8s.upstreams[0].targets.map((t) => t.target), ['cart:8006']);
  for (const c of k8s.consumers.filter((x) => x.keyauth_credentials)) assert.match(c.keyauth_credentials[0].key, /^\$\{COMPTOIR_API_KEY_[A-Z_]+\}$/);
  const compose = parse(renderKong(kong, 'compose'));
  assert.deepEqual(compose.upstreams[0].targets.map((t) => t.target), ['cart-1:8006', 'cart-2:8016', 'cart-3:8026']);
  assert.equal(compose.consumers.find((c) => c.username === 'pos-web-app').keyauth_credentials[0].key, 'pos-web-app-2025-frontend-key');
});

test('PrometheusRules carry the rule files groups unchanged', () => {
  const text = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        for: 1m\n';
  const [rule] = renderPrometheusRules([{ name: 'alerts.yml', text }]).split('---\n').slice(1).map((d) => parse(d));
  assert.equal(rule.kind, 'PrometheusRule');
  assert.equal(rule.metadata.name, 'comptoir-alerts');
  assert.deepEqual(rule.spec, parse(text));
  assert.throws(() => renderPrometheusRules([{ name: 'empty.yml', text: 'groups: []\n' }]), /no rule groups/);
});
