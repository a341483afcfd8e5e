/**
 * Programmer errors are assertions: a broken invariant stops the operation (and rolls back its
 * transaction). Expected business outcomes are coded domain errors instead (see http/errors.ts).
 */
export class AssertionFailed extends Error {
  override name = 'AssertionFailed';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionFailed(message);
}
