/** `pocketbook worker`: not built yet. */
export async function workerCommand(_args: string[]): Promise<number> {
  process.stderr.write('not built yet\n');
  return 1;
}
