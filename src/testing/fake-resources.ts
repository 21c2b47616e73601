/** The fake Docker's images (with pulls), networks and volumes: dockerode's Image, Network and Volume. */
import {Readable} from 'node:stream'

import type {FakeDocker} from './fake-docker.js'
import {dockerFailure, fakeDigest, hasLabel, notFound, pullStream} from './fake-streams.js'

export function imageApi(docker: FakeDocker, ref: string) {
  return {
    inspect: () =>
      docker.act('image.inspect', ref, () => {
        const image = docker.image(ref)
        if (!image) throw notFound(`image: ${ref}`)
        return {Id: image.id, RepoTags: [...image.refs], RepoDigests: [...image.repoDigests]}
      }),
    remove: () =>
      docker.act('image.remove', ref, () => {
        const image = docker.image(ref)
        if (!image) throw notFound(`image: ${ref}`)
        const user = [...docker.containers.values()].find((c) => c.imageId === image.id)
        if (user) throw dockerFailure(409, `conflict: unable to delete ${ref} (must be forced) - image is being used by ${user.name}`)
        docker.images.delete(image.id)
      }),
    /** `docker pull`: the registry's image lands on the host; progress comes through modem.followProgress. */
    pull: () =>
      docker.act('image.pull', ref, () => {
        const id = docker.registry.get(ref)
        if (!id) return pullStream([], dockerFailure(404, `manifest for ${ref} not found: manifest unknown`))
        const repository = ref.replace(/[:@][^/]*$/, '')
        const digest = ref.includes('@') ? ref.slice(ref.indexOf('@') + 1) : fakeDigest(`manifest ${ref}`)
        const image = docker.images.get(id) ?? {id, refs: new Set<string>(), repoDigests: []}
        image.refs.add(ref)
        if (!image.repoDigests.includes(`${repository}@${digest}`)) image.repoDigests.push(`${repository}@${digest}`)
        docker.images.set(id, image)
        return pullStream([
          {status: 'Pulling fs layer', id: 'layer1'},
          {status: 'Downloading', id: 'layer1', progressDetail: {current: 512, total: 1024}},
          {status: 'Downloading', id: 'layer1', progressDetail: {current: 1024, total: 1024}},
          {status: 'Pull complete', id: 'layer1'},
        ])
      }),
  }
}

/** Docker's network list filters (`label`: `key` or `key=value`, all must match; `name`: any, part of the name). */
export interface NetworkFilters {
  label?: string[]
  name?: string[]
}

/** `GET /networks`: what dockerode's listNetworks returns (Docker lists no containers here). */
export function listNetworksOf(docker: FakeDocker, options: {filters?: NetworkFilters | string} = {}) {
  const filters: NetworkFilters = typeof options.filters === 'string' ? JSON.parse(options.filters) : (options.filters ?? {})
  return docker.act('network.list', [...(filters.label ?? []), ...(filters.name ?? [])].join(','), () =>
    [...docker.networks.entries()]
      .filter(([, n]) => (filters.label ?? []).every((l) => hasLabel(n.labels, l)))
      .filter(([name]) => (filters.name ?? []).length === 0 || filters.name!.some((part) => name.includes(part)))
      .map(([name, n]) => ({Name: name, Id: n.id, Driver: n.driver, Labels: {...n.labels}, Containers: {}})),
  )
}

/** Containers attached to the network and running: Docker's endpoints (a stopped container has none). */
function endpoints(docker: FakeDocker, name: string) {
  return [...docker.containers.values()].filter((c) => c.networks.has(name) && c.state === 'running')
}

export function networkApi(docker: FakeDocker, name: string) {
  const network = () => {
    const found = docker.networks.get(name)
    if (!found) throw notFound(`network ${name}`)
    return found
  }
  return {
    inspect: () =>
      docker.act('network.inspect', name, () => {
        const {id, driver, labels} = network()
        const attached = endpoints(docker, name)
        return {
          Name: name,
          Id: id,
          Driver: driver,
          Labels: labels,
          Containers: Object.fromEntries(attached.map((c) => [c.id, {Name: c.name}])),
        }
      }),
    /** `docker network connect` (aliases in the call's detail); 403 when it is attached already, as Docker says. */
    connect: (options: {Container: string; EndpointConfig?: {Aliases?: string[]}}) =>
      docker.act(
        'network.connect',
        name,
        () => {
          network()
          const container = docker.mustFind(options.Container)
          if (container.networks.has(name))
            throw dockerFailure(403, `endpoint with name ${container.name} already exists in network ${name}`)
          container.networks.add(name)
        },
        {container: options.Container, aliases: options.EndpointConfig?.Aliases ?? []},
      ),
    /** `docker network disconnect`: 404 for a missing container or network, 403 when it is not attached. */
    disconnect: (options: {Container: string}) =>
      docker.act(
        'network.disconnect',
        name,
        () => {
          network()
          const container = docker.mustFind(options.Container)
          if (!container.networks.delete(name)) throw dockerFailure(403, `container ${container.id} is not connected to network ${name}`)
        },
        {container: options.Container},
      ),
    /** Refused while a running container is attached (Docker's "active endpoints"). */
    remove: () =>
      docker.act('network.remove', name, () => {
        const {id} = network()
        if (endpoints(docker, name).length > 0)
          throw dockerFailure(403, `error while removing network: network ${name} id ${id} has active endpoints`)
        docker.networks.delete(name)
      }),
  }
}

export function volumeApi(docker: FakeDocker, name: string) {
  const volume = () => {
    const found = docker.volumes.get(name)
    if (!found) throw notFound(`volume: ${name}`)
    return found
  }
  return {
    inspect: () => docker.act('volume.inspect', name, () => ({Name: name, Labels: volume().labels})),
    remove: () =>
      docker.act('volume.remove', name, () => {
        volume()
        const user = [...docker.containers.values()].find((c) => c.mounts.some((m) => m.source === name))
        if (user) throw dockerFailure(409, `remove ${name}: volume is in use - [${user.id}]`)
        docker.volumes.delete(name)
      }),
    /** The archive API's read of the volume's contents. */
    read: (): Readable => Readable.from([volume().data]),
    async write(tar: Readable): Promise<void> {
      const chunks: Buffer[] = []
      for await (const chunk of tar) chunks.push(Buffer.from(chunk as Uint8Array))
      volume().data = Buffer.concat(chunks)
    },
  }
}
