import type {DockerClient} from './client.js'
import {type ContainerSpec, createContainer, removeContainer, startContainer} from './containers.js'
import {dockerError} from './errors.js'
import {containerLogText} from './logs.js'

/**
 * Runs `spec.cmd` in a fresh container and removes it afterwards, keeping its output.
 * Hooks run this way: the new image, the app's env, volumes and network, never the serving container.
 */
export async function runOneOff(
  docker: DockerClient,
  spec: ContainerSpec,
  options: {timeoutMs?: number} = {},
): Promise<{exitCode: number; output: string; timedOut: boolean}> {
  await createContainer(docker, {...spec, restart: false})
  const container = docker.getContainer(spec.name)
  try {
    // 'next-exit': a container that is only created already satisfies the default condition.
    const waiting = container.wait({condition: 'next-exit'}) as Promise<{StatusCode: number}>
    waiting.catch(() => {}) // awaited below; should the start fail, its rejection is not an unhandled one
    await startContainer(docker, spec.name)
    let timedOut = false
    const timer = setTimeout(
      () => {
        timedOut = true
        container.kill().catch(() => {})
      },
      options.timeoutMs ?? 10 * 60_000,
    )
    const result = await waiting.finally(() => clearTimeout(timer))
    const output = await containerLogText(docker, spec.name, {tail: 200})
    return {exitCode: result.StatusCode, output, timedOut}
  } catch (error) {
    throw dockerError(error, `run ${spec.cmd?.join(' ') ?? spec.image} in a one-off container`)
  } finally {
    await removeContainer(docker, spec.name).catch(() => {})
  }
}
