// The project's policies on rendered Kubernetes manifests (ADR 0111). Each returns a list of problems
// (strings naming the object); an empty list means the manifests pass. check-k8s.mjs runs them all.
import { parseDocument } from 'yaml';

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const POD_OWNERS = new Set([...WORKLOADS, 'Job', 'CronJob']);

export const id = (o) => `${o.kind}/${o.metadata?.name}`;

/** The pod template of a workload or job (CronJob: its job's). */
export function podTemplate(o) {
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template;
  return POD_OWNERS.has(o.kind) ? o.spec?.template : undefined;
}

const containersOf = (spec) => [
  ...(spec?.initContainers ?? []).map((c) => ({ c, init: true })),
  ...(spec?.containers ?? []).map((c) => ({ c, init: false })),
];

export const matches = (selector, labels) =>
  selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** A LabelSelector (matchLabels and matchExpressions) with nothing in it: it selects every pod. */
const emptySelector = (selector) =>
  Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0;

/** Whether a LabelSelector (matchLabels and matchExpressions: In, NotIn, Exists, DoesNotExist) selects `labels`. */
export function selects(selector, labels) {
  if (emptySelector(selector)) return true;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const has = labels !== undefined && Object.hasOwn(labels, key);
    if (operator === 'In') return has && values.includes(labels[key]);
    if (operator === 'NotIn') return !has || !values.includes(labels[key]);
    if (operator === 'Exists') return has;
    if (operator === 'DoesNotExist') return !has;
    return false;
  });
  return byLabels && byExpressions;
}

/** Probes (long-running containers) and requests and limits (every container). */
export function probesAndResources(objects) {
  const problems = [];
  for (const o of objects) {
    const t = podTemplate(o);
    if (!t) continue;
    for (const { c, init } of containersOf(t.spec)) {
      const where = `${id(o)} container ${c.name}`;
      for (const kind of ['requests', 'limits']) {
        for (const resource of ['cpu', 'memory']) {
          if (!c.resources?.[kind]?.[resource]) problems.push(`${where}: no ${kind}.${resource}`);
        }
      }
      if (init || !WORKLOADS.has(o.kind)) continue;
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        if (!c[probe]) problems.push(`${where}: no ${probe}`);
      }
      // Comptoir's services: ready on /ready (their database or Redis answers), alive on /health. The gateway:
      // ready on its Admin API's /status/ready, the one path open there without its token (ADR 0070; its
      // /health answers 401), alive on the proxy's own GET /health (deploy/kong.yml answers it, no key).
      if (String(c.image).includes('comptoir')) {
        const gateway = (c.args ?? [])[0] === 'gateway';
        const ready = gateway ? { path: '/status/ready', port: 8011 } : { path: '/ready' };
        const alive = gateway ? { path: '/health', port: 8080 } : { path: '/health' };
        for (const [probe, want] of [['readinessProbe', ready], ['livenessProbe', alive]]) {
          const get = c[probe]?.httpGet;
          const port = typeof get?.port === 'string' ? c.ports?.find((p) => p.name === get.port)?.containerPort : get?.port;
          if (get?.path !== want.path || (want.port && port !== want.port)) {
            problems.push(`${where}: ${probe} must GET ${want.path}${want.port ? ` on port ${want.port}` : ''}`);
          }
        }
      }
    }
  }
  return problems;
}

/** Every image has a version tag (or a digest), never latest or none. */
export function pinnedImages(objects) {
  const problems = [];
  const check = (where, image) => {
    if (typeof image !== 'string' || image === '') return problems.push(`${where}: no image`);
    if (image.includes('@sha256:')) return undefined;
    const last = image.split('/').pop();
    const tag = last.includes(':') ? last.split(':').pop() : '';
    if (!tag || ['latest', 'stable', 'edge', 'main', 'master', 'dev', 'nightly'].includes(tag)) {
      problems.push(`${where}: image ${image} is not pinned to a version`);
    }
    return undefined;
  };
  for (const o of objects) {
    const t = podTemplate(o);
    for (const { c } of containersOf(t?.spec)) check(`${id(o)} container ${c.name}`, c.image);
    if (o.kind === 'Cluster') check(id(o), o.spec?.imageName);
    if (o.kind === 'Redis') {
      check(id(o), o.spec?.kubernetesConfig?.image);
      if (o.spec?.redisExporter?.enabled) check(`${id(o)} exporter`, o.spec.redisExporter.image);
    }
  }
  return problems;
}

