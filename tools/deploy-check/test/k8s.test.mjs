// Negative tests of check-k8s.mjs: the real dev overlay, rendered once, passes; each broken copy is refused
// by the check it breaks, with a message naming the object.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { check, parseManifests, render } from '../check-k8s.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../../../..');
let objects;
before(() => {
  objects = parseManifests(render(join(root, 'deploy/k8s/overlays/dev')));
});

const find = (list, kind, name) => list.find((o) => o.kind === kind && o.metadata.name === name);
const container = (list, kind, name) => find(list, kind, name).spec.template.spec.containers[0];

async function refused(mutate, pattern) {
  const copy = structuredClone(objects);
  mutate(copy);
  const problems = await check(copy);
  assert.ok(problems.some((p) => pattern.test(p)), `expected a problem matching ${pattern}, got:\n${problems.join('\n')}`);
}

test('the dev overlay as it is passes', async () => {
  assert.deepEqual(await check(objects), []);
});

test('prod overlay passes', async () => {
  assert.deepEqual(await check(parseManifests(render(join(root, 'deploy/k8s/overlays/prod')))), []);
});

test('a broken kustomization is refused by kubectl kustomize', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-'));
  try {
    cpSync(join(root, 'deploy/k8s'), join(dir, 'k8s'), { recursive: true });
    writeFileSync(join(dir, 'k8s/base/services/product.yaml'), 'apiVersion: apps/v1\nkind: Deployment\n  bad: indentation\n');
    assert.throws(() => render(join(dir, 'k8s/overlays/dev')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('schema: a wrong type is refused', () =>
  refused((l) => (find(l, 'StatefulSet', 'reporting').spec.replicas = 'two'), /StatefulSet\/reporting.*replicas must be integer/));
test('schema: a missing required field is refused', () =>
  refused((l) => delete container(l, 'Deployment', 'product').name, /Deployment\/product.*required property name/));
test('schema: an unknown kind is refused', () =>
  refused((l) => l.push({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }), /Widget\/w.*not a kind/));
test('schema: a CloudNativePG Cluster without instances is refused', () =>
  refused((l) => delete find(l, 'Cluster', 'payment-db').spec.instances, /Cluster\/payment-db: spec.instances is required/));
test('schema: a Redis without its password Secret is refused', () =>
  refused((l) => delete find(l, 'Redis', 'comptoir-redis').spec.kubernetesConfig.redisSecret, /redisSecret.name is required/));
test('schema: a ServiceMonitor with a wrong type is refused', () =>
  refused((l) => (find(l, 'ServiceMonitor', 'comptoir').spec.endpoints = 'http'), /ServiceMonitor\/comptoir/));

test('policy: a container without readinessProbe is refused', () =>
  refused((l) => delete container(l, 'Deployment', 'order').readinessProbe, /Deployment\/order container order: no readinessProbe/));
test('policy: readiness must be /ready', () =>
  refused((l) => (container(l, 'Deployment', 'sales').readinessProbe.httpGet.path = '/health'), /sales.*readinessProbe must GET \/ready/));
test("policy: the gateway's liveness on the Admin API's /health (401 without the token) is refused", () =>
  refused((l) => (container(l, 'Deployment', 'gateway').livenessProbe.httpGet = { path: '/health', port: 'admin' }),
    /Deployment\/gateway container gateway: livenessProbe must GET \/health on port 8080/));
test("policy: the gateway's liveness on the Admin API's /status/ready is refused (the proxy would go unwatched)", () =>
  refused((l) => (container(l, 'Deployment', 'gateway').livenessProbe.httpGet = { path: '/status/ready', port: 'admin' }),
    /gateway: livenessProbe must GET \/health on port 8080/));
test("policy: the gateway's readiness on the proxy is refused", () =>
  refused((l) => (container(l, 'Deployment', 'gateway').readinessProbe.httpGet.port = 8080),
    /gateway: readinessProbe must GET \/status\/ready on port 8011/));
test('policy: a container without a memory limit is refused', () =>
  refused((l) => delete container(l, 'Deployment', 'cart').resources.limits.memory, /cart container cart: no limits.memory/));
test('policy: an init container without requests is refused', () =>
  refused((l) => delete find(l, 'Deployment', 'payment').spec.template.spec.initContainers[0].resources.requests, /payment container migrate: no requests.cpu/));
test('policy: an image on latest is refused', () =>
  refused((l) => (container(l, 'Deployment', 'web').image = 'comptoir:latest'), /web.*not pinned/));
test('policy: an image without a tag is refused', () =>
  refused((l) => (find(l, 'Cluster', 'sales-db').spec.imageName = 'ghcr.io/cloudnative-pg/postgresql'), /Cluster\/sales-db.*not pinned/));
test('policy: a selector that misses its template is refused', () =>
  refused((l) => (find(l, 'Deployment', 'customer').spec.selector.matchLabels = { 'app.kubernetes.io/name': 'client' }), /Deployment\/customer: spec.selector/));
test('policy: a PodDisruptionBudget selecting nothing is refused', () =>
  refused((l) => (find(l, 'PodDisruptionBudget', 'cart').spec.selector.matchLabels = { app: 'nothing' }), /PodDisruptionBudget\/cart: selects no workload/));
test('policy: an HPA whose target sets replicas is refused', () =>
  refused((l) => (find(l, 'Deployment', 'gateway').spec.replicas = 2), /HorizontalPodAutoscaler\/gateway.*undo the autoscaler/));
test('policy: a Service that selects no workload is refused', () =>
  refused((l) => (find(l, 'Service', 'inventory').spec.selector = { 'app.kubernetes.io/name': 'inventaire' }), /Service\/inventory: selects no/));
test('policy: a Secret with values in the manifests is refused', () =>
  refused((l) => l.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'oops' }, stringData: { password: 'x' } }), /Secret\/oops/));
test('policy: a password as a literal env value is refused', () =>
  refused((l) => container(l, 'Deployment', 'product').env.push({ name: 'COMPTOIR_PRODUCT_DATABASE_URL', value: 'postgresql://product:pw@db/product' }), /literal value/));
test('policy: an API key written in the kong.yml ConfigMap is refused', () =>
  refused((l) => {
    const cm = l.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('gateway-kong'));
    cm.data['kong.yml'] = cm.data['kong.yml'].replace('${COMPTOIR_API_KEY_POS_EXT_API}', 'pos-ext-api-2025-prod-key-secure');
  }, /pos-ext-api's API key is written in clear/));
test('network: without the default deny, everything is refused', () =>
  refused((l) => l.splice(l.findIndex((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny-ingress'), 1), /no default-deny-ingress/));
test('network: a service open to the outside is refused', () =>
  refused((l) => find(l, 'NetworkPolicy', 'product').spec.ingress.push({ ports: [{ port: 8001 }] }), /Deployment\/product: reachable from outside/));
test('network: the gateway admin port open to the outside is refused', () =>
  refused((l) => find(l, 'NetworkPolicy', 'gateway').spec.ingress.push({ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 8011 }] }), /gateway: reachable from outside the cluster on port 8011/));
test('network: sales reaching payment is refused', () =>
  refused((l) => find(l, 'NetworkPolicy', 'payment').spec.ingress[0].from.push({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'sales' } } }), /only order may reach payment/));
test('network: payment open to every pod is refused', () =>
  refused((l) => (find(l, 'NetworkPolicy', 'payment').spec.ingress[0].from = [{ podSelector: {} }]), /payment: reachable from every pod/));
test('network: a policy selecting by matchExpressions is read too (here it opens product to the outside)', () =>
  refused((l) => l.push({
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'by-expression' },
    spec: { podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['product'] }] }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 8001 }] }] },
  }), /Deployment\/product: reachable from outside the cluster on port 8001 \(NetworkPolicy by-expression\)/));
