// A lint of deploy/docker/Dockerfile and .dockerignore (hadolint is not packaged in Debian 12): the rules
// that matter for this image, each refused by a negative test (test/dockerfile.test.mjs).
//   node tools/deploy-check/check-dockerfile.mjs deploy/docker/Dockerfile [--dockerignore .dockerignore]
//        [--binary build/.../comptoir]   also: the runtime stage installs every library the binary needs
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Instructions: {line, op, args} with continuations joined and comments dropped. */
export function parseDockerfile(text) {
  const out = [];
  let current = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\s+$/, '');
    if (!current && (/^\s*#/.test(line) || line.trim() === '')) return;
    if (current && /^\s*#/.test(line)) return;
    const body = line.endsWith('\\') ? line.slice(0, -1) : line;
    if (current) current.args += ` ${body.trim()}`;
    else {
      const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(body);
      current = { line: i + 1, op: m[1].toUpperCase(), args: m[2] };
    }
    if (!line.endsWith('\\')) {
      out.push(current);
      current = null;
    }
  });
  if (current) out.push(current);
  return out;
}

const BASE_LIBRARIES = new Set(['libc6', 'libgcc-s1', 'libstdc++6']);  // in debian:bookworm-slim
const SANITIZERS = /^lib(asan|ubsan|tsan|lsan)\d*$/;                   // debug preset only

function pinned(image) {
  if (image.includes('@sha256:')) return true;
  const last = image.split('/').pop();
  const tag = last.includes(':') ? last.split(':').pop() : '';
  return tag !== '' && tag !== 'latest';
}

// The HTTP port of each service (its default <svc>.http.port; scripts/platform.sh SERVICE_PORTS), in the
// order `serve --service all` starts them (apps/comptoir/main.cpp).
export const SERVICE_PORTS = {
  product: 8001, customer: 8005, inventory: 8002, sales: 8003, cart: 8006, payment: 8009, order: 8007, reporting: 8004, web: 8008,
};

/** ENV of a stage as a map (KEY=value pairs, several per instruction; the legacy `ENV KEY value` too). */
function envOf(stage) {
  const env = {};
  for (const i of stage.ins.filter((x) => x.op === 'ENV')) {
    const pairs = [...i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)];
    if (pairs.length) for (const [, k, v] of pairs) env[k] = v.replace(/^"(.*)"$/, '$1');
    else {
      const [k, ...rest] = i.args.trim().split(/\s+/);
      env[k] = rest.join(' ');
    }
  }
  return env;
}

const portOf = (listen) => Number(/:(\d+)$/.exec(listen ?? '')?.[1]);

/**
 * The URLs a role answers without a credential, as "127.0.0.1:port/path": a service's /health and /ready
 * on its port (every service's for `serve --service all`); the gateway's proxy /health (deploy/kong.yml
 * answers it) and its Admin API's /status/ready (every other Admin API path wants the token, ADR 0070).
 */
export function openHealthEndpoints(args, env) {
  if (args[0] === 'gateway') {
    const proxy = portOf(env.COMPTOIR_GATEWAY_LISTEN) || 8080;  // the binary's defaults
    const admin = portOf(env.COMPTOIR_GATEWAY_ADMIN_LISTEN) || 8011;
    return [`${proxy}/health`, `${admin}/status/ready`];
  }
  if (args[0] === 'serve') {
    const at = args.indexOf('--service');
    const service = at >= 0 ? args[at + 1] : 'all';
    const ports = service === 'all' ? Object.values(SERVICE_PORTS) : [SERVICE_PORTS[service]].filter(Boolean);
    return ports.flatMap((p) => [`${p}/health`, `${p}/ready`]);
  }
  return [];  // migrate, seed: one-shot, nothing listens
}

