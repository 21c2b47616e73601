import {DiscodeError} from '../errors.js'
import type {Engine} from '../lifecycle/context.js'
import {loadInstalledRecipe} from '../recipes/installed.js'
import type {RawRecipe} from '../recipes/schema.js'
import type {AppRecord} from '../state/store.js'
import {authenticateSnapshot} from './manifest-auth.js'
import {manifestProblem} from './manifest-checks.js'
import {readPartText} from './parts.js'
import type {StoredSnapshot} from './snapshot-store.js'

/**
 * Everything a restore checks after the checksums (verifySnapshot) and before anything is touched:
 * the manifest's MAC (manifest-auth.ts), then the manifest against the app's record and recipe
 * (manifest-checks.ts). For a disaster recovery the recipe is the one the snapshot's own
 * (authenticated) record names, found among this host's recipes.
 */
export async function checkSnapshot(
  engine: Engine,
  app: string,
  snapshot: StoredSnapshot,
  options: {
    identity?: string
    trustUnauthenticated?: boolean
    /** The app's record (and its recipe) as the caller read them: not read again. */
    known?: {record: AppRecord | undefined; raw?: RawRecipe}
  },
): Promise<void> {
  authenticateSnapshot(engine.settings.home, snapshot, options)
  const record = options.known ? options.known.record : await engine.store.read(app)
  const recover = !record?.current
  const source = recover ? await snapshotRecord(app, snapshot, options.identity) : record
  const raw = (!recover && options.known?.raw) || loadInstalledRecipe(engine.recipeRoots, source).raw
  const problem = manifestProblem(snapshot.manifest, {app, recipe: raw, encrypts: Boolean(record?.backup?.encrypted), recover})
  if (problem) throw problem
}

async function snapshotRecord(app: string, snapshot: StoredSnapshot, identity?: string): Promise<AppRecord> {
  const part = snapshot.manifest.parts.find((p) => p.kind === 'record')
  if (!part) {
    throw new DiscodeError(`Snapshot ${snapshot.id} holds no app record, so it cannot install ${app}`, {
      hint: `Install the app ("discode install ${app}"), then restore the snapshot onto it`,
      code: 'SNAPSHOT_CORRUPT',
    })
  }
  return {...(JSON.parse(await readPartText(snapshot.dir, part, identity)) as AppRecord), app}
}