test('database access: the seed Job without its NetworkPolicy is refused (kubectl wait would time out)', () =>
  refused((l) => l.splice(l.findIndex((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'seed-demo-data-databases'), 1),
    /Job\/seed-demo-data container seed: connects to product-db, but no NetworkPolicy lets its pods/));
test('database access: a database left out of the seed policy is refused', () =>
  refused((l) => {
    const expr = find(l, 'NetworkPolicy', 'seed-demo-data-databases').spec.podSelector.matchExpressions[0];
    expr.values = expr.values.filter((v) => v !== 'payment-db');
  }, /Job\/seed-demo-data container migrate: connects to payment-db/));
test('database access: the seed policy on another port is refused', () =>
  refused((l) => (find(l, 'NetworkPolicy', 'seed-demo-data-databases').spec.ingress[0].ports = [{ protocol: 'TCP', port: 8000 }]),
    /seed-demo-data container seed: connects to order-db/));
test('database access: a service whose database lets in another service instead is refused (migrations included)', () =>
  refused((l) => (find(l, 'NetworkPolicy', 'product-db').spec.ingress[0].from = [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'sales' } } }]),
    /Deployment\/product container migrate: connects to product-db, but no NetworkPolicy/));
test('database access: a Secret of a database that does not exist is refused', () =>
  refused((l) => container(l, 'Deployment', 'web').env.push({ name: 'COMPTOIR_WEB_DATABASE_URL', valueFrom: { secretKeyRef: { name: 'web-db-app', key: 'uri' } } }),
    /Deployment\/web container web: connects to web-db, which is no CloudNativePG Cluster/));
