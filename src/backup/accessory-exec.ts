import {PassThrough, type Readable} from 'node:stream'

import type Dockerode from 'dockerode'

import {dockerError, inspectContainer} from '../docker/docker.js'
import {DiscodeError} from '../errors.js'
import type {Engine} from '../lifecycle/context.js'

/**
 * An accessory's declared `backup.dump` / `backup.restore`, run with `docker exec` in the running
 * accessory: dump's stdout is the snapshot part (binary-safe, streamed); restore reads it on stdin.
 */

/** Runs `dump` and hands its stdout to `consume`; a non-zero exit fails with its stderr. */
export async function runDump(
  docker: Dockerode,
  container: string,
  cmd: string[],
  consume: (stdout: Readable) => Promise<void>,
): Promise<void> {
  const exec = await docker.getContainer(container).exec({Cmd: cmd, AttachStdout: true, AttachStderr: true})
  const stream = await exec.start({hijack: true, stdin: false})
  const stdout = new PassThrough()
  const stderr = collect()
  docker.modem.demuxStream(stream, stdout, stderr.sink)
  stream.on('end', () => stdout.end())
  stream.on('close', () => stdout.end())
  stream.on('error', (error) => stdout.destroy(error))
  await consume(stdout)
  await checkExit(exec, container, cmd, stderr.text())
}

/** Runs `restore` with `input` on its stdin. */
export async function runRestore(docker: Dockerode, container: string, cmd: string[], input: Readable): Promise<void> {
  const exec = await docker.getContainer(container).exec({Cmd: cmd, AttachStdin: true, AttachStdout: true, AttachStderr: true})
  const stream = await exec.start({hijack: true, stdin: true})
  const stderr = collect()
  docker.modem.demuxStream(stream, new PassThrough().resume(), stderr.sink)
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve)
    stream.on('close', resolve)
    stream.on('error', reject)
  })
  // pipe ends the hijacked stream's write side once the input is sent: the command sees end of file.
  input.on('error', (error) => (stream as unknown as {destroy(e: Error): void}).destroy(error))
  input.pipe(stream as unknown as NodeJS.WritableStream)
  await finished
  await checkExit(exec, container, cmd, stderr.text())
}

async function checkExit(exec: Dockerode.Exec, container: string, cmd: string[], stderr: string): Promise<void> {
  let code: number | null
  try {
    code = (await exec.inspect()).ExitCode
  } catch (error) {
    throw dockerError(error, `check ${cmd[0]} in ${container}`)
  }
  if (code !== 0) {
    const last = stderr.trim().split('\n').slice(-3).join(' / ')
    throw new DiscodeError(`"${cmd.join(' ')}" failed in ${container} (exit ${code})${last ? `: ${last}` : ''}`, {
      hint: "The accessory's backup command comes from the recipe: check the accessory's logs, or ask the vendor",
      code: 'ACCESSORY_BACKUP_FAILED',
    })
  }
}

function collect() {
  const chunks: Buffer[] = []
  const sink = new PassThrough().on('data', (chunk: Buffer) => chunks.push(chunk))
  return {sink, text: () => Buffer.concat(chunks).toString('utf8')}
}

/** Waits until a (re)started accessory runs and, if it has a Docker health check, is healthy. */
export async function waitRunning(engine: Engine, container: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const state = (await inspectContainer(engine.docker, container))?.State
    if (state?.Running && (!state.Health || state.Health.Status === 'healthy')) return
    if (Date.now() > deadline) {
      throw new DiscodeError(`The accessory ${container} did not become healthy again after its copy`, {
        hint: `See "docker logs ${container}"`,
        code: 'ACCESSORY_UNHEALTHY',
      })
    }
    await new Promise((resolve) => setTimeout(resolve, 300))
  }
}
