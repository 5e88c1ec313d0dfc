// Builds web/ for the `web` service: Vite, then a .br and a .gz beside every compressible file, then the
// quality bar on size — the shop's first-load JavaScript (the entry chunk and what it imports statically)
// must stay within the budget, gzip-compressed. Writes size-report.json beside the output directory.
//   node scripts/build.mjs --out-dir <dir>
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out-dir');
const outDir = resolve(web, outIndex >= 0 ? args[outIndex + 1] : 'dist');
export const FIRST_LOAD_BUDGET = 100 * 1024;

if (!existsSync(join(web, 'node_modules', 'vite'))) {
  console.error('web/: node_modules is missing: run scripts/install-deps.sh (npm ci in web/)');
  process.exit(1);
}
const { build } = await import('vite');
await build({ root: web, logLevel: 'warn', build: { outDir, emptyOutDir: true } });

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|webmanifest)$/;
function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}
let written = 0;
for (const path of [...files(outDir)]) {
  if (!COMPRESSIBLE.test(path) || path.includes('.vite')) continue;
  const data = readFileSync(path);
  writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
  writeFileSync(
    `${path}.br`,
    brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    }),
  );
  written += 1;
}

// The shop's first load: index.html's entry chunk and its static imports (the back office and the
// dashboard are dynamic imports, loaded only when opened).
const manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8'));
const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const seen = new Set();
const visit = (key) => {
  if (seen.has(key)) return;
  seen.add(key);
  for (const dep of manifest[key].imports ?? []) visit(dep);
};
visit(entryKey);
const gz = (file) => gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length;
const firstLoad = [...seen].map((k) => ({ file: manifest[k].file, gzip_bytes: gz(manifest[k].file) }));
const css = [...seen].flatMap((k) => manifest[k].css ?? []).map((file) => ({ file, gzip_bytes: gz(file) }));
const lazy = Object.keys(manifest)
  .filter((k) => !seen.has(k) && manifest[k].file.endsWith('.js'))
  .map((k) => ({ file: manifest[k].file, gzip_bytes: gz(manifest[k].file) }));
const total = firstLoad.reduce((sum, f) => sum + f.gzip_bytes, 0);
const report = {
  budget_gzip_bytes: FIRST_LOAD_BUDGET,
  first_load_js_gzip_bytes: total,
  first_load_js: firstLoad,
  first_load_css: css,
  lazy_js: lazy,
};
writeFileSync(join(dirname(outDir), 'size-report.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `web: built ${relative(process.cwd(), outDir) || outDir} (${written} files compressed); ` +
    `shop first-load JS ${(total / 1024).toFixed(1)} KB gzip of ${FIRST_LOAD_BUDGET / 1024} KB`,
);
if (total > FIRST_LOAD_BUDGET) {
  console.error(`web: the shop's first-load JavaScript is over budget: ${total} > ${FIRST_LOAD_BUDGET} bytes gzip`);
  process.exit(1);
}
