/**
 * The ledger on a real database: balanced entries only, immutable postings, no pocket below zero,
 * reversals, and invariants that hold after random money movement.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertBalanced, checkLedgerInvariants, pocketAccountBalances, pocketBalances, postEntry, reversal, settleEntries } from '../src/modules/ledger/index.ts';
import { checkMovementInvariants } from '../src/modules/movements/index.ts';
import { checkOnUsInvariants } from '../src/modules/rails/onus/index.ts';
import { checkPortfolioInvariants } from '../src/modules/portfolio/index.ts';
import { AssertionFailed } from '../src/platform/assert.ts';
import { type TestApp, newPartner, startTestApp } from './support/app.ts';
import { createCustomer, createPocket, fund } from './support/fixtures.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

const at = new Date('2024-03-05T15:00:00Z');

describe('ledger', () => {
  test('assertBalanced refuses fewer than two postings, zero postings and imbalance', () => {
    const a = { pocketId: 'p', kind: 'bank_cash' as const };
    const b = { system: 'ach_clearing' as const };
    assert.throws(() => assertBalanced([{ account: a, amountCents: 0n }]), AssertionFailed);
    assert.throws(() => assertBalanced([{ account: a, amountCents: 5n }, { account: b, amountCents: 0n }]), AssertionFailed);
    assert.throws(() => assertBalanced([{ account: a, amountCents: 5n }, { account: b, amountCents: -4n }]), AssertionFailed);
    assertBalanced([{ account: a, amountCents: 5n }, { account: b, amountCents: -5n }]);
  });

  test('entries post, reverse, and never drive a pocket account below zero; postings are immutable', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-05T15:00:00Z');
    const customerId = await createCustomer(client);
    const pocketId = await createPocket(client, customerId, 'UST-4W');
    const partnerId = client.partnerId;
    const postings = [
      { account: { system: 'ach_clearing' as const }, amountCents: -1_000n },
      { account: { pocketId, kind: 'brokerage_cash' as const }, amountCents: 1_000n },
    ];
    const entryId = await t.db.tx((tx) => postEntry(tx, { partnerId, entryType: 'ACH_CREDIT', occurredAt: at, bookDate: '2024-03-05', postings }));
    assert.equal((await pocketBalances(t.db, partnerId, [pocketId])).get(pocketId)!.brokerage_cash, 1_000n);

    await assert.rejects(
      t.db.tx((tx) =>
        postEntry(tx, {
          partnerId,
          entryType: 'BUY',
          occurredAt: at,
          bookDate: '2024-03-05',
          postings: [
            { account: { pocketId, kind: 'brokerage_cash' }, amountCents: -1_001n },
            { account: { pocketId, kind: 'securities_at_cost' }, amountCents: 1_001n },
          ],
        }),
      ),
    );
    assert.equal((await pocketBalances(t.db, partnerId, [pocketId])).get(pocketId)!.brokerage_cash, 1_000n);

    await assert.rejects(t.db.query(`UPDATE ledger_postings SET amount_cents = 1 WHERE entry_id = $1`, [entryId]));
    await assert.rejects(t.db.query(`DELETE FROM ledger_entries WHERE id = $1`, [entryId]));

    await t.db.tx((tx) =>
      postEntry(tx, { partnerId, entryType: 'REVERSAL', reversesEntryId: entryId, occurredAt: at, bookDate: '2024-03-05', postings: reversal(postings) }),
    );
    assert.equal((await pocketBalances(t.db, partnerId, [pocketId])).get(pocketId)!.brokerage_cash, 0n);
    assert.deepEqual(await checkLedgerInvariants(t.db, partnerId), []);
  });

  test('postings and bank transactions that name an entry the tenant does not have are reported', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-05T15:00:00Z');
    const pocketId = await createPocket(client, await createCustomer(client), 'UST-4W');
    await fund(client, pocketId, 2_500);
    const partnerId = client.partnerId;
    assert.deepEqual(await checkLedgerInvariants(t.db, partnerId), []);
    assert.deepEqual(await checkMovementInvariants(t.db, partnerId), []);
    // No foreign key stands in the way any more (migration 0058): the checks must see it.
    const [account] = await t.db.query<{ id: string }>(`SELECT id FROM ledger_accounts WHERE partner_id = $1 AND pocket_id = $2 AND kind = 'bank_cash'`, [partnerId, pocketId]);
    const missing = '00000000-0000-4000-8000-00000000e001';
    await t.db.query(`INSERT INTO ledger_postings (partner_id, entry_id, account_id, amount_cents) VALUES ($1, $2, $3, 5)`, [partnerId, missing, account!.id]);
    await t.db.query(
      `INSERT INTO bank_transactions (id, partner_id, pocket_id, type, direction, amount_cents, description, title, status, time_booked, book_date, ledger_entry_id)
       VALUES (gen_random_uuid(), $1, $2, 'ACH', 'CREDIT', 5, 'x', 'x', 'BOOKED', $3, '2024-03-05', $4)`,
      [partnerId, pocketId, at, missing],
    );
    assert.ok((await checkLedgerInvariants(t.db, partnerId)).includes(`postings name entry ${missing}, which the tenant does not have`));
    assert.match((await checkMovementInvariants(t.db, partnerId)).join('\n'), new RegExp(`names ledger entry ${missing}, which the tenant does not have`));
    // And an on-us bank transaction whose transfer does not exist (migration 0060).
    assert.deepEqual(await checkOnUsInvariants(t.db, partnerId), []);
    await t.db.query(
      `INSERT INTO bank_transactions (id, partner_id, pocket_id, type, direction, amount_cents, description, title, status, time_booked, book_date, ledger_entry_id, on_us_transfer_id)
       VALUES (gen_random_uuid(), $1, $2, 'ON_US', 'CREDIT', 5, 'x', 'x', 'BOOKED', $3, '2024-03-05', $4, $4)`,
      [partnerId, pocketId, at, missing],
    );
    assert.deepEqual(await checkOnUsInvariants(t.db, partnerId), [`bank transactions name on-us transfer ${missing}, which the tenant does not have`]);
  });

  test('a pending entry holds its debits: available drops at once, posting moves the balance, voiding releases it', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-05T15:00:00Z');
    const customerId = await createCustomer(client);
    const pocketId = await createPocket(client, customerId, 'UST-4W');
    const partnerId = client.partnerId;
    const cash = { pocketId, kind: 'bank_cash' as const };
    const common = { partnerId, occurredAt: at, bookDate: '2024-03-05' };
    await t.db.tx((tx) =>
      postEntry(tx, { ...common, entryType: 'ACH_CREDIT', postings: [{ account: { system: 'ach_clearing' }, amountCents: -10_000n }, { account: cash, amountCents: 10_000n }] }),
    );
    const out = [{ account: cash, amountCents: -6_000n }, { account: { system: 'ach_clearing' as const }, amountCents: 6_000n }];
    const held = await t.db.tx((tx) => postEntry(tx, { ...common, entryType: 'ACH_CREDIT', status: 'pending', postings: out }));
    const bank = async () => (await pocketAccountBalances(t.db, partnerId, [pocketId])).get(pocketId)!.bank_cash;
    assert.deepEqual(await bank(), { postedCents: 10_000n, availableCents: 4_000n });
    assert.deepEqual(await checkLedgerInvariants(t.db, partnerId), []);

    // A second hold beyond what is available is refused by the database, and changes nothing.
    await assert.rejects(t.db.tx((tx) => postEntry(tx, { ...common, entryType: 'ACH_CREDIT', status: 'pending', postings: out })));
    assert.deepEqual(await bank(), { postedCents: 10_000n, availableCents: 4_000n });

    assert.deepEqual(await t.db.tx((tx) => settleEntries(tx, partnerId, [held], 'posted', at)), [held]);
    assert.deepEqual(await bank(), { postedCents: 4_000n, availableCents: 4_000n });
    // Settling again does nothing: an entry leaves pending once.
    assert.deepEqual(await t.db.tx((tx) => settleEntries(tx, partnerId, [held], 'voided', at)), []);
    assert.deepEqual(await checkLedgerInvariants(t.db, partnerId), []);

    const voided = await t.db.tx((tx) => postEntry(tx, { ...common, entryType: 'ACH_CREDIT', status: 'pending', postings: [out[0]!, out[1]!].map((p) => ({ ...p, amountCents: p.amountCents / 2n })) }));
    assert.deepEqual(await bank(), { postedCents: 4_000n, availableCents: 1_000n });
    await t.db.tx((tx) => settleEntries(tx, partnerId, [voided], 'voided', at));
    assert.deepEqual(await bank(), { postedCents: 4_000n, availableCents: 4_000n });
    // A settled entry's other columns stay immutable.
    await assert.rejects(t.db.query(`UPDATE ledger_entries SET description = 'x' WHERE id = $1`, [held]));
    assert.deepEqual(await checkLedgerInvariants(t.db, partnerId), []);
  });

  test('random funding and reallocations keep every invariant', async () => {
    const client = await newPartner(t);
    await client.setClock('2024-03-05T15:00:00Z');
    const customerId = await createCustomer(client);
    const pockets = [
      await createPocket(client, customerId, 'UST-4W'),
      await createPocket(client, customerId, 'UST-13W'),
      await createPocket(client, customerId, 'UST-1W'),
    ];
    // A fixed pseudo-random sequence, so a failure replays.
    let seed = 20240305;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    for (let step = 0; step < 24; step++) {
      const choice = next(4);
      if (choice === 0) {
        await fund(client, pockets[next(3)]!, 1 + next(4_999_998));
      } else if (choice === 3) {
        await client.advanceClock({ days: 1 + next(9) });
      } else {
        const from = next(3);
        const to = (from + 1 + next(2)) % 3;
        const amount = next(5) === 0 ? { type: 'FULL_WITHDRAWAL' } : { type: 'REQUESTED_AMOUNT', amount_usdc: 1 + next(3_000_000) };
        const response = await client.post('/api/v1/transfers/on-us', {
          type: 'INTERNAL_REALLOCATION',
          from_account: { id: pockets[from], type: 'JIKO_ACCOUNT' },
          to_account: { id: pockets[to], type: 'JIKO_ACCOUNT' },
          amount,
        });
        assert.equal(response.statusCode, 201, response.body);
      }
      assert.deepEqual(await checkLedgerInvariants(t.db, client.partnerId), [], `after step ${step}`);
      assert.deepEqual(await checkPortfolioInvariants(t.db, client.partnerId), [], `after step ${step}`);
    }
  });
});
