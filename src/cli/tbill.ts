/** `pocketbook tbill`: not built yet. */
export async function tbillCommand(_args: string[]): Promise<number> {
  process.stderr.write('not built yet\n');
  return 1;
}
