#!/usr/bin/env node
/**
 * Compiles src/ to dist/ as plain ES modules, one .js file per .ts file, so the CLI starts without compiling
 * TypeScript on every call (`npm install` runs this through `prepare`; `npm pack` ships dist/).
 *
 * Why file-for-file rather than one bundle: dist/ keeps src/'s layout at the same depth, so every path a module
 * finds from its own location (`../../rules`, `./assets/`, `./dynalite-server.cjs`) means the same file in both,
 * and a command imports only the modules it uses. esbuild transpiles; it does not rewrite extensionless relative
 * imports (which Node's ESM loader refuses), so the plugin below resolves each one to the file it names and
 * marks it external with its .js name. Files other than .ts (assets, the state machine JSON, the dynalite child
 * script) are copied as they are.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'src');
const distDir = join(root, 'dist');
// Built beside dist/ and swapped in by renames, so a CLI started during a rebuild (tests spawn it in
// parallel) finds either the old tree or the new one, never half of one.
const outDir = join(root, `dist.building-${process.pid}`);

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

const files = walk(srcDir);
const entryPoints = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));

/** `./x` → `./x.js`, `./dir` → `./dir/index.js`; anything else (JSON, .cjs, packages) is left as written. */
const relativeImports = {
  name: 'relative-imports-as-js',
  setup(b) {
    b.onResolve({ filter: /^\.\.?(\/|$)/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const target = resolve(args.resolveDir, args.path);
      if (existsSync(`${target}.ts`)) return { path: `${args.path}.js`, external: true };
      if (existsSync(join(target, 'index.ts')))
        return { path: `${args.path.replace(/\/$/, '')}/index.js`, external: true };
      if (existsSync(target) && statSync(target).isFile()) {
        // A file outside src/ (rules/rule.schema.json) stays where it is: dist/ is at src/'s depth.
        return { path: args.path, external: true };
      }
      return { errors: [{ text: `cannot resolve ${args.path} from ${relative(root, args.importer)}` }] };
    });
  },
};

/**
 * Rewrites `import.meta.url` in each source file to the URL of that file's own module in dist/, so a module
 * bundled into dist/bundle/ finds `../../rules`, `./assets/` or `./dynalite-server.cjs` where its file-for-file
 * twin does.
 */
const ownModuleUrl = (bundleDir) => ({
  name: 'own-module-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const twin = relative(bundleDir, join(outDir, relative(srcDir, args.path)))
        .split(sep)
        .join('/');
      const url = `new URL(${JSON.stringify(twin.replace(/\.ts$/, '.js'))}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
});

/**
 * The CLI again as one bundle with a chunk per command (dist/bundle/, what bin/hyperaudit.js runs): Node
 * resolves and compiles one file per chunk instead of some 300 modules of ours and the packages' (the AWS
 * SDK alone is hundreds), about 0.15 s less CPU at each start. Packages that find files beside themselves or
 * load native code stay external.
 */
async function buildCliBundle() {
  const bundleDir = join(outDir, 'bundle');
  await build({
    entryPoints: [join(srcDir, 'cli', 'main.ts')],
    outdir: bundleDir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    logLevel: 'warning',
    external: ['dynalite', 'exceljs', 'playwright-core', 'aws-local-stepfunctions', 'tsx'],
    // CommonJS packages inside an ES module bundle call require(); give them Node's.
    banner: {
      js: "import { createRequire as __hyperauditCreateRequire } from 'node:module';\nconst require = __hyperauditCreateRequire(import.meta.url);",
    },
    plugins: [ownModuleUrl(bundleDir)],
  });
}

/**
 * The same CLI as one CommonJS file (dist/bundle/cli.cjs) for the commands bin/hyperaudit.js runs with V8's code
 * cache (src/cli/code-cache.ts): Node 20 caches no ES module's code, but a script run through `vm.Script` takes
 * cached data. One file, since a script has no chunks to import: every command is in it, and a command's modules
 * run only when it is chosen (esbuild wraps what is imported lazily). Dynamic imports become `require` (no
 * `import()` is left, which a `vm.Script` could not run), whitespace and comments go (less text to read and hash),
 * and `import.meta.url` is each source's dist/ twin as in the ES module bundle.
 */
async function buildCachedCliBundle() {
  const bundleDir = join(outDir, 'bundle');
  const outfile = join(bundleDir, 'cli.cjs');
  await build({
    entryPoints: [join(srcDir, 'cli', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20.19',
    logLevel: 'warning',
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'eof',
    supported: { 'dynamic-import': false },
    external: ['dynalite', 'exceljs', 'playwright-core', 'aws-local-stepfunctions', 'tsx'],
    define: { 'import.meta.url': '__hyperauditModuleUrl' },
    // "use strict" first: esbuild's own directive comes after the banner, where it is a plain string statement and
    // would leave the bundle sloppy (ES modules, and so the ES module bundle, are always strict).
    banner: { js: `"use strict";var __hyperauditModuleUrl=require('node:url').pathToFileURL(__filename).href;` },
    plugins: [ownModuleUrl(bundleDir)],
  });
  if (/\bimport\(/.test(readFileSync(outfile, 'utf8')))
    throw new Error('dist/bundle/cli.cjs still holds an import(), which vm.Script cannot run');
}

rmSync(outDir, { recursive: true, force: true });
try {
  await build({
    entryPoints,
    outdir: outDir,
    outbase: srcDir,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    logLevel: 'warning',
    plugins: [relativeImports],
  });
  await buildCliBundle();
  await buildCachedCliBundle();
  for (const file of files.filter((f) => !f.endsWith('.ts'))) {
    const to = join(outDir, relative(srcDir, file));
    mkdirSync(dirname(to), { recursive: true });
    cpSync(file, to);
  }
  // The rule schema's validator and the SCG catalogue, computed here once rather than on every run (each file names
  // the digest of its source and is ignored once that changes: src/engine/precompiled-artifacts.ts).
  const { precompiledEngineFiles } = await import(
    pathToFileURL(join(outDir, 'engine', 'precompiled-artifacts.js')).href
  );
  for (const { name, body } of precompiledEngineFiles()) writeFileSync(join(outDir, 'engine', name), body);
  // bin/hyperaudit.js compares this stamp with src/ to notice a dist/ older than the source it came from.
  writeFileSync(join(outDir, 'BUILT'), `${new Date().toISOString()}\n`);
  const old = join(root, `dist.old-${process.pid}`);
  if (existsSync(distDir)) renameSync(distDir, old);
  renameSync(outDir, distDir);
  rmSync(old, { recursive: true, force: true });
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
process.stdout.write(`dist/: ${entryPoints.length} modules from src${sep}\n`);
