import type { AppDeps } from '../../deps.ts';

export function createOnboardingService(_deps: AppDeps) {
  return {};
}
