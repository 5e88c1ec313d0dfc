// deploy/k8s/create-secrets.sh makes every Secret key the rendered manifests reference (but the
// <service>-db-app Secrets, which CloudNativePG writes), and the gateway gets a variable for each API key
// of its kong.yml. kubectl is a stub here: `get` finds nothing, `apply -f -` keeps what it is given; the
// real kubectl renders the Secrets (`create secret --dry-run=client` needs no cluster).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { parseManifests, render } from '../check-k8s.mjs';
import { podTemplate } from '../policy.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../../../..');
const realKubectl = spawnSync('sh', ['-c', `command -v ${process.env.KUBECTL || 'kubectl'}`], { encoding: 'utf8' }).stdout.trim();

test('create-secrets.sh makes every Secret key the manifests reference', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
  try {
    const out = join(dir, 'applied.yaml');
    writeFileSync(join(dir, 'kubectl'), `#!/bin/sh
case "$*" in
  *"get "*) exit 1 ;;
  *"create namespace"*) exit 0 ;;
  *"apply -f -"*) cat >> "${out}"; echo --- >> "${out}" ;;
  *) exec "${realKubectl}" "$@" ;;
esac
`);
    chmodSync(join(dir, 'kubectl'), 0o755);
    const r = spawnSync(join(root, 'deploy/k8s/create-secrets.sh'), ['comptoir-dev', '--demo-keys'], {
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const secrets = new Map(
      parseAllDocuments(readFileSync(out, 'utf8'))
        .map((d) => d.toJS())
        .filter((o) => o?.kind === 'Secret')
        .map((o) => [o.metadata.name, Object.keys(o.data ?? {})]),
    );
    const objects = parseManifests(render(join(root, 'deploy/k8s/overlays/dev')));
    const refs = [];
    for (const o of objects) {
      for (const c of [...(podTemplate(o)?.spec?.initContainers ?? []), ...(podTemplate(o)?.spec?.containers ?? [])]) {
        for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) refs.push(e.valueFrom.secretKeyRef);
        for (const e of c.envFrom ?? []) if (e.secretRef) refs.push({ name: e.secretRef.name });
      }
      if (o.kind === 'Redis') refs.push(o.spec.kubernetesConfig.redisSecret);
    }
    assert.ok(refs.length > 20);
    for (const ref of refs) {
      if (/-db-app$/.test(ref.name)) continue;  // CloudNativePG's
      assert.ok(secrets.has(ref.name), `no Secret ${ref.name}`);
      if (ref.key) assert.ok(secrets.get(ref.name).includes(ref.key), `Secret ${ref.name} has no key ${ref.key}`);
    }
    // The gateway's envFrom gives kong.yml every ${COMPTOIR_API_KEY_*} it names.
    const kong = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('gateway-kong')).data['kong.yml'];
    for (const [, v] of kong.matchAll(/\$\{(COMPTOIR_API_KEY_[A-Z_]+)\}/g)) {
      assert.ok(secrets.get('comptoir-gateway-keys').includes(v), `comptoir-gateway-keys has no ${v}`);
    }
    // The private signing key is in its own Secret, read by customer alone.
    const readers = objects.filter((o) =>
      JSON.stringify(podTemplate(o)?.spec ?? {}).includes('"comptoir-auth-signing"'),
    );
    assert.ok(readers.every((o) => o.metadata.name === 'customer'), readers.map((o) => o.metadata.name).join());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
