import type { Config } from './config.ts';
import type { Db } from './platform/db/index.ts';
import type { WallClock } from './platform/clock.ts';

/** What the composition root hands to every module factory. */
export interface AppDeps {
  readonly config: Config;
  readonly db: Db;
  readonly wallClock: WallClock;
}
