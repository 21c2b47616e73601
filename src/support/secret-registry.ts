/**
 * Every value discode knows to be secret, for redaction. The apps' secrets files (generated secrets,
 * secret inputs, registry passwords) always count; other modules register what they keep besides
 * (e.g. notification webhook URLs with tokens) with registerSecretSource.
 */
import type {Engine} from '../lifecycle/context.js'

/** Returns the secret values it knows of for one app (or for the host, when called per app anyway). */
export type SecretSource = (engine: Engine, app: string) => Promise<string[]> | string[]

const sources = new Map<string, SecretSource>()

export function registerSecretSource(name: string, source: SecretSource): void {
  sources.set(name, source)
}

export async function knownSecrets(engine: Engine, apps: string[]): Promise<string[]> {
  const found = new Set<string>()
  const env = process.env.DISCODE_REGISTRY_PASSWORD
  if (env) found.add(env)
  for (const app of apps) {
    const secrets = await engine.store.readSecrets(app)
    for (const value of [...Object.values(secrets.generated), ...Object.values(secrets.inputs)]) found.add(value)
    if (secrets.registry) found.add(secrets.registry.password)
    for (const source of sources.values()) for (const value of await source(engine, app)) found.add(value)
  }
  return [...found].filter((value) => typeof value === 'string' && value.length > 0)
}
