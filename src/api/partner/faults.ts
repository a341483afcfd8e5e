import type { FastifyRequest } from 'fastify';
import type { Config, FaultPoint } from '../../config.ts';

/** True when `request` is to crash at `point`: named by config, or by the request itself under `by-header`. */
export function faultArmed(config: Config, point: FaultPoint, request: FastifyRequest): boolean {
  if (config.faults.includes(point)) return true;
  return config.faults.includes('by-header') && request.headers['x-pocketbook-fault'] === point;
}

/**
 * Sandbox crash points for the exactly-once tests: when armed for `point` (see faultArmed), the
 * process dies on the spot (SIGKILL: no cleanup, no response), as a crash would.
 */
export async function faultPoint(config: Config, point: FaultPoint, request: FastifyRequest): Promise<void> {
  if (!faultArmed(config, point, request)) return;
  request.log.warn({ point }, 'fault injection: killing the process');
  process.kill(process.pid, 'SIGKILL');
  // The signal is delivered asynchronously; never go on.
  await new Promise(() => undefined);
}
