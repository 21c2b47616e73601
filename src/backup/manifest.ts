import {randomBytes} from 'node:crypto'

import {z} from 'zod'

/**
 * A snapshot's manifest (`manifest.json`, written last): what each part is, its size and sha256, and
 * the versions of everything in it. A snapshot directory without a valid manifest is not a snapshot.
 */

export const MANIFEST_FILE = 'manifest.json'
export const MANIFEST_FORMAT = 1

const PartSchema = z.strictObject({
  /** record: app.json; secrets: secrets.json; volume: an app volume; accessory-volume; accessory-dump. */
  kind: z.enum(['record', 'secrets', 'volume', 'accessory-volume', 'accessory-dump']),
  /** Relative to the snapshot directory. */
  file: z.string().regex(/^[a-z0-9][a-z0-9_./-]*$/i),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The volume's name in the recipe (volume, accessory-volume). */
  volume: z.string().optional(),
  accessory: z.string().optional(),
  /** Where the volume is mounted (for people reading the manifest). */
  path: z.string().optional(),
})

export const TRIGGERS = ['manual', 'pre-update', 'pre-purge', 'pre-accessories'] as const

export const ManifestSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  id: z.string(),
  app: z.string(),
  createdAt: z.string(),
  trigger: z.enum(TRIGGERS),
  consistency: z.enum(['live', 'pause']),
  /** Milliseconds requests were held through the proxy while the copy ran (pause), else 0. */
  heldMs: z.number().int().nonnegative(),
  containsSecrets: z.boolean(),
  /** age passphrase encryption: every part is encrypted; `key.age` holds the per-snapshot key. */
  encrypted: z.boolean(),
  versions: z.strictObject({
    discode: z.string(),
    release: z.string().optional(),
    image: z.string().optional(),
    imageId: z.string().optional(),
    accessories: z.record(z.string(), z.string()),
  }),
  recipe: z.strictObject({ref: z.string(), source: z.string()}),
  parts: z.array(PartSchema),
})

export type Manifest = z.output<typeof ManifestSchema>
export type ManifestPart = Manifest['parts'][number]
export type Trigger = Manifest['trigger']

/** Sortable by time, unique enough for one host: `20261201-202501-manual-3fa2`. */
export function snapshotId(now: Date, trigger: Trigger, random: string = randomBytes(2).toString('hex')): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  return `${stamp}-${trigger}-${random}`
}

/** A snapshot id or a path; ids are what snapshotId makes (also guards against `..` in a name). */
export function isSnapshotId(value: string): boolean {
  return /^\d{8}-\d{6}-[a-z-]+-[0-9a-f]{4}$/.test(value)
}

/** Parses a manifest; undefined when it is not one (cut short, edited, another format). */
export function parseManifest(text: string): Manifest | undefined {
  try {
    const result = ManifestSchema.safeParse(JSON.parse(text))
    return result.success ? result.data : undefined
  } catch {
    return undefined
  }
}

/** The file of a part, named so a person can tell what it holds. */
export function partFile(part: Pick<ManifestPart, 'kind' | 'volume' | 'accessory'>, encrypted: boolean): string {
  const suffix = encrypted ? '.age' : ''
  switch (part.kind) {
    case 'record':
      return `app.json${suffix}`
    case 'secrets':
      return `secrets.json${suffix}`
    case 'volume':
      return `volumes/${part.volume}.tar${suffix}`
    case 'accessory-volume':
      return `accessories/${part.accessory}/${part.volume}.tar${suffix}`
    case 'accessory-dump':
      return `accessories/${part.accessory}/dump${suffix}`
  }
}
