import type { AppDeps } from '../../deps.ts';

export function createAuthService(_deps: AppDeps) {
  return {};
}
