// "Try it out" on /docs, the way Jiko's clients call the Partner API. Served as is to the browser
// (Swagger UI's theme script, after try-it-config.js); Swagger UI calls `intercept` before sending
// each request and awaits it.
//
// The page asks once for the partner's username, password and shared secret (prefilled in sandbox
// mode, but for credentials set through the environment), logs in with POST /api/v1/login/, and then, for each request to this server:
// - every operation that needs the bearer token gets `Authorization: Bearer <token>` (logging in
//   again when the token is about to expire);
// - every operation that the document says is signed gets a fresh `x-jiko-idempotency` (a UUID)
//   and `x-jiko-signature` = base64(HMAC-SHA256(shared secret, key + pathname + body)), over the
//   pathname and the body bytes exactly as they are sent (Web Crypto; the secret stays in the page).
// Nothing is sent to any other origin.
(function tryIt() {
  'use strict';

  const config = window.pocketbookTryItConfig || { loginPath: '/api/v1/login/', specUrl: '/openapi.json', prefill: null };
  /** Logging in again this long before the token expires, in milliseconds. */
  const RENEW_BEFORE_MS = 30_000;
  const encoder = new TextEncoder();

  const session = { token: null, expiresMs: 0, username: null, key: null };
  let form = null;
  let operations = null;

  // ---- the credentials form ------------------------------------------------------------------

  function field(label, name, type, autocomplete) {
    const wrapper = document.createElement('label');
    wrapper.textContent = label;
    const input = document.createElement('input');
    input.name = name;
    input.type = type;
    input.autocomplete = autocomplete;
    input.spellcheck = false;
    wrapper.append(input);
    return wrapper;
  }

  function setStatus(text, kind) {
    const status = document.getElementById('pocketbook-try-it-status');
    if (!status) return;
    status.textContent = text;
    status.dataset.kind = kind;
  }

  function buildPanel() {
    const panel = document.createElement('section');
    panel.id = 'pocketbook-try-it';
    panel.setAttribute('aria-label', 'Partner credentials for Try it out');
    form = document.createElement('form');
    const title = document.createElement('strong');
    title.textContent = 'Try it out as a partner';
    const login = document.createElement('button');
    login.type = 'submit';
    login.textContent = 'Log in';
    const logout = document.createElement('button');
    logout.type = 'button';
    logout.name = 'logout';
    logout.textContent = 'Log out';
    const status = document.createElement('span');
    status.id = 'pocketbook-try-it-status';
    status.setAttribute('role', 'status');
    form.append(
      title,
      field('Username', 'username', 'text', 'username'),
      field('Password', 'password', 'password', 'current-password'),
      field('Shared secret', 'sharedSecret', 'password', 'off'),
      login,
      logout,
      status,
    );
    const hint = document.createElement('p');
    hint.textContent =
      'Each "Try it out" request is sent with the bearer token from POST /api/v1/login/ and, on the Partner API, a fresh ' +
      'x-jiko-idempotency key and the x-jiko-signature computed in this browser. The shared secret never leaves the page.';
    panel.append(form, hint);
    const ui = document.getElementById('swagger-ui');
    ui.parentNode.insertBefore(panel, ui);

    if (config.prefill) {
      form.elements.username.value = config.prefill.username;
      form.elements.password.value = config.prefill.password || '';
      form.elements.sharedSecret.value = config.prefill.sharedSecret || '';
      const complete = config.prefill.password && config.prefill.sharedSecret;
      setStatus(complete ? 'Sandbox partner prefilled: log in, or just try an operation' : 'Sandbox partner: enter the password and shared secret set for it', 'idle');
    } else {
      setStatus('Not logged in', 'idle');
    }
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      logIn().catch(() => undefined);
    });
    logout.addEventListener('click', logOut);
  }

  // ---- login -----------------------------------------------------------------------------------

  function logOut() {
    session.token = null;
    session.expiresMs = 0;
    session.username = null;
    session.key = null;
    setStatus('Logged out', 'idle');
  }

  /** Logs in with the form's credentials. Throws (and says why on the page) when it cannot. */
  async function logIn() {
    try {
      const username = form.elements.username.value;
      const password = form.elements.password.value;
      const sharedSecret = form.elements.sharedSecret.value;
      if (!username || !password || !sharedSecret) throw new Error('Enter the username, password and shared secret first');
      if (!window.isSecureContext || !window.crypto || !window.crypto.subtle) {
        throw new Error('Signing needs Web Crypto, which browsers give only to https pages and to localhost');
      }
      setStatus('Logging in...', 'busy');
      const response = await fetch(new URL(config.loginPath, window.location.origin), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        const detail = typeof body.detail === 'string' ? body.detail : JSON.stringify(body.detail);
        throw new Error(`Login refused (${response.status}): ${detail}`);
      }
      session.key = await crypto.subtle.importKey('raw', encoder.encode(sharedSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      session.token = body.token;
      session.expiresMs = Date.parse(body.expires);
      session.username = username;
      setStatus(`Logged in as ${username} until ${new Date(session.expiresMs).toLocaleTimeString()}`, 'ok');
    } catch (error) {
      setStatus(error.message, 'error');
      throw error;
    }
  }

  async function ensureSession() {
    if (session.token && Date.now() < session.expiresMs - RENEW_BEFORE_MS) return;
    await logIn();
  }

  // ---- which operations are guarded, from the OpenAPI document ---------------------------------

  /** `/api/v2/pockets/{pocket_id}/` -> /^\/api\/v2\/pockets\/[^/]+\/?$/ (the router ignores a trailing slash). */
  function pathPattern(template) {
    const literal = (part) => part.replace(/[.*+?^$()|[\]\\/]/g, '\\$&');
    const source = template.replace(/\/+$/, '').split(/\{[^}]+\}/).map(literal).join('[^/]+');
    return new RegExp(`^${source}/?$`);
  }

  function parameterNames(document, operation) {
    return (operation.parameters || []).map((parameter) => {
      if (!parameter.$ref) return parameter.name;
      const name = parameter.$ref.split('/').pop();
      return document.components && document.components.parameters && document.components.parameters[name] ? document.components.parameters[name].name : undefined;
    });
  }

  /** [{method, pattern, door}], door `signed`, `bearer` or `public`, from the document Swagger UI shows. */
  function loadOperations() {
    if (!operations) {
      operations = fetch(new URL(config.specUrl, window.location.origin))
        .then((response) => response.json())
        .then((document) =>
          Object.entries(document.paths || {}).flatMap(([path, item]) =>
            Object.entries(item).map(([method, operation]) => {
              const signed = parameterNames(document, operation).includes('x-jiko-signature');
              const bearer = (operation.security || []).some((requirement) => 'HTTPBearer' in requirement);
              return { method: method.toUpperCase(), pattern: pathPattern(path), door: signed ? 'signed' : bearer ? 'bearer' : 'public' };
            }),
          ),
        );
      operations.catch(() => {
        operations = null;
      });
    }
    return operations;
  }

  async function doorOf(method, pathname) {
    const found = (await loadOperations()).find((operation) => operation.method === method && operation.pattern.test(pathname));
    return found ? found.door : 'public';
  }

  // ---- signing -----------------------------------------------------------------------------------

  function setHeader(headers, name, value) {
    for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
    headers[name] = value;
  }

  function hasHeader(headers, name) {
    return Object.keys(headers).some((existing) => existing.toLowerCase() === name.toLowerCase());
  }

  function base64(bytes) {
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary);
  }

  /** The body exactly as fetch will send it; an object is serialized here, once, so that both agree. */
  function bodyText(request) {
    if (request.body === undefined || request.body === null) return '';
    if (typeof request.body === 'string') return request.body;
    if (request.body instanceof FormData || request.body instanceof Blob || request.body instanceof URLSearchParams) {
      throw new Error('only JSON bodies can be signed');
    }
    request.body = JSON.stringify(request.body);
    return request.body;
  }

  async function signature(message) {
    const mac = await crypto.subtle.sign('HMAC', session.key, encoder.encode(message));
    return base64(new Uint8Array(mac));
  }

  /** Swagger UI's requestInterceptor: the request with its token, key and signature. */
  async function intercept(request) {
    if (request.loadSpec) return request;
    const url = new URL(request.url, window.location.href);
    if (url.origin !== window.location.origin) return request;
    const door = await doorOf(String(request.method || 'GET').toUpperCase(), url.pathname);
    if (door === 'public') return request;
    request.headers = request.headers || {};
    try {
      await ensureSession();
    } catch {
      // Sent as it is: the server's 401 shows on the page, the reason in the form's status line.
      return request;
    }
    setHeader(request.headers, 'Authorization', `Bearer ${session.token}`);
    if (door === 'bearer') {
      if (hasHeader(request.headers, 'x-jiko-idempotency')) setHeader(request.headers, 'x-jiko-idempotency', crypto.randomUUID());
      return request;
    }
    const key = crypto.randomUUID();
    setHeader(request.headers, 'x-jiko-idempotency', key);
    setHeader(request.headers, 'x-jiko-signature', await signature(key + url.pathname + bodyText(request)));
    return request;
  }

  window.pocketbookTryIt = { intercept, logIn, logOut };
  if (document.getElementById('swagger-ui')) buildPanel();
  else document.addEventListener('DOMContentLoaded', buildPanel);
})();
