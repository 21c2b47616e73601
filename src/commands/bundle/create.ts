import * as Flags from '@oclif/core/flags'

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {DiscodeCommand} from '../../base-command.js'
import type {CreateBundleOptions} from '../../bundle/create.js'
import {DiscodeError} from '../../errors.js'

export default class BundleCreate extends DiscodeCommand {
  static override summary = 'Vendor side: pack releases, their images and the recipe into one signed file for air-gapped servers'
  static override description = `Reads the signed feed (--feed, or the recipe's feed URL) for the releases named with --release, reads each release's image (and each accessory image) by digest from the local Docker engine (docker save through its API: pull them first), and writes one tar: a manifest signed with the feed key (the sha256 and size of every part), the recipe's files and the image layers, each stored once.
The same inputs give the same bytes. Customers install it with "discode install APP --bundle FILE" and update with "discode update APP --bundle FILE", with no network.`

  static override examples = [
    {
      description: 'Bundle two releases',
      command: '<%= config.bin %> bundle create --recipe ./shop --release 1.4.0 --release 1.5.0 --key ./keys/feed.key -o shop-1.5.0.bundle',
    },
    {
      description: "With the vendor plugin's tarball (npm pack), so that its hooks come along",
      command:
        '<%= config.bin %> bundle create --plugin ./acme-discode-shop-1.2.0.tgz --recipe shop --release 1.5.0 --key ./keys/feed.key -o shop-1.5.0.bundle',
    },
    {
      description: 'From a local signed feed file, with the proxy image',
      command:
        '<%= config.bin %> bundle create --recipe ./shop --feed ./feed.json --release 1.5.0 --key ./keys/feed.key --proxy-image basecamp/kamal-proxy:v0.9.0 -o shop.bundle',
    },
  ]

  static override flags = {
    recipe: Flags.string({
      char: 'r',
      description: "Recipe name, source:name or directory (with --plugin: the plugin's recipe, default its only one)",
    }),
    plugin: Flags.string({
      description:
        "The vendor plugin's npm tarball (npm pack), or its directory (packed as npm publish does): the recipe and its hooks come from it",
    }),
    release: Flags.string({description: 'A version to include (repeatable)', required: true, multiple: true}),
    key: Flags.file({char: 'k', description: 'The private key written by `feed keygen` (DIR/feed.key)', required: true}),
    output: Flags.string({char: 'o', description: 'The bundle file to write', required: true}),
    feed: Flags.string({description: "The signed feed, a file or URL (default: the recipe's feed URL)"}),
    'proxy-image': Flags.string({description: 'Also carry this kamal-proxy image (by tag), for a server that has none'}),
  }

  async run() {
    const {flags} = await this.parse(BundleCreate)
    const [{resolveRecipe}, {createBundle}, {connectDocker}, {openPlugin, pluginRecipe}] = await Promise.all([
      import('../../recipes/resolve.js'),
      import('../../bundle/create.js'),
      import('../../docker/docker.js'),
      import('../../bundle/plugin.js'),
    ])
    if (!flags.recipe && !flags.plugin) {
      throw new DiscodeError('bundle create needs the recipe: --recipe, or --plugin with the vendor plugin', {
        code: 'BUNDLE_NO_RECIPE',
        hint: 'e.g. --recipe ./shop, or --plugin ./acme-discode-shop-1.2.0.tgz',
      })
    }
    const work = mkdtempSync(join(tmpdir(), 'discode-bundle-plugin-'))
    try {
      const plugin = flags.plugin ? await openPlugin(flags.plugin, work) : undefined
      const recipe = plugin ? pluginRecipe(plugin, flags.recipe) : resolveRecipe(flags.recipe!, this.recipeRoots())
      return await this.create(createBundle, connectDocker, {recipe, plugin}, flags)
    } finally {
      rmSync(work, {recursive: true, force: true})
    }
  }

  private async create(
    createBundle: typeof import('../../bundle/create.js').createBundle,
    connectDocker: typeof import('../../docker/docker.js').connectDocker,
    {recipe, plugin}: Pick<CreateBundleOptions, 'recipe' | 'plugin'>,
    flags: {release: string[]; key: string; output: string; feed?: string; 'proxy-image'?: string},
  ) {
    const created = await createBundle(connectDocker(), {
      recipe,
      plugin,
      versions: flags.release,
      privateKeyPath: flags.key,
      out: flags.output,
      feed: flags.feed,
      proxyImage: flags['proxy-image'],
      onImage: (ref, index, total) => this.logToStderr(`Reading image ${index + 1} of ${total}: ${ref}`),
      warn: (message) => this.warn(message),
    })
    const layers = new Set(created.images.flatMap((image) => image.layers)).size
    this.log(`Wrote ${created.file} (${(created.size / 1_000_000).toFixed(1)} MB): ${recipe.raw.name} ${created.releases.join(', ')}`)
    this.log(`${created.images.length} images, ${layers} distinct layers, ${created.parts} parts, signed with the feed key`)
    if (plugin) this.log(`With the plugin ${plugin.name} ${plugin.version} (its hooks run at install and update)`)
    const withPlugin = plugin ? {plugin: {name: plugin.name, version: plugin.version}} : {}
    return {file: created.file, size: created.size, app: recipe.raw.name, releases: created.releases, images: created.images, ...withPlugin}
  }
}
