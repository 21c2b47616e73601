/** The fake Docker's images (with pulls), networks and volumes: dockerode's Image, Network and Volume. */
import {Readable} from 'node:stream'

import type {FakeDocker} from './fake-docker.js'
import {dockerFailure, fakeDigest, notFound, pullStream} from './fake-streams.js'

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

export function networkApi(docker: FakeDocker, name: string) {
  const network = () => {
    const found = docker.networks.get(name)
    if (!found) throw notFound(`network ${name}`)
    return found
  }
  return {
    inspect: () =>
      docker.act('network.inspect', name, () => {
        const {driver, labels} = network()
        const attached = [...docker.containers.values()].filter((c) => c.networks.has(name) && c.state === 'running')
        return {Name: name, Driver: driver, Labels: labels, Containers: Object.fromEntries(attached.map((c) => [c.id, {Name: c.name}]))}
      }),
    connect: (options: {Container: string}) =>
      docker.act('network.connect', name, () => {
        network()
        docker.mustFind(options.Container).networks.add(name)
      }),
    remove: () =>
      docker.act('network.remove', name, () => {
        network()
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
