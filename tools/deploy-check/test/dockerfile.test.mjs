// Negative tests of check-dockerfile.mjs: the real Dockerfile passes, each broken copy is refused.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { lintDockerfile } from '../check-dockerfile.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../../../..');
const dockerfile = readFileSync(join(root, 'deploy/docker/Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8');
const needed = ['libpq5', 'libsodium23', 'libc6', 'libasan8'];

function refused(edit, pattern, options = {}) {
  const text = edit(dockerfile);
  assert.notEqual(text, dockerfile, 'the edit changed nothing');
  const problems = lintDockerfile(text, { dockerignore, neededPackages: needed, ...options });
  assert.ok(problems.some((p) => pattern.test(p)), `expected ${pattern}, got: ${problems.join('; ')}`);
}

test('the Dockerfile as it is passes', () => {
  assert.deepEqual(lintDockerfile(dockerfile, { dockerignore, neededPackages: needed }), []);
});
test('one stage is refused', () =>
  refused((t) => t.replace(/FROM node[\s\S]*?FROM debian:bookworm-slim AS runtime/, 'FROM debian:bookworm-slim AS runtime'), /multi-stage/));
test('a runtime stage on another base is refused', () =>
  refused((t) => t.replace('FROM debian:bookworm-slim AS runtime', 'FROM ubuntu:24.04 AS runtime'), /not debian:bookworm-slim/));
test('an unpinned base image is refused', () => refused((t) => t.replace('node:20.19.0-bookworm-slim', 'node:latest'), /not pinned/));
test('root is refused', () => refused((t) => t.replace('USER 10001:10001', 'USER root'), /runs as root/));
test('no USER is refused', () => refused((t) => t.replace('USER 10001:10001\n', ''), /no USER/));
test('no HEALTHCHECK is refused', () => refused((t) => t.replace(/HEALTHCHECK[^\n]*\\\n[^\n]*\n/, ''), /no HEALTHCHECK/));
test('ADD is refused', () => refused((t) => t.replace('COPY deploy/kong.yml', 'ADD deploy/kong.yml'), /ADD/));
test('apt-get without --no-install-recommends is refused', () =>
  refused((t) => t.replace(/--no-install-recommends \\\n      ca-certificates curl/, '\\\n      ca-certificates curl'), /no-install-recommends/));
test('apt lists left in the layer are refused', () =>
  refused((t) => t.replace(' \\\n && rm -rf /var/lib/apt/lists/* \\\n && groupadd', ' \\\n && groupadd'), /apt lists/));
test('a shell-form ENTRYPOINT is refused', () =>
  refused((t) => t.replace('ENTRYPOINT ["/usr/local/bin/comptoir"]', 'ENTRYPOINT /usr/local/bin/comptoir'), /shell form/));
test('COPY --from a stage that does not exist is refused', () =>
  refused((t) => t.replace('COPY --from=build /src/build/web/dist', 'COPY --from=bulid /src/build/web/dist'), /bulid/));
test('a missing runtime library is refused', () =>
  refused((t) => t.replace(' libpq5 ', ' '), /does not install libpq5/));
test('a .dockerignore that lets var/ in is refused', () => {
  const problems = lintDockerfile(dockerfile, { dockerignore: dockerignore.replace('var/\n', ''), neededPackages: needed });
  assert.ok(problems.some((p) => /var\//.test(p)), problems.join('; '));
});
test('a .dockerignore that lets the Compose secrets in is refused', () => {
  const problems = lintDockerfile(dockerfile, { dockerignore: dockerignore.replace('deploy/compose/secrets/\n', ''), neededPackages: needed });
  assert.ok(problems.some((p) => /deploy\/compose\/secrets\//.test(p)), problems.join('; '));
});
test('no .dockerignore is refused', () => {
  assert.ok(lintDockerfile(dockerfile, { dockerignore: null }).some((p) => /no .dockerignore/.test(p)));
});
// The health check's default URL must be open for the default CMD (no credential, something listening).
const withDefaults = (url, cmd) => (t) =>
  t.replace('COMPTOIR_HEALTH_URL=http://127.0.0.1:8001/health', `COMPTOIR_HEALTH_URL=${url}`)
    .replace('CMD ["serve", "--service", "all"]', `CMD ${JSON.stringify(cmd)}`);
const healthProblems = (url, cmd) =>
  lintDockerfile(withDefaults(url, cmd)(dockerfile), { dockerignore, neededPackages: needed }).filter((p) => /HEALTHCHECK probes/.test(p));
test('a health check on the Admin API with the default CMD (nothing listens on 8011) is refused', () =>
  refused(withDefaults('http://127.0.0.1:8011/health', ['serve', '--service', 'all']), /probes http:\/\/127.0.0.1:8011\/health, which the default CMD \(serve --service all\)/));
test("the gateway's Admin API /health (401 without the token) is refused for the gateway role", () =>
  refused(withDefaults('http://127.0.0.1:8011/health', ['gateway']), /default CMD \(gateway\) does not answer.*8080\/health, 8011\/status\/ready/));
test("the gateway role's open endpoints pass: the proxy's /health and the Admin API's /status/ready", () => {
  assert.deepEqual(healthProblems('http://127.0.0.1:8080/health', ['gateway']), []);
  assert.deepEqual(healthProblems('http://127.0.0.1:8011/status/ready', ['gateway']), []);
});
test("another service's port than the CMD's is refused", () =>
  refused(withDefaults('http://127.0.0.1:8001/health', ['serve', '--service', 'cart']), /serve --service cart.*open there \(127.0.0.1\): 8006\/health, 8006\/ready$/));
test('a HEALTHCHECK that probes no URL is refused', () =>
  refused((t) => t.replace('\\"$COMPTOIR_HEALTH_URL\\"', 'nowhere'), /probes no URL/));
