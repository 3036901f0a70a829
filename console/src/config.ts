import { type ConsoleConfig, ConsoleConfigSchema } from '../../schemas/console/console-config';

/** The deployment's settings, served beside index.html; the app reads no other configuration. */
export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('./config.json', { cache: 'no-cache' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return ConsoleConfigSchema.parse(await response.json());
}
