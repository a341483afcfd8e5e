import { mkdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DocumentStore } from './documents.store.ts';

/**
 * The filesystem document store: `<root>/<partner id>/<first two hex digits>/<sha256>`. An upload
 * is written under `<root>/.incoming` and renamed into place once complete and checked (a rename
 * within one filesystem is atomic), so a stored file is never seen half written.
 */
export function filesystemStore(root: string): DocumentStore {
  const pathOf = (key: string) => {
    const [partnerId, sha256] = key.split('/') as [string, string];
    return join(root, partnerId, sha256.slice(0, 2), sha256);
  };
  return {
    kind: 'filesystem',
    async incomingDir() {
      const dir = join(root, '.incoming');
      await mkdir(dir, { recursive: true });
      return dir;
    },
    async put(key, tempPath) {
      const target = pathOf(key);
      if (await exists(target)) {
        await unlink(tempPath);
        return;
      }
      await mkdir(dirname(target), { recursive: true });
      await rename(tempPath, target);
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
