// Negative tests of the Compose checks (docker-compose config -q, dclint, yamllint) and of the .env contract:
// each broken copy of deploy/compose/compose.yaml is refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = resolve(fileURLToPath(import.meta.url), '..');
const root = resolve(here, '../../..');
const compose = join(root, 'deploy/compose/compose.yaml');
const envExample = join(root, 'deploy/compose/env.example');
const original = readFileSync(compose, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'compose-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function variant(name, edit) {
  const text = edit(original);
  assert.notEqual(text, original, `${name}: the edit changed nothing`);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}
const run = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' });
const composeConfig = (file, env = envExample) => run('docker-compose', ['--env-file', env, '-f', file, 'config', '-q']);
const dclint = (file) =>
  run(join(here, '../node_modules/.bin/dclint'), ['-c', join(here, '../dclint.json'), '--max-warnings', '0', file]);
const yamllint = (file) => run('yamllint', ['-s', '-c', join(here, '../yamllint.yml'), file]);

test('the Compose file as it is passes all three', () => {
  for (const r of [composeConfig(compose), dclint(compose), yamllint(compose)]) assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('docker-compose config refuses an unknown key', () => {
  const r = composeConfig(variant('unknown-key', (t) => t.replace('    command: ["serve", "--service", "product"]', '    commande: ["serve"]')));
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /commande/);
});

test('docker-compose config refuses a dependency on a service that does not exist', () => {
  const r = composeConfig(variant('missing-dependency', (t) => t.replace('      payment: {condition: service_healthy}', '      paiement: {condition: service_healthy}')));
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /paiement/);
});

test('docker-compose config refuses to run without a secret of the .env', () => {
  const env = join(dir, 'partial.env');
  writeFileSync(env, readFileSync(envExample, 'utf8').replace(/^COMPTOIR_REDIS_PASSWORD=.*$/m, ''));
  const r = composeConfig(compose, env);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /COMPTOIR_REDIS_PASSWORD|init-env/);
});

test('dclint refuses an image without a version tag', () => {
  const r = dclint(variant('untagged', (t) => t.replace('image: redis:7.0.15-bookworm', 'image: redis')));
  assert.notEqual(r.status, 0);
  assert.match(r.stdout + r.stderr, /service-image-require-explicit-tag/);
});

test('dclint refuses a port published on every interface without saying so', () => {
  const r = dclint(variant('unbound-port', (t) => t.replace('"127.0.0.1:9090:9090"', '"9090:9090"')));
  assert.notEqual(r.status, 0);
  assert.match(r.stdout + r.stderr, /no-unbound-port-interfaces/);
});

test('yamllint refuses a duplicated key', () => {
  const r = yamllint(variant('duplicate', (t) => t.replace('      POSTGRES_USER: product\n', '      POSTGRES_USER: product\n      POSTGRES_USER: produit\n')));
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /duplication of key/);
});

test('env.example, init-env.sh and compose.yaml name the same variables', () => {
  const out = join(dir, 'generated.env');
  const r = spawnSync(join(root, 'deploy/compose/init-env.sh'), [], { env: { ...process.env, COMPTOIR_COMPOSE_ENV_FILE: out }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const keys = (text) => new Set(text.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')[0]));
  const generated = keys(readFileSync(out, 'utf8'));
  assert.deepEqual([...generated].sort(), [...keys(readFileSync(envExample, 'utf8'))].sort());
  for (const [, name] of original.matchAll(/\$\{([A-Z0-9_]+)/g)) assert.ok(generated.has(name), `${name} is not written by init-env.sh`);
  // The generated file is a valid .env for compose.yaml, its secrets are fresh and the PEMs are real keys.
  assert.equal(composeConfig(compose, out).status, 0);
  const copy = join(dir, 'again.env');
  spawnSync(join(root, 'deploy/compose/init-env.sh'), [], { env: { ...process.env, COMPTOIR_COMPOSE_ENV_FILE: copy } });
  const pw = (f) => /^COMPTOIR_REDIS_PASSWORD=(.*)$/m.exec(readFileSync(f, 'utf8'))[1];
  assert.notEqual(pw(out), pw(copy));
  assert.match(readFileSync(out, 'utf8'), /^COMPTOIR_AUTH_JWT_PUBLIC_KEY="-----BEGIN PUBLIC KEY-----\\n[A-Za-z0-9+/=]+\\n-----END PUBLIC KEY-----\\n"$/m);
});

test('prometheus.yml of Compose scrapes only services that exist', () => {
  const services = new Set([...original.matchAll(/^ {2}([a-z0-9-]+):$/gm)].map((m) => m[1]));
  const prom = readFileSync(join(root, 'deploy/compose/prometheus.yml'), 'utf8');
  for (const [, host] of prom.matchAll(/"([a-z0-9-]+):\d+"/g)) {
    if (host !== '127.0.0.1') assert.ok(services.has(host), `prometheus.yml scrapes ${host}, which compose.yaml does not define`);
  }
  copyFileSync(compose, join(dir, 'unused.yaml'));
});
