/**
 * The real stack's images (test/fixtures/postgres/build.sh): Debian's PostgreSQL 15 from a debootstrap
 * root filesystem, and `pgapp` 1.0.0 / 1.1.0 (tags `<version>-worker`), a small web app on it that reads and writes the database
 * through psql (GET /cgi-bin/visit writes a row, /cgi-bin/schema reads the columns and the migrations
 * run; `/app/migrate` is its migration). Built once per machine and cached by content; pushed to the
 * local test registry.
 */
import {execFile} from 'node:child_process'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {REGISTRY} from './images.js'

export const PGAPP_REPOSITORY = `${REGISTRY}/discode-test/pgapp`
const BUILD = join(resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/postgres'), 'build.sh')

let built: Promise<string> | undefined

/** Builds (or finds) the images; resolves to the PostgreSQL image's reference. */
export function buildPostgresImages(): Promise<string> {
  built ??= new Promise((ok, fail) =>
    execFile('bash', [BUILD, REGISTRY], {timeout: 20 * 60_000, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) =>
      error ? fail(new Error(`${BUILD} failed: ${stderr}`, {cause: error})) : ok(stdout.trim().split('\n').pop()!),
    ),
  )
  return built
}

export function pgappFeed(versions: string[]) {
  return {releases: versions.map((version) => ({version, image: `${PGAPP_REPOSITORY}:${version}-worker`, channel: 'stable'}))}
}
