import { readFileSync } from 'node:fs';
import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui';
import { type Config, SANDBOX_PARTNER_DEFAULTS } from '../../config.ts';

/** Where the interactive reference lives; its OpenAPI document is `${DOCS_PREFIX}/json`. */
export const DOCS_PREFIX = '/docs';

/** The login operation the page calls with the credentials it asks for. */
const LOGIN_PATH = '/api/v1/login/';

/** What the page's script is told by the server (window.pocketbookTryItConfig). */
export interface TryItConfig {
  readonly loginPath: string;
  /** The document whose operations say which requests to sign. */
  readonly specUrl: string;
  /** Sandbox mode only: the configured sandbox partner, to prefill the form (see `tryItConfig`). */
  readonly prefill: { readonly username: string; readonly password: string | null; readonly sharedSecret: string | null } | null;
}

/**
 * The page's settings. In sandbox mode the form is prefilled with the sandbox partner: its
 * username, and its password and shared secret when they are the public built-in ones
 * (SANDBOX_PARTNER_DEFAULTS); credentials an operator set through the environment are served to no
 * one (the page is public), as the start-up banner never prints them. Nothing in production.
 */
export function tryItConfig(config: Config): TryItConfig {
  const partner = config.sandboxPartner;
  const builtIn = (value: string, defaultValue: string) => (value === defaultValue ? value : null);
  return {
    loginPath: LOGIN_PATH,
    specUrl: `${DOCS_PREFIX}/json`,
    prefill:
      config.mode === 'sandbox'
        ? {
            username: partner.username,
            password: builtIn(partner.password, SANDBOX_PARTNER_DEFAULTS.password),
            sharedSecret: builtIn(partner.sharedSecret, SANDBOX_PARTNER_DEFAULTS.sharedSecret),
          }
        : null,
  };
}

function asset(name: string): string {
  return readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
}

/**
 * A function for the browser, written as source: Swagger UI's options are serialized into its
 * initializer script, functions by their source text, so this one only calls into try-it.js.
 */
function browserFunction(parameter: string, body: string): (value: unknown) => unknown {
  // Never called on the server: only its source text is used.
  return new Function(parameter, body) as (value: unknown) => unknown;
}

/**
 * Options of @fastify/swagger-ui for /docs: Swagger UI from node_modules (no CDN), plus try-it.js,
 * which asks once for the partner's credentials, logs in, and signs every "Try it out" request in
 * the browser (Swagger UI awaits an async `requestInterceptor`). `transformSpecification` names the
 * server in the page's copy of the document (see `withServer`).
 */
export function tryItUi(config: Config, transformSpecification: NonNullable<FastifySwaggerUiOptions['transformSpecification']>): FastifySwaggerUiOptions {
  return {
    routePrefix: DOCS_PREFIX,
    uiConfig: {
      requestInterceptor: browserFunction('request', 'return window.pocketbookTryIt.intercept(request);') as never,
      displayRequestDuration: true,
      docExpansion: 'list',
      filter: true,
      persistAuthorization: false,
      defaultModelsExpandDepth: 0,
    },
    theme: {
      title: 'pocketbook API reference',
      js: [
        { filename: 'try-it-config.js', content: `window.pocketbookTryItConfig = ${JSON.stringify(tryItConfig(config))};\n` },
        { filename: 'try-it.js', content: asset('try-it.js') },
      ],
      css: [{ filename: 'try-it.css', content: asset('try-it.css') }],
    },
    transformSpecification,
    transformSpecificationClone: false,
  };
}
