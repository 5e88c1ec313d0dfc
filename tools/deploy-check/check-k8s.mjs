// Renders a kustomize overlay with `kubectl kustomize` and refuses it unless every object validates against
// the Kubernetes schemas (kubernetes-models 4.x; the Prometheus Operator's kinds with
// @kubernetes-models/prometheus-operator) and passes the project's policies (policy.mjs).
//   node tools/deploy-check/check-k8s.mjs deploy/k8s/overlays/dev [--kubectl PATH]
//   node tools/deploy-check/check-k8s.mjs --file rendered.yaml      (already rendered: the negative tests)
// CloudNativePG's Cluster and the redis-operator's Redis have no published models: their required fields
// and types are checked here from their CRDs' documentation (CRD_SHAPES), unknown kinds are refused.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { checkPolicies, id } from './policy.mjs';

const MODULES = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
};

// path → type ('string' | 'integer' | 'object' | 'array' | 'boolean'); a trailing '?' marks it optional.
const CRD_SHAPES = {
  'postgresql.cnpg.io/v1/Cluster': {
    'spec.instances': 'integer',
    'spec.imageName': 'string',
    'spec.storage.size': 'string',
    'spec.bootstrap.initdb.database': 'string',
    'spec.bootstrap.initdb.owner': 'string',
    'spec.resources?': 'object',
    'spec.monitoring.enablePodMonitor?': 'boolean',
    'spec.postgresql.parameters?': 'object',
  },
  'redis.redis.opstreelabs.in/v1beta2/Redis': {
    'spec.kubernetesConfig.image': 'string',
    'spec.kubernetesConfig.resources?': 'object',
    'spec.kubernetesConfig.redisSecret.name': 'string',
    'spec.kubernetesConfig.redisSecret.key': 'string',
    'spec.storage.volumeClaimTemplate.spec': 'object',
    'spec.redisExporter.enabled?': 'boolean',
  },
};

const typeOf = (v) => (Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : v === null ? 'null' : typeof v);

function checkShape(o, shape) {
  const problems = [];
  for (const [rawPath, type] of Object.entries(shape)) {
    const optional = rawPath.endsWith('?');
    const path = optional ? rawPath.slice(0, -1) : rawPath;
    const value = path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), o);
    if (value === undefined) {
      if (!optional) problems.push(`${id(o)}: ${path} is required`);
    } else if (typeOf(value) !== type) {
      problems.push(`${id(o)}: ${path} must be ${type}, not ${typeOf(value)}`);
    }
  }
  if (o.kind === 'Cluster' && o.spec?.instances < 1) problems.push(`${id(o)}: spec.instances must be >= 1`);
  return problems;
}

/** Schema problems of each object (strings); unknown apiVersion/kind pairs are problems too. */
export async function validateSchemas(objects) {
  const problems = [];
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}`;
    if (CRD_SHAPES[key]) {
      problems.push(...checkShape(o, CRD_SHAPES[key]));
      continue;
    }
    const module = MODULES[o.apiVersion];
    const Model = module ? (await import(module))[o.kind] : undefined;
    if (!Model) {
      problems.push(`${id(o)}: ${o.apiVersion} ${o.kind} is not a kind these checks know (add its model or shape)`);
      continue;
    }
    try {
      new Model(o).validate();
    } catch (e) {
      problems.push(`${id(o)}: ${e.message}`);
    }
  }
  return problems;
}

export function parseManifests(text) {
  const docs = parseAllDocuments(text);
  const errors = docs.flatMap((d) => d.errors.map((e) => e.message));
  if (errors.length) throw new Error(`the rendered YAML does not parse: ${errors[0]}`);
  return docs.map((d) => d.toJS()).filter((o) => o && typeof o === 'object');
}

export function render(overlay, kubectl = process.env.KUBECTL || 'kubectl') {
  return execFileSync(kubectl, ['kustomize', overlay], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function check(objects) {
  return [...(await validateSchemas(objects)), ...checkPolicies(objects)];
}

async function main(argv) {
  const fileAt = argv.indexOf('--file');
  const kubectlAt = argv.indexOf('--kubectl');
  let text;
  let what;
  if (fileAt >= 0) {
    what = argv[fileAt + 1];
    text = readFileSync(what, 'utf8');
  } else {
    what = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--kubectl');
    if (!what) throw new Error('usage: check-k8s.mjs OVERLAY_DIR | --file RENDERED.yaml');
    try {
      text = render(what, kubectlAt >= 0 ? argv[kubectlAt + 1] : undefined);
    } catch (e) {
      throw new Error(`kubectl kustomize ${what} failed:\n${e.stderr || e.message}`);
    }
  }
  const objects = parseManifests(text);
  const problems = await check(objects);
  if (problems.length) {
    console.error(`check-k8s: ${what}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    return 1;
  }
  const kinds = new Set(objects.map((o) => o.kind));
  console.log(`check-k8s: ${what}: ${objects.length} objects of ${kinds.size} kinds valid, every policy holds`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (rc) => (process.exitCode = rc),
    (e) => {
      console.error(`check-k8s: ${e.message}`);
      process.exitCode = 2;
    },
  );
}
