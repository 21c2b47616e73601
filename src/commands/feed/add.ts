import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'
import {registryOf} from '../../docker/reference.js'
import {addReleaseToFile} from '../../feed/add.js'
import {dockerConfigCredentials, readDockerConfig, registryDigest} from '../../feed/registry-digest.js'

export default class FeedAdd extends DiscodeCommand {
  static override summary = 'Add a pushed release to a feed, pinned by the digest its registry reports'
  static override description = `Reads the digest of --image (REPO:TAG, already pushed) from its registry over the Registry HTTP API (no Docker needed) and adds {"version", "image": "REPO@sha256:...", "channel"} to FEED (created if missing). Then sign the feed again: discode feed sign FEED --key keys/feed.key.
Credentials: --registry-user with the password or token in DISCODE_REGISTRY_PASSWORD, else what "docker login" kept in Docker's config.json. A registry on a loopback address is reached over HTTP, any other over HTTPS.`

  static override examples = [
    {
      description: 'Push, add, sign',
      command:
        'docker push registry.example.com/acme/shop:1.1.0 && <%= config.bin %> feed add feed.json --image registry.example.com/acme/shop:1.1.0 --version 1.1.0 && <%= config.bin %> feed sign feed.json --key keys/feed.key',
    },
    {
      description: 'A beta, from a private registry',
      command:
        'DISCODE_REGISTRY_PASSWORD=token <%= config.bin %> feed add feed.json --image registry.example.com/acme/shop:2.0.0-rc.1 --version 2.0.0-rc.1 --channel beta --registry-user ci',
    },
  ]

  static override args = {feed: Args.file({description: 'The feed JSON file (rewritten in place; created if missing)', required: true})}

  static override flags = {
    image: Flags.string({char: 'i', description: 'The pushed image, REPO:TAG', required: true}),
    version: Flags.string({char: 'v', description: 'The release version (semver)', required: true}),
    channel: Flags.string({char: 'c', description: 'The release channel', default: 'stable'}),
    notes: Flags.string({description: 'Release notes shown by "discode update --check"'}),
    'registry-user': Flags.string({description: 'User name for the image registry (the password from DISCODE_REGISTRY_PASSWORD)'}),
    'registry-password': Flags.string({
      description: 'Password or token for the registry; prefer the environment variable, which stays out of process lists',
      env: 'DISCODE_REGISTRY_PASSWORD',
    }),
  }

  async run() {
    const {args, flags} = await this.parse(FeedAdd)
    const credentials =
      flags['registry-user'] && flags['registry-password']
        ? {username: flags['registry-user'], password: flags['registry-password']}
        : dockerConfigCredentials(registryOf(flags.image), readDockerConfig())
    const digest = await registryDigest(flags.image, {credentials})
    const {entry} = addReleaseToFile(args.feed, {
      version: flags.version,
      image: flags.image,
      digest,
      channel: flags.channel,
      notes: flags.notes,
    })
    const {image, version} = entry as {image: string; version: string}
    this.log(`Added ${version} to ${args.feed}: ${image}`)
    this.log(`Sign it again before publishing: discode feed sign ${args.feed} --key keys/feed.key`)
    return {feed: args.feed, release: entry, digest}
  }
}
