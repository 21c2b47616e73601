/**
 * The byte-level bits of the fake Docker (src/testing/fake-docker.ts): errors shaped like
 * docker-modem's, multiplexed log frames, and the modem's demuxStream/followProgress over streams the
 * fake made. Test support only: never imported by product code.
 */
import {createHash} from 'node:crypto'
import {PassThrough, type Writable} from 'node:stream'

/** What docker-modem rejects with: an HTTP status and Docker's JSON body. */
export function dockerFailure(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) ${message}`), {statusCode, json: {message}})
}

export const notFound = (what: string) => dockerFailure(404, `No such ${what}`)

/** Docker's non-TTY framing: 1 byte stream id, 3 padding, 4 bytes big-endian length. */
export function framed(stdout: string, stderr = ''): Buffer {
  const frame = (stream: number, text: string) => {
    const data = Buffer.from(text)
    const header = Buffer.alloc(8)
    header[0] = stream
    header.writeUInt32BE(data.length, 4)
    return Buffer.concat([header, data])
  }
  return Buffer.concat([...(stdout ? [frame(1, stdout)] : []), ...(stderr ? [frame(2, stderr)] : [])])
}

/** `sha256:<64 hex>` from any text: stable image ids and digests. */
export function fakeDigest(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`
}

const outputs = new WeakMap<NodeJS.ReadableStream, {stdout: string; stderr: string}>()
const pulls = new WeakMap<NodeJS.ReadableStream, {events: object[]; error?: Error}>()

/** An exec's attached stream: demuxStream writes its output and ends it. */
export function execStream(stdout: string, stderr: string): NodeJS.ReadableStream {
  const stream = new PassThrough()
  outputs.set(stream, {stdout, stderr})
  return stream
}

/** A pull's progress stream: followProgress replays its events, then finishes (or fails). */
export function pullStream(events: object[], error?: Error): NodeJS.ReadableStream {
  const stream = new PassThrough()
  pulls.set(stream, {events, error})
  return stream
}

/** The part of dockerode's `modem` discode uses. */
export const fakeModem = {
  demuxStream(stream: NodeJS.ReadableStream, stdout: Writable, stderr: Writable): void {
    const out = outputs.get(stream)
    if (out) {
      if (out.stdout) stdout.write(out.stdout)
      if (out.stderr) stderr.write(out.stderr)
    }
    const passThrough = stream as PassThrough
    passThrough.resume()
    passThrough.end()
  },
  followProgress(stream: NodeJS.ReadableStream, onFinished: (error: unknown) => void, onProgress: (event: object) => void): void {
    const pull = pulls.get(stream) ?? {events: []}
    setImmediate(() => {
      for (const event of pull.events) onProgress(event)
      onFinished(pull.error ?? null)
    })
  },
}

/** Docker's label filter: `key` or `key=value`. */
export function hasLabel(labels: Record<string, string>, filter: string): boolean {
  const at = filter.indexOf('=')
  return at < 0 ? filter in labels : labels[filter.slice(0, at)] === filter.slice(at + 1)
}
