import type { Queryable, Tx } from '../../../platform/db/index.ts';
import { newId } from '../../../platform/ids.ts';
import { PORTAL_ROUTING_NUMBER, type Portal, newPortalAccountNumber } from './portal.domain.ts';

/** SQL of portals (a pocket's routing and account numbers). Writers take the caller's transaction. */

/** Attempts at drawing a fresh account number before giving up (collisions are ~1e-12 each). */
const ACCOUNT_NUMBER_ATTEMPTS_MAX = 5;

interface PortalRow {
  id: string;
  pocket_id: string;
  name: string;
  routing_number: string;
  account_number: string;
  status: 'OPEN' | 'CLOSED';
  created_at: Date;
}

function toPortal(row: PortalRow): Portal {
  return {
    id: row.id,
    pocketId: row.pocket_id,
    name: row.name,
    routingNumber: row.routing_number,
    accountNumber: row.account_number,
    status: row.status,
    createdAt: row.created_at,
  };
}

/** Gives a pocket a portal: pocketbook's routing number and a new unique account number. */
export async function createPortal(tx: Tx, partnerId: string, pocketId: string, name: string, at: Date): Promise<Portal> {
  for (let attempt = 1; ; attempt++) {
    const id = newId();
    const rows = await tx.query<PortalRow>(
      `INSERT INTO portals (id, partner_id, pocket_id, name, routing_number, account_number, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'OPEN', $7)
       ON CONFLICT (routing_number, account_number) DO NOTHING
       RETURNING id, pocket_id, name, routing_number, account_number, status, created_at`,
      [id, partnerId, pocketId, name, PORTAL_ROUTING_NUMBER, newPortalAccountNumber(), at],
    );
    if (rows[0]) return toPortal(rows[0]);
    if (attempt >= ACCOUNT_NUMBER_ATTEMPTS_MAX) throw new Error('could not draw a unique portal account number');
  }
}

/** The pocket's portals, oldest first. */
export async function listPortals(q: Queryable, partnerId: string, pocketId: string): Promise<Portal[]> {
  const rows = await q.query<PortalRow>(
    `SELECT id, pocket_id, name, routing_number, account_number, status, created_at FROM portals
      WHERE partner_id = $1 AND pocket_id = $2 ORDER BY created_at, id`,
    [partnerId, pocketId],
  );
  return rows.map(toPortal);
}

