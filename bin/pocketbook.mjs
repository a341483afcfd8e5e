#!/usr/bin/env node
// The `pocketbook` command: the CLI (src/cli/main.ts) from its prebuilt bundle, built on the first
// run after a change to src/ (scripts/bundle.mjs), or through tsx when no bundle can be had; a
// checkout needs no build step either way.
import { runEntry } from '../scripts/bundle.mjs';

await runEntry('cli');
