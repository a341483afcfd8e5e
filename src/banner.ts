import { SANDBOX_PARTNER_DEFAULTS } from './config.ts';

/**
 * The sandbox partner's lines of the start-up banner. The username is always printed; the password
 * and the shared secret only when they are the built-in defaults (SANDBOX_PARTNER_DEFAULTS, public
 * anyway). Credentials an operator set through the environment are named by their variable, never
 * printed: the banner ends up in logs, which are read by more people than the operator.
 */
export function sandboxPartnerBanner(partner: { readonly username: string; readonly password: string; readonly sharedSecret: string }): string[] {
  const shown = (value: string, builtIn: string, variable: string) => (value === builtIn ? value : `(set by ${variable}; not printed)`);
  return [
    'sandbox partner credentials:',
    `  username       ${partner.username}`,
    `  password       ${shown(partner.password, SANDBOX_PARTNER_DEFAULTS.password, 'POCKETBOOK_PARTNER_PASSWORD')}`,
    `  shared secret  ${shown(partner.sharedSecret, SANDBOX_PARTNER_DEFAULTS.sharedSecret, 'POCKETBOOK_PARTNER_SHARED_SECRET')}`,
  ];
}
