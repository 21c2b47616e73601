/**
 * The recipe's `requirements:` key: what the host must offer (memory, disk, CPUs, architecture, a
 * minimum Docker Engine). Plain values, never templates: preflight checks them before any input is
 * asked for. Sizes are written like Docker's own (`512MB`, `2GB`, `1.5GiB`); GB means 1024³ bytes.
 */
import semver from 'semver'
import {z} from 'zod'

import {describeValue} from './issues.js'

const UNITS: Record<string, number> = {b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4}

/** Bytes in a size such as `2GB`, `512M`, `1.5GiB` or `1024` (bytes); undefined when it is not one. */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([bkmgt])?(?:i?b)?\s*$/i.exec(text)
  if (!match) return undefined
  const bytes = Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]
  return bytes > 0 ? Math.round(bytes) : undefined
}

/** A size for people: `1.5 GB`, `512 MB` (1024-based, like parseSize). */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['TB', UNITS.t],
    ['GB', UNITS.g],
    ['MB', UNITS.m],
    ['KB', UNITS.k],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`
  }
  return `${bytes} B`
}

const size = z.string().refine((value) => parseSize(value) !== undefined, {
  error: (issue) => `${describeValue(issue.input)} is not a size (e.g. 512MB, 2GB)`,
})

export const ARCHITECTURES = ['amd64', 'arm64', 'arm', '386', 'ppc64le', 's390x', 'riscv64'] as const

export const RequirementsSchema = z.strictObject({
  memory: size.optional(),
  /** Free space where Docker keeps its data (images, containers, volumes). */
  disk: size.optional(),
  cpus: z.number().positive().optional(),
  /** Architectures the vendor's images are built for. */
  arch: z.array(z.enum(ARCHITECTURES)).min(1).optional(),
  /** A semver range on the Docker Engine's version, e.g. `>=20.10`. */
  docker: z
    .string()
    .refine((value) => semver.validRange(value) !== null, {
      error: (issue) => `${describeValue(issue.input)} is not a version range (e.g. ">=20.10")`,
    })
    .optional(),
})

export type Requirements = z.output<typeof RequirementsSchema>
