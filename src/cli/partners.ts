/** `pocketbook partners`: not built yet. */
export async function partnersCommand(_args: string[]): Promise<number> {
  process.stderr.write('not built yet\n');
  return 1;
}
