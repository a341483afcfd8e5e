// The test shards' loader (scripts/test.mjs): Node runs the TypeScript sources itself, erasing
// the types (Node 22.18+ and 23.6+ do so by default; tsconfig's erasableSyntaxOnly keeps the
// sources within what erasing handles), which costs a fraction of transpiling each module through
// tsx. One hook remains: the typed client (src/client) names its modules with the `.js` they get
// when compiled for publishing, so a relative `.js` import from a `.ts` module that has no such
// file resolves to the `.ts` beside it, as TypeScript's own resolution does.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
      const asWritten = new URL(specifier, context.parentURL);
      const source = new URL(`${specifier.slice(0, -'.js'.length)}.ts`, context.parentURL);
      if (!existsSync(fileURLToPath(asWritten)) && existsSync(fileURLToPath(source))) return nextResolve(source.href, context);
    }
    return nextResolve(specifier, context);
  },
});
