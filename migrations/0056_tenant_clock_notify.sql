-- A tenant's clock (its test clock offset and the scheduler's next due instant) is read by every
-- request. Processes keep the clocks they read (modules/tenancy) and forget one when it changes:
-- every change of a row, by whatever process or statement, notifies channel
-- `pocketbook_tenant_clock` with the partner id, delivered to listeners when the change commits.
CREATE FUNCTION tenant_clocks_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('pocketbook_tenant_clock', (CASE WHEN TG_OP = 'DELETE' THEN OLD.partner_id ELSE NEW.partner_id END)::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER tenant_clocks_notify AFTER INSERT OR UPDATE OR DELETE ON tenant_clocks
  FOR EACH ROW EXECUTE FUNCTION tenant_clocks_notify();
