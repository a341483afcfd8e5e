declare global {
  interface ImportMeta {
    /**
     * The URL of the bundle's chunk that holds this code, when the process runs from the prebuilt
     * bundle (scripts/bundle.mjs writes it in, where `import.meta.url` becomes the source file's
     * own URL); undefined when the TypeScript sources run as they are.
     */
    readonly bundleUrl?: string;
  }
}

/**
 * The URL of bundle entry `entry` (a key of scripts/bundle.mjs's BUNDLE_ENTRIES, `pglite-worker`)
 * when this process runs from the bundle: every entry and shared chunk sits in one folder.
 * @returns undefined when the sources run as they are (the test runner, the tsx fallback).
 */
export function bundleEntryUrl(entry: string): URL | undefined {
  const chunk = import.meta.bundleUrl;
  return chunk ? new URL(`./${entry}.mjs`, chunk) : undefined;
}
