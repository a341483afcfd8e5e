-- A physical card order stops when its pocket closes (docs/CARDS.md): Jiko's order statuses have no
-- cancelled one, so the order keeps its status and `stopped_at` records when it stopped. The
-- business-day task moves only orders not stopped.
ALTER TABLE card_orders ADD COLUMN stopped_at timestamptz;
DROP INDEX IF EXISTS card_orders_due;
CREATE INDEX card_orders_due ON card_orders (partner_id, next_step_at) WHERE next_step_at IS NOT NULL AND stopped_at IS NULL;
