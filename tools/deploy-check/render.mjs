// The files of deploy/ that are derived from others, so that each fact has one source (ADR 0110):
//   deploy/compose/kong.yml                         deploy/kong.yml with the Compose network's host names
//   deploy/k8s/base/gateway/kong.yml                deploy/kong.yml with the cluster's Service names, the API
//                                                   keys taken from the environment (a Secret), one cart target
//   deploy/k8s/base/monitoring/prometheus-rules.yaml one PrometheusRule per deploy/prometheus/rules/*.yml
//
//   node tools/deploy-check/render.mjs           write them
//   node tools/deploy-check/render.mjs --check   exit 1, naming each file, when one is not what it would write
//                                                (CTest deploy_generated_in_sync)
//   node tools/deploy-check/render.mjs --api-keys  VARIABLE=demo key per consumer (create-secrets.sh)
// `--root DIR` renders another checkout (the negative tests use a copy).
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, parseDocument, stringify, visit } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));

// Where each local port of deploy/kong.yml lives in a deployment: the Compose service name and the
// Kubernetes Service name (the same name, so that DNS reads alike; cart is one Service in Kubernetes).
export const UPSTREAMS = {
  8001: { compose: 'product:8001', k8s: 'product:8001' },
  8002: { compose: 'inventory:8002', k8s: 'inventory:8002' },
  8003: { compose: 'sales:8003', k8s: 'sales:8003' },
  8004: { compose: 'reporting:8004', k8s: 'reporting:8004' },
  8005: { compose: 'customer:8005', k8s: 'customer:8005' },
  8006: { compose: 'cart-1:8006', k8s: 'cart:8006' },
  8016: { compose: 'cart-2:8016', k8s: null },
  8026: { compose: 'cart-3:8026', k8s: null },
  8007: { compose: 'order:8007', k8s: 'order:8007' },
  8008: { compose: 'web:8008', k8s: 'web:8008' },
  8009: { compose: 'payment:8009', k8s: 'payment:8009' },
  6380: { compose: 'redis:6379', k8s: 'comptoir-redis:6379' },
};

const HEADER = {
  compose: [
    ' GENERATED from deploy/kong.yml by tools/deploy-check/render.mjs: edit deploy/kong.yml, then run',
    ' `node tools/deploy-check/render.mjs` (make test fails while this file is stale).',
    ' Compose: every upstream is reached by its service name on the Compose network.',
  ],
  k8s: [
    ' GENERATED from deploy/kong.yml by tools/deploy-check/render.mjs: edit deploy/kong.yml, then run',
    ' `node tools/deploy-check/render.mjs` (make test fails while this file is stale).',
    ' Kubernetes: upstreams are Services (cart is one Service over its pods, scaled by its HPA; kube-proxy',
    ' spreads the connections, readiness takes a pod out). API keys come from the environment (Secret',
    ' comptoir-gateway-keys), never from this ConfigMap.',
  ],
};

