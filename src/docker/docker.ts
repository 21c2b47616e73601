/**
 * Docker access for the engine: every call to the Docker API goes through these helpers, so errors
 * reach the user as one line with a hint and the rest of the engine speaks in containers, not HTTP.
 * They are built on dockerode (loaded by load-dockerode.ts without the parts discode never uses);
 * `DockerClient` is a dockerode instance, so new code can also use dockerode's own API.
 *
 * This module gathers them for `import ... from '../docker/docker.js'`; each concept has its file.
 */
export {assertDockerRunning, connectDocker, type DockerClient} from './client.js'
export {
  containerName,
  createContainer,
  inspectContainer,
  listContainers,
  listProcesses,
  removeContainer,
  renameContainer,
  startContainer,
  stopContainer,
  type ContainerInfo,
  type ContainerInspect,
  type ContainerSpec,
} from './containers.js'
export {dockerError, DockerUnavailableError} from './errors.js'
export {execInContainer, type CommandResult} from './exec.js'
export {inspectImage, pullImage, removeImage, type ImageInfo, type RegistryAuth} from './images.js'
export {containerLogText, demuxBuffer, streamContainerLogs} from './logs.js'
export {runOneOff} from './one-off.js'
export type {PullProgress} from './pull-progress.js'
export {credentialsFor, registryHost, registryOf, repositoryOf, splitReference} from './reference.js'
export {ensureNetwork, ensureVolume, listVolumes, removeVolume, statPath, type PathStat, volumeLabels} from './storage.js'
