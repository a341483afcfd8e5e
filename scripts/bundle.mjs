// The server and the CLI as prebuilt JavaScript, so that a start does not compile TypeScript.
//
// Run through tsx, every start compiles (or fetches from tsx's cache) each of the ~250 source
// files one by one and resolves every import through tsx's loader thread: about 1.4 s of CPU of a
// 2-3 s start. Instead, `npm install` (postinstall) and the first start after a change to src/
// bundle src/ with esbuild (the one tsx ships) into the project's build cache
// (node_modules/.cache/pocketbook/bundle-<key>/: server.mjs, cli.mjs and their shared chunks).
// Packages stay imports of node_modules, except INLINED_PACKAGES, which are compiled into the
// bundle. The key is a hash of every source file of src/ (tests left out), esbuild's version and
// package-lock.json, so an edit or an upgrade is never run stale: the next start builds again
// (about half a second). `import.meta.url` in a source file is rewritten to that file's own URL,
// so paths found from it (data/market, migrations, the cache) are what they are under tsx.
//
// A start first compares the sources' sizes and modification times with those the last bundle was
// found or built for (bundle-stamp.json): when nothing changed it uses that bundle without reading
// and hashing every file (a tenth of the time) or loading esbuild.
//
// Anything that goes wrong (no esbuild, a cache that cannot be written) falls back to loading the
// TypeScript through tsx, as before; POCKETBOOK_NO_BUNDLE=1 asks for that.
// Plain JavaScript: Node 20 runs it before tsx is loaded.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import module, { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
/** The project's build cache (as src/platform/cache.ts). */
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'pocketbook');
/** Bump when the way bundles are built changes. */
const BUNDLE_FORMAT = 7;
/** The bundled entry points: output name -> source. */
export const BUNDLE_ENTRIES = { server: 'src/main.ts', cli: 'src/cli/main.ts', 'pglite-worker': 'src/platform/db/pglite-worker.ts' };
/**
 * Packages compiled into the bundle (vendor/, with the packages they import): pure JavaScript
 * spread over many small modules, which Node would otherwise resolve, read and link one by one at
 * every start (typebox is about 680 modules, 0.1-0.2 s of CPU; xmlbuilder2 and its @oozcitak
 * packages about 160, 0.03 s). They are built apart from src/ and without source maps (Node would
 * parse their maps at every start for stack traces that never point there). Only packages nothing
 * in node_modules imports at run time belong here (else two copies would load), and none that
 * reads files next to its own code.
 */
const INLINED_PACKAGES = new Set(['typebox', 'xmlbuilder2']);
/** The folder of the inlined packages in a bundle. */
const VENDOR_DIR = 'vendor';
/**
 * Lets the CommonJS code of an inlined package require Node's built-in modules (esbuild's ESM
 * output calls `require` when there is one, and throws otherwise).
 */
const REQUIRE_BANNER = "import { createRequire as __pocketbookCreateRequire } from 'node:module';\nconst require = __pocketbookCreateRequire(import.meta.url);";
/** Written before each `import.meta.url` that stands for the chunk's own URL (`import.meta.bundleUrl`). */
export const CHUNK_URL_MARK = "/* the bundle's chunk */";
/** Bundles of other keys older than this are removed when a new one is built, in milliseconds. */
const STALE_BUNDLE_MS = 3_600_000;

/** esbuild, as tsx depends on it; undefined when it cannot be found. */
function loadEsbuild() {
  try {
    const fromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
    return fromTsx('esbuild');
  } catch {
    return undefined;
  }
}

function sourceFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) found.push(path);
  }
  return found.sort();
}

