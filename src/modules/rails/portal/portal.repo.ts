import { type Queryable, type Tx, createdAtPage } from '../../../platform/db/index.ts';
import type { SortKey } from '../../../platform/http/index.ts';
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

const COLUMNS = 'id, pocket_id, name, routing_number, account_number, status, created_at';

/**
 * One of the tenant's portals, or undefined (unknown id, another tenant's). `lock` takes the row
 * (FOR UPDATE) so that a close and money arriving through the portal happen one after the other.
 */
export async function findPortal(q: Queryable, partnerId: string, portalId: string, lock = false): Promise<Portal | undefined> {
  const [row] = await q.query<PortalRow>(
    `SELECT ${COLUMNS} FROM portals WHERE partner_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
    [partnerId, portalId],
  );
  return row ? toPortal(row) : undefined;
}

/**
 * A page of the tenant's portals, every pocket's, oldest first (keyset on created_at, id); fetches
 * `limit + 1` rows so the caller knows whether more exist.
 */
export async function listTenantPortals(
  q: Queryable,
  partnerId: string,
  page: { after: SortKey | undefined; backward: boolean; limit: number },
): Promise<{ portal: Portal; key: SortKey }[]> {
  const params: unknown[] = [partnerId];
  const keyset = createdAtPage(params, page);
  const rows = await q.query<PortalRow>(
    `SELECT ${COLUMNS} FROM portals WHERE partner_id = $1${keyset.after ? ` AND ${keyset.after}` : ''} ${keyset.orderLimit}`,
    params,
  );
  return rows.map((row) => ({ portal: toPortal(row), key: [row.created_at.toISOString(), row.id] }));
}

/** Renames a portal of the tenant. @returns the portal as changed, or undefined when there is none. */
export async function renamePortal(tx: Tx, partnerId: string, portalId: string, name: string): Promise<Portal | undefined> {
  const [row] = await tx.query<PortalRow>(
    `UPDATE portals SET name = $3 WHERE partner_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [partnerId, portalId, name],
  );
  return row ? toPortal(row) : undefined;
}

/**
 * Closes an OPEN portal of the tenant (irreversible). @returns the portal as closed, or undefined
 * when it was not OPEN (already closed, or none): the row lock makes a concurrent second close
 * wait and then find it closed.
 */
export async function closePortal(tx: Tx, partnerId: string, portalId: string, at: Date): Promise<Portal | undefined> {
  const [row] = await tx.query<PortalRow>(
    `UPDATE portals SET status = 'CLOSED', closed_at = $3 WHERE partner_id = $1 AND id = $2 AND status = 'OPEN' RETURNING ${COLUMNS}`,
    [partnerId, portalId, at],
  );
  return row ? toPortal(row) : undefined;
}


/**
 * The tenant's portal of pocketbook's routing number with this account number (a pocket's Jiko
 * network address, which on-us counterparties name), or undefined.
 */
export async function findPortalByAccountNumber(q: Queryable, partnerId: string, accountNumber: string): Promise<Portal | undefined> {
  const [row] = await q.query<PortalRow>(
    `SELECT id, pocket_id, name, routing_number, account_number, status, created_at FROM portals
      WHERE partner_id = $1 AND routing_number = $2 AND account_number = $3`,
    [partnerId, PORTAL_ROUTING_NUMBER, accountNumber],
  );
  return row ? toPortal(row) : undefined;
}
