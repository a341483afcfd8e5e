// Types of scripts/bundle.mjs (plain JavaScript, so that Node runs it before tsx is loaded).

/** The bundled entry points: output name -> source file. */
export const BUNDLE_ENTRIES: { readonly server: string; readonly cli: string; readonly 'pglite-worker': string };
/** Written before each `import.meta.url` of a bundle that stands for its chunk's own URL (`import.meta.bundleUrl` in the sources). */
export const CHUNK_URL_MARK: string;
/** The bundle key of the current sources (16 hex digits) for this esbuild version. */
export function bundleKey(esbuildVersion: string): string;
/** The folder of the bundle of the current sources, built when missing; undefined when none can be had. */
export function ensureBundle(): Promise<string | undefined>;
/** Runs entry `entry`: from its bundle when one can be had, else its TypeScript source through tsx. */
export function runEntry(entry: keyof typeof BUNDLE_ENTRIES): Promise<void>;
