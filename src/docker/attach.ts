import type {Duplex} from 'node:stream'

import type {DockerClient} from './client.js'
import {type ContainerSpec, containerConfig} from './containers.js'
import {dockerError} from './errors.js'

/** The terminal a one-off command talks to: the discode process's own streams. */
export interface Terminal {
  stdin: NodeJS.ReadStream
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
  /** Attach a TTY (raw mode, one stream): only when stdin and stdout are terminals. */
  tty: boolean
  /** Aborted (discode interrupted): a `run` container is removed at once. */
  signal?: AbortSignal
}

/**
 * Runs `spec.cmd` in a new container attached to the terminal and returns its exit code. The
 * container removes itself when it exits (AutoRemove); a container whose discode was killed is
 * removed by the next command (see removeStaleRuns). The env is in the create body, never in argv.
 */
export async function runAttached(docker: DockerClient, spec: ContainerSpec, terminal: Terminal): Promise<number> {
  const base = containerConfig({...spec, restart: false})
  const body = {
    ...base,
    Tty: terminal.tty,
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: {...base.HostConfig, AutoRemove: true},
  }
  try {
    await docker.createContainer({_query: {name: spec.name}, _body: body} as never)
    const container = docker.getContainer(spec.name)
    const stream = (await container.attach({stream: true, stdin: true, stdout: true, stderr: true, hijack: true})) as Duplex
    // 'next-exit': a created container already satisfies the default condition.
    const waiting = container.wait({condition: 'next-exit'}) as Promise<{StatusCode: number}>
    waiting.catch(() => {})
    const piped = connect(docker, stream, terminal, (size) => container.resize(size))
    terminal.signal?.addEventListener('abort', () => void container.remove({force: true}).catch(() => {}), {once: true})
    await container.start()
    const {StatusCode} = await waiting
    await piped.done
    return StatusCode
  } catch (error) {
    throw dockerError(error, `run ${spec.cmd?.[0] ?? spec.image} in a new container`)
  }
}

/** Runs `cmd` in a running container attached to the terminal; returns its exit code. */
export async function execAttached(docker: DockerClient, name: string, cmd: string[], terminal: Terminal): Promise<number> {
  try {
    const exec = await docker.getContainer(name).exec({
      Cmd: cmd,
      Tty: terminal.tty,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    })
    const stream = (await exec.start({hijack: true, stdin: true, Tty: terminal.tty})) as Duplex
    await connect(docker, stream, terminal, (size) => exec.resize(size)).done
    return (await exec.inspect()).ExitCode ?? -1
  } catch (error) {
    throw dockerError(error, `run ${cmd[0]} in ${name}`)
  }
}

type Resize = (size: {h: number; w: number}) => Promise<unknown>

/**
 * Wires the terminal to a hijacked stream: stdin in (raw with a TTY), stdout and stderr out (one
 * stream with a TTY, else demultiplexed). `done` resolves once the output has ended; the terminal is
 * then given back as it was.
 */
function connect(docker: DockerClient, stream: Duplex, terminal: Terminal, resize: Resize): {done: Promise<void>} {
  const {stdin, stdout, stderr, tty} = terminal
  if (tty) {
    stream.pipe(stdout, {end: false})
    stdin.setRawMode?.(true)
  } else docker.modem.demuxStream(stream, stdout, stderr)
  const onResize = () => resize({h: stdout.rows, w: stdout.columns}).catch(() => {})
  if (tty) stdout.on('resize', onResize)
  // Once stdin ends, the command's stdin is closed (half-close) and its output still flows.
  stdin.pipe(stream)
  stdin.resume()
  const done = new Promise<void>((resolve) => {
    stream.on('end', resolve)
    stream.on('close', resolve)
    stream.on('error', () => resolve())
  }).finally(() => {
    stdin.unpipe(stream)
    stdin.pause()
    if (tty) {
      stdin.setRawMode?.(false)
      stdout.off('resize', onResize)
    }
  })
  if (tty) setTimeout(onResize, 50)
  return {done}
}