function healthCheckProblems(final) {
  const check = final.ins.filter((i) => i.op === 'HEALTHCHECK').pop();
  if (!check || /^NONE/i.test(check.args)) return [];
  const env = envOf(final);
  const literal = /https?:\/\/[^\s"'\\]+/.exec(check.args)?.[0];
  const url = literal ?? (/\$\{?COMPTOIR_HEALTH_URL\b/.test(check.args) ? env.COMPTOIR_HEALTH_URL : undefined);
  if (!url) return [`line ${check.line}: the HEALTHCHECK probes no URL (neither a literal one nor $COMPTOIR_HEALTH_URL with an ENV default)`];
  const cmd = final.ins.filter((i) => i.op === 'CMD').pop();
  let args;
  try {
    args = JSON.parse(cmd?.args ?? '');
  } catch {
    return [`the runtime stage has no CMD in exec form: the health check cannot be matched to the default role`];
  }
  const m = /^https?:\/\/(127\.0\.0\.1|localhost):(\d+)(\/[^?#]*)/.exec(url);
  const open = openHealthEndpoints(args, env);
  if (!m || !open.includes(`${m[2]}${m[3]}`)) {
    return [
      `line ${check.line}: the HEALTHCHECK probes ${url}, which the default CMD (${args.join(' ')}) does not answer ` +
        `without a credential; open there (127.0.0.1): ${open.join(', ') || 'nothing (a one-shot command)'}`,
    ];
  }
  return [];
}

export function lintDockerfile(text, { dockerignore = null, neededPackages = null } = {}) {
  const problems = [];
  const ins = parseDockerfile(text);
  const stages = [];
  for (const i of ins) {
    if (i.op === 'FROM') {
      const [image, as, name] = i.args.split(/\s+/);
      const known = stages.some((s) => s.name === image);
      if (!known && !pinned(image)) problems.push(`line ${i.line}: FROM ${image} is not pinned to a version tag`);
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, ins: [], line: i.line });
    } else if (!stages.length) {
      if (i.op !== 'ARG') problems.push(`line ${i.line}: ${i.op} before the first FROM`);
    } else stages[stages.length - 1].ins.push(i);
  }
  if (stages.length < 2) problems.push('not a multi-stage build (one FROM): the build tools would ship in the image');
  const final = stages[stages.length - 1];
  if (final && final.image !== 'debian:bookworm-slim') problems.push(`the runtime stage is FROM ${final?.image}, not debian:bookworm-slim`);
  if (stages.length >= 2 && !stages.some((s, n) => n < stages.length - 1 && s.image === 'debian:bookworm-slim')) {
    problems.push('no build stage FROM debian:bookworm-slim');
  }
  for (const s of stages) {
    for (const i of s.ins) {
      if (i.op === 'ADD') problems.push(`line ${i.line}: ADD (use COPY; nothing is downloaded into the image)`);
      if (i.op === 'COPY') {
        const from = /--from=(\S+)/.exec(i.args)?.[1];
        if (from && !stages.some((x) => x.name === from) && !pinned(from)) {
          problems.push(`line ${i.line}: COPY --from=${from} names no earlier stage nor a pinned image`);
        }
      }
      if (i.op === 'RUN' && /apt-get\s+(-\S+\s+)*install/.test(i.args)) {
        if (!/--no-install-recommends/.test(i.args)) problems.push(`line ${i.line}: apt-get install without --no-install-recommends`);
        if (!/apt-get\s+update/.test(i.args)) problems.push(`line ${i.line}: apt-get install without apt-get update in the same RUN`);
        if (!/rm -rf \/var\/lib\/apt\/lists/.test(i.args)) problems.push(`line ${i.line}: the apt lists stay in the layer (rm -rf /var/lib/apt/lists/*)`);
        if (!/\s-y\b|--yes|--assume-yes/.test(i.args)) problems.push(`line ${i.line}: apt-get install without -y`);
      }
      if (i.op === 'RUN' && /(curl|wget)\s[^|]*\|\s*(ba)?sh/.test(i.args)) problems.push(`line ${i.line}: pipes a download into a shell`);
      if (i.op === 'USER' && final !== s) continue;
    }
  }
  if (final) {
    const users = final.ins.filter((i) => i.op === 'USER');
    const user = users.length ? users[users.length - 1].args.trim().split(':')[0] : null;
    if (!user) problems.push('the runtime stage has no USER: the processes would run as root');
    else if (user === 'root' || user === '0') problems.push(`the runtime stage runs as ${user}`);
    const lastUser = users.length ? final.ins.indexOf(users[users.length - 1]) : -1;
    if (users.length && final.ins.slice(lastUser).some((i) => i.op === 'RUN')) problems.push('a RUN after the last USER');
    if (!final.ins.some((i) => i.op === 'HEALTHCHECK' && !/^NONE/i.test(i.args))) problems.push('the runtime stage has no HEALTHCHECK');
    else problems.push(...healthCheckProblems(final));
    const entry = final.ins.filter((i) => i.op === 'ENTRYPOINT').pop();
    if (!entry) problems.push('the runtime stage has no ENTRYPOINT');
    else if (!entry.args.trim().startsWith('[')) problems.push(`line ${entry.line}: ENTRYPOINT in shell form (signals would not reach the process)`);
    if (neededPackages) {
      const installed = new Set(
        final.ins
          .filter((i) => i.op === 'RUN' && /apt-get/.test(i.args))
          .flatMap((i) => (/install\s+(.*?)(&&|$)/.exec(i.args)?.[1] ?? '').split(/\s+/))
          .filter((w) => w && !w.startsWith('-')),
      );
      for (const pkg of neededPackages) {
        if (!BASE_LIBRARIES.has(pkg) && !SANITIZERS.test(pkg) && !installed.has(pkg)) {
          problems.push(`the runtime stage does not install ${pkg}, which the comptoir binary links`);
        }
      }
    }
  }
  if (dockerignore === null) problems.push('no .dockerignore next to the build context');
  else {
    const lines = dockerignore.split('\n').map((l) => l.trim());
    for (const must of ['.git', 'build/', 'var/', '**/node_modules/', 'deploy/compose/.env', 'deploy/compose/secrets/']) {
      if (!lines.includes(must)) problems.push(`.dockerignore does not exclude ${must}`);
    }
  }
  return problems;
}

/** Debian packages that provide the shared libraries the binary names (NEEDED), on this Debian 12 host. */
export function neededPackagesOf(binary) {
  const dynamic = execFileSync('readelf', ['-d', binary], { encoding: 'utf8' });
  const sonames = [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
  const ldd = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const paths = sonames.map((soname) => {
    const path = new RegExp(`^\\s*${soname.replace(/[.+]/g, '\\$&')} => (\\S+)`, 'm').exec(ldd)?.[1];
    if (!path) throw new Error(`ldd does not resolve ${soname}`);
    const real = execFileSync('readlink', ['-f', path], { encoding: 'utf8' }).trim();
    // Merged /usr: dpkg may know the file under /lib rather than /usr/lib.
    return { soname, candidates: [...new Set([real, path, real.replace(/^\/usr/, ''), path.replace(/^\/usr/, '')])] };
  });
  // One dpkg query for every candidate path ("package: path" lines; unknown paths only go to stderr).
  const query = spawnSync('dpkg', ['-S', ...paths.flatMap((p) => p.candidates)], { encoding: 'utf8' });
  const owners = new Map(
    query.stdout.split('\n').filter(Boolean).map((line) => {
      const [pkg, file] = line.split(': ');
      return [file, pkg.split(':')[0]];
    }),
  );
  const packages = new Set();
  for (const { soname, candidates } of paths) {
    const owner = candidates.map((c) => owners.get(c)).find(Boolean);
    if (!owner) throw new Error(`no Debian package owns ${candidates[0]} (${soname})`);
    packages.add(owner);
  }
  return [...packages];
}

function main(argv) {
  const file = argv.find((a, i) => !a.startsWith('--') && !['--dockerignore', '--binary'].includes(argv[i - 1]));
  if (!file) throw new Error('usage: check-dockerfile.mjs Dockerfile [--dockerignore FILE] [--binary FILE]');
  const at = (flag) => (argv.indexOf(flag) >= 0 ? argv[argv.indexOf(flag) + 1] : undefined);
  const ignorePath = at('--dockerignore') ?? resolve(dirname(file), '../../.dockerignore');
  const binary = at('--binary');
  const problems = lintDockerfile(readFileSync(file, 'utf8'), {
    dockerignore: existsSync(ignorePath) ? readFileSync(ignorePath, 'utf8') : null,
    neededPackages: binary ? neededPackagesOf(binary) : null,
  });
  if (problems.length) {
    console.error(`check-dockerfile: ${file}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    return 1;
  }
  console.log(`check-dockerfile: ${file}: every rule holds${binary ? ' (runtime libraries of ' + binary + ' included)' : ''}`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    console.error(`check-dockerfile: ${e.message}`);
    process.exitCode = 2;
  }
}