/** The bundle key of the current sources: 16 hex digits. */
export function bundleKey(esbuildVersion) {
  const hash = createHash('sha256');
  hash.update(`format ${BUNDLE_FORMAT}\nesbuild ${esbuildVersion}\n`);
  // The inlined packages' versions (and their dependencies'), through the lock file.
  try {
    hash.update(readFileSync(join(ROOT, 'package-lock.json')));
  } catch {
    // No lock file: the versions are not part of the key.
  }
  for (const file of sourceFiles(SRC)) {
    hash.update(`${relative(ROOT, file)}\n`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Where the last bundle found or built is noted, with the stamp of the sources it was for. */
const STAMP_FILE = join(CACHE_DIR, 'bundle-stamp.json');

/**
 * The sources' stamp: each source file's path, size and modification time, and the lock file's;
 * cheap to take (stat calls). Equal stamps mean the same sources, as far as a start need know: an
 * edit, a checkout or an install changes a modification time.
 */
function sourcesStamp() {
  const files = [...sourceFiles(SRC), join(ROOT, 'package-lock.json')];
  const lines = files.map((file) => {
    const name = relative(ROOT, file);
    try {
      const stat = statSync(file);
      return `${name} ${stat.size} ${stat.mtimeMs}`;
    } catch {
      return `${name} -`;
    }
  });
  return [`format ${BUNDLE_FORMAT}`, ...lines].join('\n');
}

/** The bundle folder noted for `stamp`, when it is still there; else undefined. */
function stampedBundle(stamp) {
  try {
    const noted = JSON.parse(readFileSync(STAMP_FILE, 'utf8'));
    if (noted.stamp !== stamp || typeof noted.name !== 'string' || !noted.name.startsWith('bundle-')) return undefined;
    const dir = join(CACHE_DIR, noted.name);
    return Object.keys(BUNDLE_ENTRIES).every((entry) => existsSync(join(dir, `${entry}.mjs`))) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Notes bundle `name` for `stamp` (best effort; written aside and renamed into place). */
function noteBundle(name, stamp) {
  try {
    const aside = `${STAMP_FILE}.${process.pid}-${randomUUID()}`;
    writeFileSync(aside, JSON.stringify({ name, stamp }));
    renameSync(aside, STAMP_FILE);
  } catch {
    // A speed-up only.
  }
}

/** The package a bare import names: `typebox/compile` -> `typebox`, `@scope/name/x` -> `@scope/name`. */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The vendor entry of bare import `specifier` of an inlined package: `typebox/compile` -> `typebox__compile`. */
function vendorEntryOf(specifier) {
  return specifier.replaceAll('@', '').replaceAll('/', '__');
}

/**
 * Keeps every package an import of node_modules (as `packages: 'external'` would), except
 * INLINED_PACKAGES, whose imports become imports of their vendor entries (`./vendor/<entry>.mjs`,
 * every chunk sits at the top of the bundle); each specifier seen is added to `vendorEntries`.
 */
function externalPackagesPlugin(vendorEntries) {
  return {
    name: 'pocketbook-external-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind === 'entry-point' || args.path.startsWith('node:')) return undefined;
        if (!INLINED_PACKAGES.has(packageOf(args.path))) return { path: args.path, external: true };
        vendorEntries.add(args.path);
        return { path: `./${VENDOR_DIR}/${vendorEntryOf(args.path)}.mjs`, external: true };
      });
    },
  };
}

/** The vendor entries, `vendor-entry:<name>` -> source (see `build`), resolved from the project. */
function vendorEntriesPlugin(entries) {
  return {
    name: 'pocketbook-vendor-entries',
    setup(build) {
      build.onResolve({ filter: /^vendor-entry:/ }, (args) => ({ path: args.path.slice('vendor-entry:'.length), namespace: 'vendor-entry' }));
      build.onLoad({ filter: /.*/, namespace: 'vendor-entry' }, (args) => ({ contents: entries[args.path], resolveDir: ROOT, loader: 'js' }));
    },
  };
}

/**
 * Rewrites `import.meta.url` in each source file to the file's own URL, relative to the bundle, and
 * `import.meta.bundleUrl` to the URL of the chunk that holds it.
 */
function fileUrlsPlugin(outdir) {
  return {
    name: 'pocketbook-file-urls',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        let contents = await readFile(args.path, 'utf8');
        if (contents.includes('import.meta.url')) {
          const path = relative(outdir, args.path).split(sep).join('/');
          contents = contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(path)}, import.meta.url).href`);
        }
        // The URL of the chunk itself, for code that finds another entry of the bundle (src/platform/bundled.ts).
        contents = contents.replaceAll('import.meta.bundleUrl', `${CHUNK_URL_MARK} import.meta.url`);
        return { contents, loader: 'ts' };
      });
    },
  };
}

function removeStaleBundles(keep) {
  for (const name of readdirSync(CACHE_DIR)) {
    if (!name.startsWith('bundle-') || name === keep) continue;
    const path = join(CACHE_DIR, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_BUNDLE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Tidying only.
    }
  }
}

/** Builds the bundle of the sources into folder `outdir`; its file URLs are those of folder `finalDir`. */
async function build(esbuild, outdir, finalDir) {
  const vendorEntries = new Set();
  const common = { absWorkingDir: ROOT, outExtension: { '.js': '.mjs' }, chunkNames: 'chunk-[hash]', bundle: true, splitting: true, format: 'esm', platform: 'node', logLevel: 'silent' };
  await esbuild.build({
    ...common,
    entryPoints: Object.fromEntries(Object.entries(BUNDLE_ENTRIES).map(([out, source]) => [out, join(ROOT, source)])),
    outdir,
    // package.json's engines: the oldest Node the project runs on.
    target: 'node20',
    // Names stay as written: stack traces and error names read as in the sources.
    keepNames: true,
    // Stack traces name the source files and lines (runEntry turns source maps on).
    sourcemap: 'linked',
    sourcesContent: false,
    plugins: [externalPackagesPlugin(vendorEntries), fileUrlsPlugin(finalDir)],
  });
  if (vendorEntries.size === 0) return;
  // Each entry re-exports its package's names one by one: a CommonJS package's names are known
  // only by running it (esbuild would give an entry of one only its default export).
  const entries = {};
  for (const specifier of vendorEntries) {
    const names = Object.keys(await import(specifier)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) || name === 'default');
    entries[vendorEntryOf(specifier)] = `export { ${names.join(', ')} } from ${JSON.stringify(specifier)};\n`;
  }
  await esbuild.build({
    ...common,
    entryPoints: Object.keys(entries).map((name) => ({ in: `vendor-entry:${name}`, out: name })),
    outdir: join(outdir, VENDOR_DIR),
    plugins: [vendorEntriesPlugin(entries)],
    target: 'node20',
    keepNames: true,
    banner: { js: REQUIRE_BANNER },
  });
}

/** Builds tried before giving up while sources keep changing under the build. */
const BUILD_ATTEMPTS_MAX = 3;

/**
 * The folder of the bundle of the current sources, built when missing (concurrent builders each
 * build in a folder of their own and rename it into place; the first rename wins). A build during
 * which a source changed is not kept under the key of the sources it started from.
 * @returns the folder, or undefined when no bundle can be had (then run the sources through tsx).
 */
export async function ensureBundle() {
  if (process.env.POCKETBOOK_NO_BUNDLE === '1') return undefined;
  const stamp = sourcesStamp();
  const stamped = stampedBundle(stamp);
  if (stamped) return stamped;
  const esbuild = loadEsbuild();
  if (!esbuild) return undefined;
  try {
    for (let attempt = 0; attempt < BUILD_ATTEMPTS_MAX; attempt++) {
      const key = bundleKey(esbuild.version);
      const name = `bundle-${key}`;
      const dir = join(CACHE_DIR, name);
      if (Object.keys(BUNDLE_ENTRIES).every((entry) => existsSync(join(dir, `${entry}.mjs`)))) {
        if (sourcesStamp() === stamp) noteBundle(name, stamp);
        return dir;
      }
      mkdirSync(CACHE_DIR, { recursive: true });
      const building = join(CACHE_DIR, `building-${process.pid}-${randomUUID()}`);
      try {
        await build(esbuild, building, dir);
        if (bundleKey(esbuild.version) !== key) continue;
        try {
          renameSync(building, dir);
        } catch (error) {
          // Another builder got there first: keep theirs.
          if (!existsSync(join(dir, 'server.mjs'))) throw error;
        }
      } finally {
        rmSync(building, { recursive: true, force: true });
      }
      removeStaleBundles(name);
      if (sourcesStamp() === stamp) noteBundle(name, stamp);
      return dir;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs entry `entry` of BUNDLE_ENTRIES: its bundle when one can be had, else its TypeScript source
 * through tsx.
 */
export async function runEntry(entry) {
  const dir = await ensureBundle();
  if (dir) {
    process.setSourceMapsEnabled(true);
    // Node 22.1 and later keep V8's compiled code of the modules loaded here for the next start.
    try {
      module.enableCompileCache?.(join(CACHE_DIR, 'compile-cache'));
    } catch {
      // A speed-up only.
    }
    await import(pathToFileURL(join(dir, `${entry}.mjs`)).href);
    return;
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(ROOT, BUNDLE_ENTRIES[entry])).href);
}

// `node scripts/bundle.mjs`: build the bundle now (postinstall, the test runner), print its folder.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = await ensureBundle();
  process.stdout.write(dir ? `pocketbook: server bundle ready (${dirname(dir) === CACHE_DIR ? dir.slice(CACHE_DIR.length + 1) : dir})\n` : 'pocketbook: no server bundle (esbuild unavailable); the server runs through tsx\n');
}