/** A workload's selector picks its own pods; PDBs and HPAs point at an existing workload. */
export function selectors(objects) {
  const problems = [];
  const workloads = objects.filter((o) => WORKLOADS.has(o.kind));
  for (const o of workloads) {
    const selector = o.spec?.selector?.matchLabels;
    if (!matches(selector, o.spec?.template?.metadata?.labels)) {
      problems.push(`${id(o)}: spec.selector ${JSON.stringify(selector)} does not match its template's labels`);
    }
  }
  for (const o of objects.filter((x) => x.kind === 'PodDisruptionBudget')) {
    const selector = o.spec?.selector?.matchLabels;
    if (!workloads.some((w) => matches(selector, w.spec?.template?.metadata?.labels))) {
      problems.push(`${id(o)}: selects no workload's pods`);
    }
  }
  for (const o of objects.filter((x) => x.kind === 'HorizontalPodAutoscaler')) {
    const ref = o.spec?.scaleTargetRef ?? {};
    const target = workloads.find((w) => w.kind === ref.kind && w.metadata.name === ref.name);
    if (!target) problems.push(`${id(o)}: scaleTargetRef ${ref.kind}/${ref.name} does not exist`);
    else if (target.spec?.replicas !== undefined) {
      problems.push(`${id(o)}: ${id(target)} sets spec.replicas, which would undo the autoscaler at each apply`);
    }
  }
  return problems;
}

/** Every Service selects the pods of a workload of these manifests. */
export function servicesSelectWorkloads(objects) {
  const pods = objects.filter((o) => WORKLOADS.has(o.kind)).map((w) => w.spec?.template?.metadata?.labels);
  return objects
    .filter((o) => o.kind === 'Service' && o.spec?.type !== 'ExternalName')
    .filter((o) => !pods.some((labels) => matches(o.spec?.selector, labels)))
    .map((o) => `${id(o)}: selects no Deployment's or StatefulSet's pods (selector ${JSON.stringify(o.spec?.selector)})`);
}

const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|SIGNING|API_KEY|_KEY$|DATABASE_URL|REDIS_URL)/i;

/** No secret in the manifests: Secrets are created outside them and only referenced. */
export function noPlaintextSecrets(objects) {
  const problems = [];
  for (const o of objects) {
    if (o.kind === 'Secret' && (Object.keys(o.data ?? {}).length || Object.keys(o.stringData ?? {}).length)) {
      problems.push(`${id(o)}: a Secret with its values in the manifests (create it with deploy/k8s/create-secrets.sh)`);
    }
    for (const { c } of containersOf(podTemplate(o)?.spec)) {
      for (const e of c.env ?? []) {
        if (SECRET_NAME.test(e.name) && e.value !== undefined) {
          problems.push(`${id(o)} container ${c.name}: ${e.name} has a literal value (use secretKeyRef)`);
        }
      }
    }
    if (o.kind === 'ConfigMap') {
      for (const [key, text] of Object.entries(o.data ?? {})) {
        if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) problems.push(`${id(o)} ${key}: holds a private key`);
        // A Kong declarative file: credentials only as ${VARIABLE} references.
        if (!/_format_version/.test(text)) continue;
        const kong = parseDocument(String(text)).toJS() ?? {};
        const clear = (v) => typeof v === 'string' && !/^\$\{[A-Z0-9_]+\}$/.test(v.trim());
        for (const consumer of kong.consumers ?? []) {
          for (const cred of consumer.keyauth_credentials ?? []) {
            if (clear(cred.key)) problems.push(`${id(o)} ${key}: consumer ${consumer.username}'s API key is written in clear`);
          }
          for (const cred of consumer.jwt_secrets ?? []) {
            if (clear(cred.secret)) problems.push(`${id(o)} ${key}: consumer ${consumer.username}'s jwt secret is written in clear`);
          }
        }
      }
    }
  }
  return problems;
}

// --- NetworkPolicies ------------------------------------------------------------------------------

const INFRA_NAMESPACES = new Set(['monitoring', 'cnpg-system']);

/** Who may reach a pod (labels) on a port, as the union of the policies that select it. */
export function ingressSources(objects, labels) {
  const policies = objects.filter(
    (o) => o.kind === 'NetworkPolicy' && (o.spec?.policyTypes ?? ['Ingress']).includes('Ingress') && selects(o.spec?.podSelector, labels),
  );
  const sources = [];
  for (const p of policies) {
    for (const rule of p.spec?.ingress ?? []) {
      const ports = (rule.ports ?? [{ port: '*' }]).map((x) => x.port ?? '*');
      const froms = rule.from ?? [{ anywhere: true }];
      for (const f of froms) {
        let source;
        if (f.anywhere || f.ipBlock) source = { outside: true };
        else if (f.namespaceSelector && !f.podSelector) {
          const ns = f.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'];
          source = ns && INFRA_NAMESPACES.has(ns) ? { namespace: ns } : { outside: true };
        } else if (f.podSelector && !f.namespaceSelector) {
          // pods: the matchLabels (what the rules below read), selector: the whole selector (for selects()).
          source = emptySelector(f.podSelector) ? { pods: 'any' } : { pods: f.podSelector.matchLabels ?? {}, selector: f.podSelector };
        } else source = { outside: true };
        for (const port of ports) sources.push({ policy: p.metadata.name, port, ...source });
      }
    }
  }
  return { selected: policies.length > 0, sources };
}

const nameOf = (labels) => labels?.['app.kubernetes.io/name'];

/**
 * Default deny; only the gateway's proxy port from outside; payment only from order (and Prometheus's
 * namespace, for /metrics on the same port).
 */
