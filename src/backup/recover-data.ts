import {settleAppNetwork} from '../lifecycle/app-network.js'
import {listContainers, containerName, removeContainer} from '../docker/docker.js'
import {DiscodeError} from '../errors.js'
import {LABELS} from '../names/names.js'
import type {Operation} from '../lifecycle/operation.js'
import {pullRelease} from '../lifecycle/pull.js'
import {registryCredentials} from '../recipes/installed.js'
import type {AppRecord, SecretsRecord} from '../state/store.js'
import {restoreVolumes} from './apply-snapshot.js'
import {readPartText} from './parts.js'
import type {StoredSnapshot} from './snapshot-store.js'
import {installedRecipe} from './take-snapshot.js'

/**
 * Disaster recovery, first half (with the app's lock held): the snapshot's record (without releases:
 * nothing of them is on this host) and secrets are written, the release image pulled, every volume
 * created and filled, the accessories started on their data and fed their dumps. The app itself is
 * then installed by `install` (see restore.ts), and starts on complete data.
 */
export async function recoverData(op: Operation, snapshot: StoredSnapshot, identity?: string): Promise<AppRecord> {
  const {engine, app} = op
  const part = (kind: 'record' | 'secrets') => snapshot.manifest.parts.find((p) => p.kind === kind)
  const recordPart = part('record')
  const secretsPart = part('secrets')
  if (!recordPart || !secretsPart) {
    throw new DiscodeError(`Snapshot ${snapshot.id} holds no app record, so it cannot install ${app}`, {code: 'SNAPSHOT_CORRUPT'})
  }
  const saved = JSON.parse(await readPartText(snapshot.dir, recordPart, identity)) as AppRecord
  const secrets = JSON.parse(await readPartText(snapshot.dir, secretsPart, identity)) as SecretsRecord
  const record: AppRecord = {...saved, app, current: undefined, previous: [], dataSnapshots: []}
  await engine.store.write(record)
  await engine.store.writeSecrets(app, secrets)
  const {release, image} = snapshot.manifest.versions
  if (!release || !image) {
    throw new DiscodeError(`Snapshot ${snapshot.id} names no release of ${app}`, {
      hint: `Install the app ("discode install ${app}"), then restore the snapshot onto it`,
      code: 'SNAPSHOT_NO_RELEASE',
    })
  }
  const recipe = await installedRecipe(engine, record, {version: release, image})
  const imageId = await pullRelease(op, image, {credentials: registryCredentials(recipe, secrets), recipeImage: recipe.image})
  await settleAppNetwork(op)
  // Leftovers of an earlier attempt hold the volumes: release containers and hook runs go.
  for (const container of await listContainers(engine.docker, [`${LABELS.app}=${app}`, LABELS.release])) {
    await removeContainer(engine.docker, containerName(container))
  }
  await restoreVolumes(op, recipe, snapshot, {image: imageId, identity, record, secrets})
  return record
}
