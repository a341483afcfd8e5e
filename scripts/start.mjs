// `npm start`: the server (src/main.ts), run from its prebuilt bundle (scripts/bundle.mjs), which
// is built here first when src/ changed since the last one; through tsx when no bundle can be had.
import { runEntry } from './bundle.mjs';

await runEntry('server');
