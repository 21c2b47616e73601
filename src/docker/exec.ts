import type {DockerClient} from './client.js'
import {dockerError} from './errors.js'
import {collectDemuxed} from './logs.js'

export interface CommandResult {
  exitCode: number
  stdout: string
  stderr: string
}

/** Runs a command inside a running container (used for the kamal-proxy client). */
export async function execInContainer(docker: DockerClient, name: string, cmd: string[]): Promise<CommandResult> {
  try {
    const exec = await docker.getContainer(name).exec({Cmd: cmd, AttachStdout: true, AttachStderr: true})
    const stream = await exec.start({hijack: true, Detach: false, Tty: false})
    const {stdout, stderr} = await collectDemuxed(docker, stream)
    const info = await exec.inspect()
    return {exitCode: info.ExitCode ?? -1, stdout, stderr}
  } catch (error) {
    throw dockerError(error, `run ${cmd[0]} in ${name}`)
  }
}
