// Negative tests of the Compose checks (docker-compose config -q, dclint, yamllint, promtool), of the .env
// contract and of the secret files' modes: each broken copy of deploy/compose/compose.yaml (or of
// prometheus.yml, init-env.sh) is refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

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

// --- the secret files init-env.sh writes, read inside the containers -----------------------------------
// Without Swarm, Compose bind-mounts a file secret with its host owner and mode (the long syntax's
// uid/gid/mode do not apply: docker/compose#9648, #12362), and the containers run as other uids than the
// host user who ran init-env.sh: each reader needs the "others" read bit; the directory keeps the host out.
const dockerfileUser = () => {
  const users = [...readFileSync(join(root, 'deploy/docker/Dockerfile'), 'utf8').matchAll(/^USER\s+(\d+)/gm)];
  return Number(users[users.length - 1][1]);
};
// The uid each image's processes run as when the service sets no `user:`.
const IMAGE_UIDS = { comptoir: dockerfileUser(), 'prom/prometheus': 65534 };

/** Problems of the file secrets of `composeText` as init-env.sh left them beside `envFile`. */
export function secretFileProblems(composeText, envFile) {
  const spec = parseDocument(composeText, { merge: true }).toJS();
  const problems = [];
  const env = statSync(envFile);
  if (env.mode & 0o077) problems.push(`${envFile}: mode ${(env.mode & 0o777).toString(8)}, not 600 (only the docker CLI reads it)`);
  for (const [name, secret] of Object.entries(spec.secrets ?? {})) {
    if (!secret.file) continue;
    const file = resolve(dirname(envFile), secret.file);
    let st;
    try {
      st = statSync(file);
    } catch {
      problems.push(`secret ${name}: init-env.sh did not write ${secret.file}`);
      continue;
    }
    const readers = Object.entries(spec.services).filter(([, s]) => (s.secrets ?? []).some((x) => (x.source ?? x) === name));
    if (!readers.length) problems.push(`secret ${name}: no service reads it`);
    for (const [service, s] of readers) {
      const image = s.image.replace(/:[^/]*$/, '');
      const uid = s.user !== undefined ? Number(String(s.user).split(':')[0]) : IMAGE_UIDS[image];
      if (uid === undefined || Number.isNaN(uid)) {
        problems.push(`secret ${name}: which uid does ${service} (${s.image}) run as? add it to IMAGE_UIDS`);
        continue;
      }
      const bit = uid === st.uid ? 0o400 : 0o004;
      if (!(st.mode & bit)) {
        problems.push(`secret ${name}: ${service} (uid ${uid}) cannot read ${secret.file} (mode ${(st.mode & 0o777).toString(8)}, owner ${st.uid})`);
      }
    }
    if (st.mode & 0o022) problems.push(`secret ${name}: ${secret.file} is writable by others than its owner`);
    const parent = statSync(dirname(file));
    if (dirname(file) === dirname(envFile) || parent.mode & 0o077) {
      problems.push(`secret ${name}: ${dirname(secret.file)}/ is not a 0700 directory of its own (mode ${(parent.mode & 0o777).toString(8)}): the host's other users could read ${secret.file}`);
    }
  }
  return problems;
}

function initEnv(script, name, args = []) {
  const out = join(mkdtempSync(join(dir, `${name}-`)), '.env');
  const r = spawnSync(script, args, { env: { ...process.env, COMPTOIR_COMPOSE_ENV_FILE: out }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return out;
}
const initEnvScript = join(root, 'deploy/compose/init-env.sh');
const initEnvVariant = (name, edit) => {
  const text = readFileSync(initEnvScript, 'utf8');
  const edited = edit(text);
  assert.notEqual(edited, text, `${name}: the edit changed nothing`);
  const file = join(dir, `${name}.sh`);
  writeFileSync(file, edited);
  chmodSync(file, 0o755);
  return file;
};

test('the secret files init-env.sh writes are readable by the containers that read them, and by no one else on the host', () => {
  const env = initEnv(initEnvScript, 'secrets');
  assert.deepEqual(secretFileProblems(original, env), []);
  // An existing deployment whose token was written 0600 (init-env.sh before this check) is repaired by a rerun.
  const token = join(dirname(env), 'secrets/gateway-admin-token');
  const value = readFileSync(token, 'utf8');
  chmodSync(token, 0o600);
  chmodSync(dirname(token), 0o755);
  assert.notDeepEqual(secretFileProblems(original, env), []);
  assert.equal(spawnSync(initEnvScript, [], { env: { ...process.env, COMPTOIR_COMPOSE_ENV_FILE: env } }).status, 0);
  assert.deepEqual(secretFileProblems(original, env), []);
  assert.equal(readFileSync(token, 'utf8'), value, 'a rerun without --force must keep the token');
});

test('a token file only its host owner can read is refused: neither the gateway nor Prometheus could read it', () => {
  const env = initEnv(initEnvVariant('token-600', (t) => t.replace('chmod 644 "$token_file"', 'chmod 600 "$token_file"')), 'token-600');
  const problems = secretFileProblems(original, env);
  assert.ok(problems.some((p) => /gateway \(uid 10001\) cannot read \.\/secrets\/gateway-admin-token/.test(p)), problems.join('; '));
  assert.ok(problems.some((p) => /prometheus \(uid 65534\) cannot read/.test(p)), problems.join('; '));
});

test('a readable token in a directory the other users of the host can enter is refused', () => {
  const env = initEnv(initEnvVariant('dir-755', (t) => t.replace('chmod 700 "$secrets_dir"', 'chmod 755 "$secrets_dir"')), 'dir-755');
  assert.match(secretFileProblems(original, env).join('\n'), /not a 0700 directory/);
});

test('a secret read by a service whose uid is unknown is refused', () => {
  const withAlertmanager = original.replace(
    '      - ../alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro\n',
    '      - ../alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro\n    secrets: [gateway_admin_token]\n',
  );
  assert.notEqual(withAlertmanager, original);
  const env = initEnv(initEnvScript, 'unknown-uid');
  assert.match(secretFileProblems(withAlertmanager, env).join('\n'), /which uid does alertmanager/);
});

// --- promtool check config (CTest deploy_compose_prometheus_config) ----------------------------------
const prometheusYml = readFileSync(join(root, 'deploy/compose/prometheus.yml'), 'utf8');
function promtool(text, { token = true } = {}) {
  const d = mkdtempSync(join(dir, 'prom-'));
  if (token) writeFileSync(join(d, 'token'), 'token\n');
  writeFileSync(join(d, 'prometheus.yml'), text.replaceAll('/run/secrets/gateway_admin_token', join(d, 'token')));
  return run('promtool', ['check', 'config', join(d, 'prometheus.yml')]);
}

test('promtool accepts prometheus.yml of Compose as it is', () => {
  const r = promtool(prometheusYml);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('promtool refuses a prometheus.yml with a misspelt key', () => {
  const text = prometheusYml.replace('scrape_interval: 15s', 'scrape_intervall: 15s');
  assert.notEqual(text, prometheusYml);
  const r = promtool(text);
  assert.notEqual(r.status, 0);
  assert.match(r.stdout + r.stderr, /scrape_intervall/);
});

test('promtool refuses a scrape job whose credentials file is missing', () => {
  const r = promtool(prometheusYml, { token: false });
  assert.notEqual(r.status, 0);
  assert.match(r.stdout + r.stderr, /token/);
});
