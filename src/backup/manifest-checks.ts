import {DiscodeError} from '../errors.js'
import {accessoryContainerName, accessoryVolumeName} from '../lifecycle/accessories/spec.js'
import {type Manifest, type ManifestPart, partFile} from './manifest.js'

/**
 * What a snapshot may ask of a restore, checked against this host's recipe and record before anything
 * is touched (pure). A snapshot directory is written by whoever can write the backup location (a
 * NAS, a USB disk), so even an authenticated manifest is held to the app's own recipe: only the
 * volumes and accessories it declares, every file inside the snapshot, the image from its repository.
 */

export interface RecipeShape {
  image: string
  volumes: {name: string}[]
  accessories: Record<string, {volumes: {name: string}[]}>
}

/** A part's file: relative, below the snapshot directory, and named as discode names it. */
export function partFileProblem(part: ManifestPart, encrypted: boolean): string | undefined {
  const file = part.file
  if (file.startsWith('/') || file.includes('\\') || file.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    return `${JSON.stringify(file)} is not a path inside the snapshot`
  }
  if (/[/\\]|^\.\.?$/.test(part.volume ?? '') || /[/\\]|^\.\.?$/.test(part.accessory ?? ''))
    return `${file} names a bad volume or accessory`
  if (file !== partFile(part, encrypted)) return `${file} is not where discode puts a ${part.kind} part`
  return undefined
}

/** The image repository of a reference: without its tag or digest. */
export function repositoryOf(ref: string): string {
  const name = ref.split('@')[0]
  const colon = name.lastIndexOf(':')
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name
}

function refused(id: string, why: string, hint: string, code = 'SNAPSHOT_REFUSED'): DiscodeError {
  return new DiscodeError(`Snapshot ${id} is refused: ${why}; nothing was changed`, {hint, code})
}

const OTHER = 'Use a snapshot this host took of the app ("discode backup list --verify"), or copy it again from where it was taken'

/**
 * The manifest against the app: its name, encryption (an app whose snapshots were encrypted never
 * restores a plain one), files, volumes and accessories the recipe declares, and (for a disaster
 * recovery, which pulls the release) the image in the recipe's repository.
 */
export function manifestProblem(
  manifest: Manifest,
  context: {app: string; recipe: RecipeShape; encrypts: boolean; recover: boolean},
): DiscodeError | undefined {
  const {id} = manifest
  const {app, recipe} = context
  if (manifest.app !== app) return refused(id, `it is a snapshot of ${manifest.app}, not of ${app}`, OTHER, 'SNAPSHOT_OTHER_APP')
  if (context.encrypts && !manifest.encrypted) {
    return refused(
      id,
      `${app} encrypts its snapshots and this one is not encrypted`,
      'Restore one of its encrypted snapshots (with its passphrase)',
      'SNAPSHOT_NOT_ENCRYPTED',
    )
  }
  for (const part of manifest.parts) {
    const problem = partFileProblem(part, manifest.encrypted) ?? undeclared(part, recipe)
    if (problem) return refused(id, problem, OTHER)
  }
  for (const kind of ['record', 'secrets'] as const) {
    if (manifest.parts.filter((p) => p.kind === kind).length > 1) return refused(id, `it has more than one ${kind} part`, OTHER)
  }
  const image = manifest.versions.image
  if (context.recover && image && repositoryOf(image) !== repositoryOf(recipe.image)) {
    return refused(
      id,
      `its release image ${image} is not from the recipe's repository ${repositoryOf(recipe.image)}`,
      "A disaster recovery pulls only from the recipe's registry; use a snapshot of this app",
    )
  }
  return undefined
}

function undeclared(part: ManifestPart, recipe: RecipeShape): string | undefined {
  if (part.kind === 'volume' && !recipe.volumes.some((v) => v.name === part.volume)) {
    return `it restores a volume ${part.volume} the recipe does not declare`
  }
  if (part.kind !== 'accessory-volume' && part.kind !== 'accessory-dump') return undefined
  const accessory = recipe.accessories[part.accessory ?? '']
  if (!accessory) return `it restores an accessory ${part.accessory} the recipe does not declare`
  if (part.kind === 'accessory-volume' && !accessory.volumes.some((v) => v.name === part.volume)) {
    return `it restores a volume ${part.volume} the accessory ${part.accessory} does not declare`
  }
  return undefined
}

/** The Docker volumes and containers a restore of this (checked) manifest removes and recreates. */
export function restoreTargets(app: string, manifest: Pick<Manifest, 'parts'>): {volumes: string[]; containers: string[]} {
  const volumes: string[] = []
  const containers = new Set<string>()
  for (const part of manifest.parts) {
    if (part.kind === 'volume') volumes.push(`${app}-${part.volume}`)
    if (part.kind === 'accessory-volume') volumes.push(accessoryVolumeName(app, part.accessory!, part.volume!))
    if (part.kind === 'accessory-volume' || part.kind === 'accessory-dump') containers.add(accessoryContainerName(app, part.accessory!))
  }
  return {volumes, containers: [...containers]}
}