/** Env variable name of a consumer's API key in Kubernetes: COMPTOIR_API_KEY_POS_WEB_APP for pos-web-app. */
export function apiKeyVariable(username) {
  return `COMPTOIR_API_KEY_${username.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

function rewriteHosts(text, target, where) {
  return text.replace(/127\.0\.0\.1:(\d+)/g, (match, port) => {
    const mapped = UPSTREAMS[port];
    if (!mapped || mapped[target] === undefined) {
      throw new Error(`${where}: ${match} has no ${target} host (add port ${port} to UPSTREAMS in render.mjs)`);
    }
    return mapped[target];
  });
}

/** deploy/kong.yml as the gateway of `target` ('compose' | 'k8s') must read it. */
export function renderKong(source, target) {
  const doc = parseDocument(source);
  if (doc.errors.length) throw new Error(`deploy/kong.yml: ${doc.errors[0].message}`);
  // Upstream addresses: `url` of services, `target` of upstream targets, `host`; origins and allow lists that
  // name 127.0.0.1 are about clients and stay as they are.
  const dropped = [];
  visit(doc, {
    Pair(key, pair, path) {
      const name = String(pair.key?.value ?? '');
      if (!isScalar(pair.value) || typeof pair.value.value !== 'string') return undefined;
      const value = pair.value.value;
      if (['url', 'target', 'host'].includes(name) && value.includes('127.0.0.1')) {
        const port = /127\.0\.0\.1:(\d+)/.exec(value)?.[1];
        if (target === 'k8s' && name === 'target' && UPSTREAMS[port]?.k8s === null) {
          dropped.push(path[path.length - 1]);  // that target's map, removed below
          return undefined;
        }
        pair.value.value = rewriteHosts(value, target, `deploy/kong.yml ${name}`);
      } else if (/_host$/.test(name) && value === '127.0.0.1') {
        // A plugin's redis_host: the host of the port next to it.
        const parent = path[path.length - 1];
        const portPair = isMap(parent) ? parent.items.find((p) => String(p.key?.value) === name.replace(/_host$/, '_port')) : null;
        const mapped = UPSTREAMS[portPair?.value?.value]?.[target];
        if (!mapped) throw new Error(`deploy/kong.yml: ${name}: 127.0.0.1 without a known port next to it`);
        const [host, newPort] = mapped.split(':');
        pair.value.value = host;
        portPair.value.value = Number(newPort);
      }
      return undefined;
    },
  });
  if (target === 'k8s') {
    visit(doc, {
      Seq(key, seq) {
        seq.items = seq.items.filter((item) => !dropped.includes(item));
        return undefined;
      },
    });
    // API keys from the environment: `key: ${COMPTOIR_API_KEY_<CONSUMER>}`.
    const consumers = doc.get('consumers');
    for (const consumer of isSeq(consumers) ? consumers.items : []) {
      const credentials = consumer.get('keyauth_credentials');
      if (!isSeq(credentials)) continue;
      const variable = apiKeyVariable(String(consumer.get('username')));
      if (credentials.items.length !== 1) {
        throw new Error(`deploy/kong.yml: consumer ${consumer.get('username')}: one key per consumer in Kubernetes`);
      }
      credentials.items[0].set('key', `\${${variable}}`);
    }
  }
  doc.commentBefore = [...HEADER[target], ...(doc.commentBefore ? ['', ...doc.commentBefore.split('\n')] : [])]
    .join('\n');
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** One PrometheusRule per rule file, its groups unchanged (the Prometheus Operator's spec is the file's). */
export function renderPrometheusRules(files) {
  const header =
    '# GENERATED from deploy/prometheus/rules/ by tools/deploy-check/render.mjs: edit the rule files (and their\n' +
    '# promtool tests), then run `node tools/deploy-check/render.mjs` (make test fails while this file is stale).\n';
  const docs = files.map(({ name, text }) => {
    const parsed = parseDocument(text);
    if (parsed.errors.length) throw new Error(`${name}: ${parsed.errors[0].message}`);
    const groups = parsed.toJS()?.groups;
    if (!Array.isArray(groups) || groups.length === 0) throw new Error(`${name}: no rule groups`);
    return stringify(
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: {
          name: `comptoir-${name.replace(/\.ya?ml$/, '')}`,
          labels: { 'app.kubernetes.io/part-of': 'comptoir', release: 'kube-prometheus-stack' },
        },
        spec: { groups },
      },
      { lineWidth: 0 },
    );
  });
  return header + docs.map((d) => `---\n${d}`).join('');
}

/** Every generated file: path relative to the root → content. */
export function renderAll(root) {
  const kong = readFileSync(join(root, 'deploy/kong.yml'), 'utf8');
  const out = {
    'deploy/compose/kong.yml': renderKong(kong, 'compose'),
    'deploy/k8s/base/gateway/kong.yml': renderKong(kong, 'k8s'),
  };
  const rulesDir = join(root, 'deploy/prometheus/rules');
  if (existsSync(rulesDir)) {
    const files = readdirSync(rulesDir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((name) => ({ name, text: readFileSync(join(rulesDir, name), 'utf8') }));
    if (files.length) out['deploy/k8s/base/monitoring/prometheus-rules.yaml'] = renderPrometheusRules(files);
  }
  return out;
}

function main(argv) {
  const check = argv.includes('--check');
  const rootAt = argv.indexOf('--root');
  const root = rootAt >= 0 ? resolve(argv[rootAt + 1]) : resolve(here, '../..');
  if (argv.includes('--api-keys')) {
    // VARIABLE=demo key, one line per consumer with a key (deploy/k8s/create-secrets.sh).
    const kong = parseDocument(readFileSync(join(root, 'deploy/kong.yml'), 'utf8')).toJS();
    for (const c of kong.consumers ?? []) {
      for (const cred of c.keyauth_credentials ?? []) console.log(`${apiKeyVariable(c.username)}=${cred.key}`);
    }
    return 0;
  }
  const stale = [];
  for (const [path, content] of Object.entries(renderAll(root))) {
    const file = join(root, path);
    const current = existsSync(file) ? readFileSync(file, 'utf8') : null;
    if (current === content) continue;
    if (check) {
      stale.push(path);
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      console.log(`render: wrote ${path}`);
    }
  }
  if (stale.length) {
    console.error(`render: out of date (run node tools/deploy-check/render.mjs): ${stale.join(', ')}`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    console.error(`render: ${e.message}`);
    process.exitCode = 2;
  }
}
