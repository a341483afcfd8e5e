import type { FastifyRequest } from 'fastify';
import type { Config, FaultPoint } from '../../config.ts';

/**
 * Sandbox crash points for the exactly-once tests: when `config.faults` names `point`, the process
 * dies on the spot (SIGKILL: no cleanup, no response), as a crash would.
 */
export async function faultPoint(config: Config, point: FaultPoint, request: FastifyRequest): Promise<void> {
  if (!config.faults.includes(point)) return;
  request.log.warn({ point }, 'fault injection: killing the process');
  process.kill(process.pid, 'SIGKILL');
  // The signal is delivered asynchronously; never go on.
  await new Promise(() => undefined);
}
