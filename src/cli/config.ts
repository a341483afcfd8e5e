import { type Config, ConfigError, loadConfig } from '../config.ts';

/**
 * The configuration for a CLI command, or undefined after printing why the environment is wrong
 * (the command then exits with status 2).
 */
export function loadCliConfig(): Config | undefined {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      return undefined;
    }
    throw error;
  }
}
