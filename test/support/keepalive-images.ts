/**
 * The keep-alive test app images (the benchmark's app), built locally FROM scratch (no Docker Hub) and
 * pushed to the local test registry that scripts/services.sh starts. Sources: test/fixtures/keepalive-app/
 * (Dockerfile, app-start, www/, and server.c, compiled here with the host's gcc).
 *
 *   <registry>/discode-test/keepalive-app:1.0.0|1.1.0|1.2.0  GET / -> "version=<v>\n", GET /up -> 200,
 *       /www/data/ is a mount point served at /data/ (files are read at request time), 404 otherwise
 *
 * Like discode-test/app (images.ts) in every other way: the host's static busybox in /bin (hooks run
 * `/bin/sh -c ...`; a command given to the container runs instead of the server), EXPOSE 80, label
 * discode.test=1, and a graceful, prompt stop on SIGTERM (requests in flight finish, exit 0). The
 * difference: the server keeps HTTP/1.1 connections alive (pipelining too) and never closes an idle one
 * while running, so a proxy reuses its upstream connections; it listens with a backlog of 1024.
 */
import {execFile} from 'node:child_process'
import {copyFile, cp} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {buildAndPushFixtureImages, REGISTRY} from './images.js'

export const KEEPALIVE_REPOSITORY = `${REGISTRY}/discode-test/keepalive-app`

export type KeepaliveTag = '1.0.0' | '1.1.0' | '1.2.0'
export const KEEPALIVE_TAGS: readonly KeepaliveTag[] = ['1.0.0', '1.1.0', '1.2.0']

export interface KeepaliveImages {
  repository: string
  /** Full references, e.g. `127.0.0.1:5000/discode-test/keepalive-app:1.0.0`. */
  tags: Record<KeepaliveTag, string>
}

/** The body `GET /` answers for each tag. */
export const KEEPALIVE_BODIES: Record<KeepaliveTag, string> = {
  '1.0.0': 'version=1.0.0\n',
  '1.1.0': 'version=1.1.0\n',
  '1.2.0': 'version=1.2.0\n',
}

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/keepalive-app')
const GCC_HINT = 'apt-get install gcc libc6-dev'

/**
 * Compiles server.c into `output`: static (the image has no libc), stripped and compiled from the fixture
 * folder with a relative source name, so the binary depends only on the source and the toolchain (no
 * paths, no timestamps) and an unchanged source hits the docker build cache.
 */
function compileServer(output: string): Promise<void> {
  const args = ['-std=c11', '-O2', '-Wall', '-Wextra', '-static', '-s', '-pthread', '-o', output, 'server.c']
  return new Promise((resolvePromise, reject) => {
    execFile('gcc', args, {cwd: FIXTURES, timeout: 120_000}, (error, _stdout, stderr) => {
      if (!error) {
        resolvePromise()
        return
      }
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(
          new Error(
            `gcc not found: it compiles the keep-alive test app (test/fixtures/keepalive-app/server.c). Install it with: ${GCC_HINT}`,
            {cause: error},
          ),
        )
        return
      }
      reject(
        new Error(
          `could not compile test/fixtures/keepalive-app/server.c (static linking needs libc6-dev: ${GCC_HINT}):\n${String(stderr).trim()}`,
          {cause: error},
        ),
      )
    })
  })
}

let inflight: Promise<KeepaliveImages> | undefined

/**
 * Builds the keep-alive app images (the docker build cache makes a rebuild take about a second each)
 * and pushes every tag to the registry. Idempotent; concurrent callers in one process share one run.
 * Requires the registry to be up (`bash scripts/services.sh`) and gcc with libc6-dev on the host.
 */
export function buildAndPushKeepaliveImages(): Promise<KeepaliveImages> {
  inflight ??= doBuildAndPush().finally(() => {
    inflight = undefined
  })
  return inflight
}

async function doBuildAndPush(): Promise<KeepaliveImages> {
  const tags = Object.fromEntries(KEEPALIVE_TAGS.map((tag) => [tag, `${KEEPALIVE_REPOSITORY}:${tag}`])) as Record<KeepaliveTag, string>
  // Only what the Dockerfile uses (not the test or the C source); the layers before ARG APP_VERSION are shared.
  const fill = async (context: string) => {
    await copyFile(join(FIXTURES, 'Dockerfile'), join(context, 'Dockerfile'))
    await cp(join(FIXTURES, 'app-start'), join(context, 'app-start'))
    await cp(join(FIXTURES, 'www'), join(context, 'www'), {recursive: true})
    await compileServer(join(context, 'app-server'))
  }
  await buildAndPushFixtureImages(
    'keepalive',
    fill,
    KEEPALIVE_TAGS.map((tag) => ({tag: tags[tag], args: [`APP_VERSION=${tag}`]})),
  )
  return {repository: KEEPALIVE_REPOSITORY, tags}
}
