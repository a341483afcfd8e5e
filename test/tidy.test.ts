/**
 * The layout's rules (docs/ARCHITECTURE.md), checked on the source tree so that they stay true:
 * - a module is used only through its index.ts (modules: the folders under src/modules, and each
 *   rail under src/modules/rails);
 * - SQL lives in repo files (`*.repo.ts`) and in the database layer (src/platform/db);
 * - `Date.now` only in src/platform/clock.ts, `parseFloat` nowhere, `toFixed` only in src/money and
 *   the market's Treasury price formatting;
 * - no function has more than 100 lines of its own (nested functions count for themselves);
 * - every route documents its responses (a 2xx response schema in the OpenAPI document);
 * - no module builds a wire location (`['body', ...]`): modules name fields in domain terms.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { type TestApp, startTestApp } from './support/app.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
const MODULES = join(SRC, 'modules');

/** Lines a function may have, besides those of the functions nested in it. */
const FUNCTION_OWN_LINES_MAX = 100;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const rel = (path: string) => relative(ROOT, path).split(sep).join('/');
const isTest = (path: string) => path.endsWith('.test.ts');
const srcFiles = sourceFiles(SRC);
const productFiles = srcFiles.filter((path) => !isTest(path));

/** The module a path belongs to (`pockets`, `rails/onus`), or undefined outside src/modules. */
function moduleOf(path: string): string | undefined {
  const inside = relative(MODULES, path);
  if (inside.startsWith('..')) return undefined;
  const parts = inside.split(sep);
  return parts[0] === 'rails' ? parts.slice(0, 2).join('/') : parts[0];
}

/** The text without comments (line and block), strings kept. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

test('modules are used only through their index.ts', () => {
  const files = [...srcFiles, ...sourceFiles(join(ROOT, 'test')), ...sourceFiles(join(ROOT, 'scripts'))];
  const offences: string[] = [];
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = resolve(dirname(file), match[1]!);
      const targetModule = moduleOf(target);
      if (!targetModule || moduleOf(file) === targetModule) continue;
      if (target !== join(MODULES, ...targetModule.split('/'), 'index.ts')) offences.push(`${rel(file)} imports ${rel(target)}`);
    }
  }
  assert.deepEqual(offences, []);
});

test('SQL lives in repo files and the database layer', () => {
  const sql = /\b(SELECT\s+[\w*(]|INSERT\s+INTO\s|UPDATE\s+\w+\s+(AS\s+\w+\s+)?SET\s|DELETE\s+FROM\s)/;
  const home = (path: string) => path.endsWith('.repo.ts') || rel(path).startsWith('src/platform/db/');
  const offences = productFiles.filter((path) => !home(path) && sql.test(withoutComments(readFileSync(path, 'utf8')))).map(rel);
  assert.deepEqual(offences, []);
});

test('Date.now, parseFloat and toFixed stay in their homes', () => {
  const rules: { pattern: RegExp; homes: (path: string) => boolean }[] = [
    { pattern: /\bDate\.now\b/, homes: (path) => rel(path) === 'src/platform/clock.ts' },
    { pattern: /\bparseFloat\b/, homes: () => false },
    { pattern: /\.toFixed\(/, homes: (path) => rel(path).startsWith('src/money/') || rel(path) === 'src/modules/market/pricing.ts' },
  ];
  const offences: string[] = [];
  for (const path of productFiles) {
    const text = withoutComments(readFileSync(path, 'utf8'));
    for (const rule of rules) if (rule.pattern.test(text) && !rule.homes(path)) offences.push(`${rel(path)}: ${rule.pattern.source}`);
  }
  assert.deepEqual(offences, []);
});

test(`no function has more than ${FUNCTION_OWN_LINES_MAX} lines of its own`, () => {
  const offences: string[] = [];
  for (const path of productFiles) {
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line;
    const span = (node: ts.Node) => lineOf(node.getEnd()) - lineOf(node.getStart(source)) + 1;
    const isFunction = (node: ts.Node) =>
      ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node);
    /** Lines of the functions directly nested in `node` (not counting deeper ones twice). */
    const nestedLines = (node: ts.Node): number => {
      let lines = 0;
      node.forEachChild((child) => {
        lines += isFunction(child) ? span(child) : nestedLines(child);
      });
      return lines;
    };
    const visit = (node: ts.Node) => {
      if (isFunction(node)) {
        const own = span(node) - nestedLines(node);
        if (own > FUNCTION_OWN_LINES_MAX) offences.push(`${rel(path)}:${lineOf(node.getStart(source)) + 1} has ${own} lines`);
      }
      node.forEachChild(visit);
    };
    visit(source);
  }
  assert.deepEqual(offences, []);
});

test('no module builds a wire location', () => {
  const offences = productFiles
    .filter((path) => moduleOf(path) !== undefined)
    .filter((path) => /\[\s*'(body|query|path|header)'\s*[,\]]/.test(withoutComments(readFileSync(path, 'utf8'))))
    .map(rel);
  assert.deepEqual(offences, []);
});

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

test('every route documents a 2xx response', async () => {
  const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  };
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, responses: operation.responses ?? {} })),
  );
  assert.ok(operations.length >= 30, `only ${operations.length} operations documented`);
  const undocumented = operations.filter((op) => !Object.keys(op.responses).some((status) => /^2\d\d$/.test(status))).map((op) => op.name);
  assert.deepEqual(undocumented, []);
});