export function networkPolicies(objects) {
  const problems = [];
  const denyAll = objects.some(
    (o) =>
      o.kind === 'NetworkPolicy' &&
      Object.keys(o.spec?.podSelector ?? {}).length === 0 &&
      (o.spec?.policyTypes ?? []).includes('Ingress') &&
      (o.spec?.ingress ?? []).length === 0,
  );
  if (!denyAll) problems.push('NetworkPolicy: no default-deny-ingress policy (podSelector {}, policyTypes [Ingress], no rule)');
  const workloads = objects.filter((o) => WORKLOADS.has(o.kind));
  for (const w of workloads) {
    const labels = w.spec?.template?.metadata?.labels;
    const { sources } = ingressSources(objects, labels);
    for (const s of sources) {
      if (s.outside && !(nameOf(labels) === 'gateway' && String(s.port) === '8080')) {
        problems.push(`${id(w)}: reachable from outside the cluster on port ${s.port} (NetworkPolicy ${s.policy}); only the gateway's 8080 may be`);
      }
      if (s.pods === 'any') problems.push(`${id(w)}: reachable from every pod (NetworkPolicy ${s.policy})`);
    }
    if (nameOf(labels) === 'payment') {
      for (const s of sources) {
        const fromOrder = s.pods && s.pods !== 'any' && nameOf(s.pods) === 'order' && Object.keys(s.pods).length === 1;
        if (!fromOrder && s.namespace !== 'monitoring') {
          problems.push(`${id(w)}: reachable by ${JSON.stringify(s.pods ?? s.namespace ?? 'outside')} (NetworkPolicy ${s.policy}); only order may reach payment`);
        }
      }
      if (!sources.some((s) => s.pods && nameOf(s.pods) === 'order')) problems.push(`${id(w)}: order cannot reach payment`);
    }
  }
  const gateway = workloads.find((w) => nameOf(w.spec?.template?.metadata?.labels) === 'gateway');
  if (!gateway) problems.push('no gateway workload');
  else if (!ingressSources(objects, gateway.spec.template.metadata.labels).sources.some((s) => s.outside && String(s.port) === '8080')) {
    problems.push(`${id(gateway)}: its proxy port 8080 is not reachable from outside`);
  }
  return problems;
}

// --- database access ------------------------------------------------------------------------------

const PG_PORTS = new Set(['5432', 'postgresql', '*']);  // CloudNativePG names its instances' port postgresql

/** The CloudNativePG Clusters a container connects to: their Secrets (<cluster>-app, -superuser) or hosts (-rw, -ro, -r). */
function databasesOf(c, clusters) {
  const found = new Set();
  const bySecret = (name) => {
    const m = /^(.+)-(app|superuser)$/.exec(name ?? '');
    if (m && (clusters.has(m[1]) || /-db$/.test(m[1]))) found.add(m[1]);
  };
  for (const e of c.env ?? []) {
    bySecret(e.valueFrom?.secretKeyRef?.name);
    for (const name of clusters) {
      if (typeof e.value === 'string' && new RegExp(`[@/]${name}-(rw|ro|r)\\b`).test(e.value)) found.add(name);
    }
  }
  for (const e of c.envFrom ?? []) bySecret(e.secretRef?.name);
  return found;
}

/**
 * Every pod that connects to a database (a Deployment's migrations in its init container, a Job's seed) is
 * let in by a NetworkPolicy of that database's pods on 5432: otherwise the default deny drops its
 * connections on a CNI that enforces policies, and the pod (or `kubectl wait job/...`) hangs.
 */
export function databaseAccess(objects) {
  const problems = [];
  const clusters = new Set(objects.filter((o) => o.kind === 'Cluster').map((o) => o.metadata.name));
  for (const o of objects) {
    const t = podTemplate(o);
    if (!t) continue;
    const labels = t.metadata?.labels ?? {};
    for (const { c } of containersOf(t.spec)) {
      for (const db of databasesOf(c, clusters)) {
        if (!clusters.has(db)) {
          problems.push(`${id(o)} container ${c.name}: connects to ${db}, which is no CloudNativePG Cluster of these manifests`);
          continue;
        }
        const { sources } = ingressSources(objects, { 'cnpg.io/cluster': db });
        const allowed = sources.some((s) => PG_PORTS.has(String(s.port)) && (s.pods === 'any' || (s.selector && selects(s.selector, labels))));
        if (!allowed) {
          problems.push(`${id(o)} container ${c.name}: connects to ${db}, but no NetworkPolicy lets its pods (${JSON.stringify(labels)}) into ${db} on 5432`);
        }
      }
    }
  }
  return problems;
}

export const POLICIES = {
  'probes and resources': probesAndResources,
  'pinned images': pinnedImages,
  selectors,
  'services select workloads': servicesSelectWorkloads,
  'no plaintext secrets': noPlaintextSecrets,
  'network policies': networkPolicies,
  'database access': databaseAccess,
};

export function checkPolicies(objects) {
  return Object.entries(POLICIES).flatMap(([name, fn]) => fn(objects).map((p) => `[${name}] ${p}`));
}
