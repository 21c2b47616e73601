import {type DockerClient, ensureVolume, inspectContainer, removeContainer, removeVolume, volumeLabels} from '../docker/docker.js'
import {LABELS} from '../names/names.js'
import type {Operation} from './operation.js'
import {adoptsUnlabelled, derivedNames, type NamedParts, ownershipProblem} from './ownership.js'

/**
 * Carries out ownership.ts: before discode mounts, replaces or removes a volume or container under a
 * derived name, the `discode.app` label on it must be the app's (see ownershipProblem).
 */

export interface Claim {
  docker: DockerClient
  app: string
  /** Whether unlabelled objects under the app's names are adopted (adoptsUnlabelled). */
  adopt: boolean
}

/** The claim of an app as its record stands. */
export function claimFor(docker: DockerClient, app: string, record: {current?: unknown} | undefined): Claim {
  return {docker, app, adopt: adoptsUnlabelled(record)}
}

/**
 * The claim of an operation's app: as its record stood when the lock was taken (op.record, which
 * runOperation reads under the lock). Nothing else writes the record while the lock is held, so
 * reading it again tells nothing new, and what the operation itself writes must not widen the claim:
 * an install whose go-live wrote a serving release is still a first install, which never adopts
 * (adoptsUnlabelled). An operation that gathered no record (unjournaled: no `record` key) reads it.
 */
export async function operationClaim(op: Operation): Promise<Claim> {
  return claimFor(op.engine.docker, op.app, 'record' in op ? op.record : await op.engine.store.read(op.app))
}

export async function assertVolumeOwned(claim: Claim, name: string): Promise<void> {
  const labels = await volumeLabels(claim.docker, name)
  const problem = ownershipProblem('volume', name, labels && {labels}, claim.app, claim.adopt)
  if (problem) throw problem
}

export async function assertContainerOwned(claim: Claim, name: string): Promise<void> {
  const info = await inspectContainer(claim.docker, name)
  const problem = ownershipProblem('container', name, info && {labels: info.Config?.Labels}, claim.app, claim.adopt)
  if (problem) throw problem
}

/** The app's volume, created with its labels (`discode.app` first), or an existing one it owns. */
export async function claimVolume(claim: Claim, name: string, labels: Record<string, string> = {}): Promise<void> {
  await assertVolumeOwned(claim, name)
  await ensureVolume(claim.docker, name, {...labels, [LABELS.app]: claim.app})
}

/** Removes the app's container of that name, if any; another app's is refused, never removed. */
export async function removeOwnedContainer(claim: Claim, name: string): Promise<void> {
  await assertContainerOwned(claim, name)
  await removeContainer(claim.docker, name)
}

export async function removeOwnedVolume(claim: Claim, name: string): Promise<void> {
  await assertVolumeOwned(claim, name)
  await removeVolume(claim.docker, name)
}

/** Checks every name the recipe derives before anything is pulled, created or removed. */
export async function assertNamesOwned(claim: Claim, recipe: NamedParts): Promise<void> {
  const {volumes, containers} = derivedNames(claim.app, recipe)
  for (const name of volumes) await assertVolumeOwned(claim, name)
  for (const name of containers) await assertContainerOwned(claim, name)
}
