import { randomUUID } from 'node:crypto';

/** A new random (version 4) UUID, the id format of every Jiko object. */
export function newId(): string {
  return randomUUID();
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID in canonical text form (any version). */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
