import {PassThrough, type Writable} from 'node:stream'

import type {DockerClient} from './client.js'
import {dockerError, isNotFound} from './errors.js'

/** The last `tail` lines of a container's stdout and stderr, interleaved as Docker stored them. */
export async function containerLogText(docker: DockerClient, name: string, options: {tail?: number} = {}): Promise<string> {
  try {
    return demuxBuffer(await containerLogs(docker, name, {tail: options.tail}))
  } catch (error) {
    if (isNotFound(error)) return ''
    throw dockerError(error, `read logs of ${name}`)
  }
}

/**
 * Streams a container's logs (or a Swarm service's: all its replicas, on every node) to the given
 * writables until it stops (follow) or the tail is printed.
 */
export async function streamContainerLogs(
  docker: DockerClient,
  name: string,
  options: {tail?: number; follow: boolean; stdout: Writable; stderr: Writable; signal?: AbortSignal; service?: boolean},
): Promise<void> {
  const source = options.service ? docker.getService(name) : docker.getContainer(name)
  try {
    const logs = (follow: boolean) =>
      (source.logs as (o: object) => Promise<unknown>).call(source, {stdout: true, stderr: true, follow, tail: options.tail ?? 100})
    if (!options.follow) {
      for (const frame of frames((await logs(false)) as Buffer)) (frame.stream === 2 ? options.stderr : options.stdout).write(frame.data)
      return
    }
    const stream = (await logs(true)) as NodeJS.ReadableStream
    docker.modem.demuxStream(stream, options.stdout, options.stderr)
    options.signal?.addEventListener('abort', () => (stream as unknown as {destroy(): void}).destroy())
    await ended(stream).catch(() => {})
  } catch (error) {
    throw dockerError(error, `read logs of ${name}`)
  }
}

/** A multiplexed stream's stdout and stderr, read to its end (an exec's output). */
export async function collectDemuxed(docker: DockerClient, stream: NodeJS.ReadableStream): Promise<{stdout: string; stderr: string}> {
  const out: Buffer[] = []
  const err: Buffer[] = []
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c))
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c))
  docker.modem.demuxStream(stream, stdout, stderr)
  await ended(stream)
  return {stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8')}
}

function ended(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    stream.on('end', resolve)
    stream.on('close', resolve)
    stream.on('error', reject)
  })
}

/** A finished container's logs (multiplexed frames). */
function containerLogs(docker: DockerClient, name: string, options: {tail?: number}): Promise<Buffer> {
  return docker.getContainer(name).logs({stdout: true, stderr: true, follow: false, tail: options.tail ?? 100})
}

/** Docker multiplexes non-TTY output in frames: 1 byte stream id, 3 padding, 4 bytes big-endian length. */
export function* frames(buffer: Buffer): Generator<{stream: number; data: Buffer}> {
  let offset = 0
  while (offset + 8 <= buffer.length) {
    const length = buffer.readUInt32BE(offset + 4)
    yield {stream: buffer[offset], data: buffer.subarray(offset + 8, offset + 8 + length)}
    offset += 8 + length
  }
}

export function demuxBuffer(buffer: Buffer): string {
  return [...frames(buffer)].map((f) => f.data.toString('utf8')).join('')
}
